/* Times one predict call through a compiled model's library, the way the
 * executable's `bench` times forward_infer: 2 warm-up calls, then N timed
 * calls; prints "predict median MS min MS". Built by bench/library.sh for a
 * model with one input and one output (4-byte dtypes), zero-filled inputs
 * as `bench` uses for integer inputs:
 *   cc -include lib/<name>.h -DPREFIX=<name> -DIN=<elems> -DOUT=<elems> ... */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CAT(a, b) a##b
#define API(p, f) CAT(p, f)
#define FN(f) API(PREFIX, f)

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  long batch = atol(argv[1]), steps = atol(argv[2]), i;
  int threads = atoi(argv[3]);
  void *m;
  const void *in[1];
  void *out[1];
  double *ms = malloc(sizeof(double) * steps);
  if (argc != 4)
    return 2;
  in[0] = calloc((size_t)batch * IN, 4);
  out[0] = calloc((size_t)batch * OUT, 4);
  if (FN(_create)((void *)&m, 1) || FN(_set_threads)(m, threads))
    return 1;
  for (i = -2; i < steps; ++i) {
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    if (FN(_predict_arrays)(m, 0, in, batch, out))
      return 1;
    clock_gettime(CLOCK_MONOTONIC, &b);
    if (i >= 0)
      ms[i] = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
  }
  qsort(ms, steps, sizeof(double), cmp);
  printf("predict median %.3f min %.3f\n", ms[steps / 2], ms[0]);
  FN(_destroy)(m);
  return 0;
}
