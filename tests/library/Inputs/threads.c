/* Instances are independent: two digits_cnn instances trained at the same
 * time on two threads (each with 2 OpenMP threads) end bit for bit equal to
 * a third trained alone afterwards. */
#include "digits_cnn.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

enum { N = 64, B = 16, STEPS = 12, X = DIGITS_CNN_INPUT_X_EXAMPLE_ELEMENTS };
static float xs[N * X];
static int32_t ys[N];

static void *train(void *arg) {
  digits_cnn_model *m = arg;
  float loss;
  int s;
  for (s = 0; s < STEPS; ++s) {
    int first = (s * B) % N;
    if (digits_cnn_train_step(m, xs + first * X, ys + first, B, &loss))
      return (void *)1;
  }
  return NULL;
}

static int same(digits_cnn_model *a, digits_cnn_model *b) {
  int64_t i;
  for (i = 0; i < digits_cnn_state_count(a); ++i)
    if (memcmp(digits_cnn_state_data(a, i), digits_cnn_state_data(b, i),
               sizeof(float) * digits_cnn_state_size(a, i)))
      return 0;
  return digits_cnn_global_step(a) == digits_cnn_global_step(b);
}

int main(void) {
  digits_cnn_model *m[3];
  pthread_t t[2];
  void *r0, *r1;
  unsigned seed = 12345;
  int i;
  for (i = 0; i < N * X; ++i) {
    seed = seed * 1103515245u + 12345u;
    xs[i] = (float)((seed >> 8) & 0xffff) / 65536.0f;
  }
  for (i = 0; i < N; ++i)
    ys[i] = i % 10;
  for (i = 0; i < 3; ++i)
    if (digits_cnn_create(&m[i], 3) || digits_cnn_set_threads(m[i], 2))
      return 1;
  pthread_create(&t[0], NULL, train, m[0]);
  pthread_create(&t[1], NULL, train, m[1]);
  pthread_join(t[0], &r0);
  pthread_join(t[1], &r1);
  if (r0 || r1 || train(m[2]))
    return 1;
  printf("global_step %lld\n", (long long)digits_cnn_global_step(m[2]));
  printf("concurrent instances %s\n", same(m[0], m[1]) ? "identical" : "DIFFER");
  printf("concurrent vs alone %s\n", same(m[0], m[2]) ? "identical" : "DIFFER");
  for (i = 0; i < 3; ++i)
    digits_cnn_destroy(m[i]);
  return 0;
}
