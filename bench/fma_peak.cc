// Measured fp32 FMA peak: 12 independent FMA chains per thread held in registers (enough to cover
// latency x pipes on current x86 cores), best of 5 runs. Each thread times itself on its own CPU clock
// (CLOCK_THREAD_CPUTIME_ID), so time spent descheduled by other jobs on a shared machine does not count:
// the figure is what a core does while it runs this code. bench/machine.ts compiles this at bench time in a
// temp dir (g++ -O2 -mavx2 -mfma [-mavx512f] -pthread) and reads the one JSON line it prints:
//   {"avx2": {"1": GFLOP/s on 1 thread, "T": sum over T threads}, "avx512": {...}}   (T = argv[1], default 2)
#include <immintrin.h>
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#define REP12(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)

static volatile float sink;

__attribute__((noinline)) static void chains_avx2(long iters) {
#define DECL(i) __m256 a##i = _mm256_set1_ps(1.0f + (i) * 1e-3f);
#define STEP(i) a##i = _mm256_fmadd_ps(a##i, m, c);
#define SUM(i) s = _mm256_add_ps(s, a##i);
  REP12(DECL)
  const __m256 m = _mm256_set1_ps(0.999999f), c = _mm256_set1_ps(1e-7f);
  for (long it = 0; it < iters; it++) { REP12(STEP) }
  __m256 s = _mm256_setzero_ps();
  REP12(SUM)
  sink = _mm256_cvtss_f32(s);
#undef DECL
#undef STEP
#undef SUM
}

#ifdef __AVX512F__
__attribute__((noinline)) static void chains_avx512(long iters) {
#define DECL(i) __m512 a##i = _mm512_set1_ps(1.0f + (i) * 1e-3f);
#define STEP(i) a##i = _mm512_fmadd_ps(a##i, m, c);
#define SUM(i) s = _mm512_add_ps(s, a##i);
  REP12(DECL)
  const __m512 m = _mm512_set1_ps(0.999999f), c = _mm512_set1_ps(1e-7f);
  for (long it = 0; it < iters; it++) { REP12(STEP) }
  __m512 s = _mm512_setzero_ps();
  REP12(SUM)
  sink = _mm512_reduce_add_ps(s);
#undef DECL
#undef STEP
#undef SUM
}
#endif

static double thread_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

// Sum over `threads` threads, running at once, of each one's GFLOP/s per CPU-second (2 flops x lanes x 12
// chains per iteration).
static double gflops(void (*fn)(long), int lanes, int threads) {
  const long iters = 20000000;  // ~0.1-0.2 s per run at 2-4 GHz
  double best = 0;
  for (int run = 0; run < 5; run++) {
    std::vector<double> rate(threads);
    auto body = [&](int t) {
      double t0 = thread_cpu_seconds();
      fn(iters);
      rate[t] = 2.0 * lanes * 12 * iters / (thread_cpu_seconds() - t0) / 1e9;
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; t++) pool.emplace_back(body, t);
    body(0);
    for (auto& th : pool) th.join();
    double g = 0;
    for (double r : rate) g += r;
    if (g > best) best = g;
  }
  return best;
}

int main(int argc, char** argv) {
  int threads = argc > 1 ? std::atoi(argv[1]) : 2;
  if (threads < 1) threads = 1;
  std::printf("{\"avx2\": {\"1\": %.1f, \"%d\": %.1f}", gflops(chains_avx2, 8, 1), threads, gflops(chains_avx2, 8, threads));
#ifdef __AVX512F__
  if (__builtin_cpu_supports("avx512f"))
    std::printf(", \"avx512\": {\"1\": %.1f, \"%d\": %.1f}", gflops(chains_avx512, 16, 1), threads, gflops(chains_avx512, 16, threads));
#endif
  std::printf("}\n");
  return 0;
}
