// Measured fp32 FMA peak: 12 independent FMA chains per thread held in registers (enough to cover
// latency x pipes on current x86 cores), best of 5 runs. Each thread times itself on its own CPU clock
// (CLOCK_THREAD_CPUTIME_ID), so time spent descheduled by other jobs on a shared machine does not count:
// the figure is what a core does while it runs this code. bench/machine.ts compiles this at bench time in a
// temp dir (g++ -O2 -mavx2 -mfma [-mavx512f] -pthread) and reads the one JSON line it prints:
//   {"avx2": {"1": GFLOP/s on 1 thread, "T": sum over T threads}, "avx512": {...}}   (T = argv[1], default 2)
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#define REP12(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)

static volatile float sink;

// GCC vectors of 8 floats (ymm) and, in an AVX-512 build, 16 (zmm).
typedef float V8 __attribute__((vector_size(32)));
#ifdef __AVX512F__
typedef float V16 __attribute__((vector_size(64)));
#endif

// `a * m + c` on a GCC vector is one FMA (-mfma, GNU floating-point contraction); the 12 accumulators
// are independent chains.
template <class V, int Lanes>
__attribute__((noinline)) static void chains(long iters) {
  V m, c;
  for (int j = 0; j < Lanes; j++) m[j] = 0.999999f, c[j] = 1e-7f;
#define DECL(i) V a##i = m * 0.0f + (1.0f + (i) * 1e-3f);
#define STEP(i) a##i = a##i * m + c;
#define SUM(i) s += a##i;
  REP12(DECL)
  for (long it = 0; it < iters; it++) { REP12(STEP) }
  V s = m * 0.0f;
  REP12(SUM)
  float t = 0;
  for (int j = 0; j < Lanes; j++) t += s[j];
  sink = t;
#undef DECL
#undef STEP
#undef SUM
}

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
  std::printf("{\"avx2\": {\"1\": %.1f, \"%d\": %.1f}", gflops(chains<V8, 8>, 8, 1), threads, gflops(chains<V8, 8>, 8, threads));
#ifdef __AVX512F__
  if (__builtin_cpu_supports("avx512f"))
    std::printf(", \"avx512\": {\"1\": %.1f, \"%d\": %.1f}", gflops(chains<V16, 16>, 16, 1), threads, gflops(chains<V16, 16>, 16, threads));
#endif
  std::printf("}\n");
  return 0;
}
