// Peak single-precision FMA throughput: every thread runs many independent
// vector FMA chains, enough to cover the FMA latency on every FMA pipe, so
// the loop is limited by issue width alone. This is the ceiling a
// convolution's GFLOP/s is compared against (an FMA counts as 2 flops).
//
//   fma_peak THREADS [SECONDS_PER_REP]   ->   prints "fma_gflops <GFLOP/s> width <bits>"
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef __AVX512F__
typedef __m512 vec;
#define LANES 16
#define SET1 _mm512_set1_ps
#define FMA _mm512_fmadd_ps
#define ADD _mm512_add_ps
#define STORE _mm512_storeu_ps
#else
typedef __m256 vec;
#define LANES 8
#define SET1 _mm256_set1_ps
#define FMA _mm256_fmadd_ps
#define ADD _mm256_add_ps
#define STORE _mm256_storeu_ps
#endif

// 4-cycle latency x 2 pipes needs >= 8 chains. The chains and the two
// constants must fit in the register file, or the loop measures spills:
// 16 of AVX-512's 32 registers, 12 of AVX2's 16 (Zen 3 measured 54 GFLOP/s
// per core with 16 spilling chains, 102 with 12).
#ifdef __AVX512F__
#define CHAINS 16
#else
#define CHAINS 12
#endif
#define ITERS 10000000L

// One thread's work; returns a value that depends on every chain so the
// compiler cannot drop any of them.
static float run_chains(float seed) {
  vec acc[CHAINS];
  for (int k = 0; k < CHAINS; ++k)
    acc[k] = SET1(seed + k);
  // acc = acc*m + a converges to a/(1-m): no overflow, no denormals.
  const vec m = SET1(0.999999f), a = SET1(1e-6f);
  for (long i = 0; i < ITERS; ++i)
    for (int k = 0; k < CHAINS; ++k)
      acc[k] = FMA(acc[k], m, a);
  vec sum = acc[0];
  for (int k = 1; k < CHAINS; ++k)
    sum = ADD(sum, acc[k]);
  float out[LANES];
  STORE(out, sum);
  return out[0];
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  int reps = argc > 2 ? atoi(argv[2]) : 3;
  omp_set_num_threads(threads);
  double best = 1e30;
  float sink = 0;
  for (int r = 0; r < reps; ++r) {
    double t0 = omp_get_wtime();
#pragma omp parallel reduction(+ : sink)
    sink += run_chains((float)omp_get_thread_num());
    double t = omp_get_wtime() - t0;
    if (t < best)
      best = t;
  }
  double flops = 2.0 * LANES * CHAINS * ITERS * threads;
  printf("fma_gflops %.1f width %d sink %g\n", flops / best / 1e9, LANES * 32,
         sink);
  return 0;
}
