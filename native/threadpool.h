// The process-wide kernel thread pool (one per process, shared by the main thread and every
// worker_thread that loads the addon).
//
// Size: NODETORCH_NUM_THREADS if set to a positive integer, else std::thread::hardware_concurrency();
// setNumThreads() changes it. The calling thread takes part, so a pool of size T owns T - 1 workers.
// One parallel job runs at a time; a caller that finds the pool busy (another JS thread is inside a
// kernel) runs its job on its own thread instead of waiting, which is always correct.
//
// This header is included by the per-ISA kernel libraries, so it holds only declarations and one
// template whose instantiations are private to each caller (see native/kernels/isa.h).
#pragma once

#include <cstddef>

namespace nt {

/**
 * Below this much work (roughly: floating-point operations) a job runs on the calling thread. Measured
 * on 2 AVX2 cores: with the workers warm (spinning after a recent job) 2 threads win from ~0.1 MFLOP
 * (matmul 48^3: 5.1 -> 3.8 us); waking a sleeping worker costs tens of microseconds more, so the cut
 * sits at ~0.5 MFLOP (about 6 us of single-thread work).
 */
constexpr double kParallelMinWork = 1 << 19;

using RangeFn = void (*)(void* ctx, size_t begin, size_t end);

/**
 * Runs fn(ctx, begin, end) over consecutive ranges that exactly cover [0, n): a few ranges per
 * thread, claimed dynamically. `work` estimates the whole job's cost; small jobs (or a pool of 1, or a
 * busy pool) run as fn(ctx, 0, n) on the calling thread. fn must not throw.
 */
void parallelForImpl(size_t n, double work, RangeFn fn, void* ctx);

/** Threads a parallel job may use, including the caller (>= 1). */
int numThreads();

/** Resizes the pool to n threads including the caller (n >= 1); waits for a running job to finish. */
void setNumThreads(int n);

/** parallelForImpl for a lambda `f(size_t begin, size_t end)`. */
template <class F>
inline void parallelFor(size_t n, double work, const F& f) {
  parallelForImpl(
      n, work, [](void* ctx, size_t b, size_t e) { (*static_cast<const F*>(ctx))(b, e); },
      const_cast<void*>(static_cast<const void*>(&f)));
}

}  // namespace nt
