// STREAM triad, a[i] = b[i] + s*c[i]: the memory bandwidth a streaming kernel
// such as batch norm can hope for. Arrays are far larger than the caches;
// bytes are counted as STREAM does (two reads and one write per element, no
// write-allocate traffic), and the best of several repetitions is reported.
//
//   stream_triad THREADS [REPS]   ->   prints "triad_gbs <GB/s>"
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#define N (40L * 1000 * 1000) // 3 arrays x 320 MB, >> 32 MB of L3

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  int reps = argc > 2 ? atoi(argv[2]) : 10;
  omp_set_num_threads(threads);
  double *a = malloc(N * sizeof(double)), *b = malloc(N * sizeof(double)),
         *c = malloc(N * sizeof(double));
  if (!a || !b || !c)
    return 1;
  // Initialise with the same static schedule as the kernel so each thread
  // touches (and the kernel later streams) the same pages.
#pragma omp parallel for schedule(static)
  for (long i = 0; i < N; ++i) {
    a[i] = 0.0;
    b[i] = 1.0;
    c[i] = 2.0;
  }
  const double s = 3.0;
  double best = 1e30;
  for (int r = 0; r < reps; ++r) {
    double t0 = omp_get_wtime();
#pragma omp parallel for schedule(static)
    for (long i = 0; i < N; ++i)
      a[i] = b[i] + s * c[i];
    double t = omp_get_wtime() - t0;
    if (t < best)
      best = t;
  }
  // Reading a back keeps the stores from being optimised away.
  if (a[N / 2] != 7.0)
    return 2;
  printf("triad_gbs %.2f\n", 3.0 * sizeof(double) * N / best / 1e9);
  return 0;
}
