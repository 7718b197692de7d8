// Fixed-size thread pool behind nt::parallelForImpl (see threadpool.h for the contract).
//
// A job is split into a few ranges per thread. The caller publishes it by storing one atomic word,
// claim_ = (job number, range count, next range), and then works through the ranges itself; a worker
// claims a range with a compare-and-swap on that word, which succeeds only while the job it saw is still
// the current one and has unclaimed ranges. The caller waits only for ranges that were claimed, counted
// in finished_: a worker that was asleep or descheduled when the job came (the OS gave its core to a
// garbage-collector thread, or another process) claims nothing and never holds the caller up. Before,
// the caller waited for every worker to check in, so with 2 threads on 2 busy cores a train step often
// ran every range on the caller and then slept until the late worker got a time slice: 2 threads were
// slower than 1 (batch 128: 0.91x).
//
// The job's fields are written before the word that publishes it (release) and read only after a
// successful claim (acquire), and the caller rewrites them only once every claimed range has finished,
// so no worker ever sees a half-written job.
//
// Waking a sleeping thread costs tens of microseconds here (a halted virtual CPU must be woken), so a
// worker that finished a job polls for the next one for kSpin (pausing, then yielding the CPU) before
// sleeping on the condition variable, and so does the caller waiting for claimed ranges. The caller
// takes the mutex to notify only when a worker is asleep, so back-to-back kernels pay no system call.
// runMu_ serialises jobs from different JS threads and resizes. The pool object is deliberately leaked:
// joining threads from a static destructor during process exit can deadlock, and idle workers cost
// nothing then.
#include "threadpool.h"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

namespace nt {
namespace {

constexpr int kMaxThreads = 256;
// A few ranges per thread, claimed dynamically, so a thread the OS descheduled (busy machine) does not
// hold up the job: the others take its share.
constexpr size_t kRangesPerThread = 4;
constexpr std::chrono::microseconds kSpin{100};

inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

/**
 * Polls done() for up to kSpin; true if it became true. After a short busy burst it yields the CPU
 * between polls, so that spinning threads do not starve the ones doing the work when there are more
 * runnable threads than cores (a busy machine, or NODETORCH_NUM_THREADS above the core count).
 */
template <class Done>
bool spinUntil(const Done& done) {
  for (int i = 0; i < 256; ++i) {
    if (done()) return true;
    cpuRelax();
  }
  const auto until = std::chrono::steady_clock::now() + kSpin;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::yield();
  }
  return done();
}

int defaultThreads() {
  const char* env = std::getenv("NODETORCH_NUM_THREADS");
  if (env != nullptr && *env != '\0') {
    char* end = nullptr;
    errno = 0;
    long v = std::strtol(env, &end, 10);
    if (*end == '\0' && errno == 0 && v >= 1) return v > kMaxThreads ? kMaxThreads : static_cast<int>(v);
  }
  unsigned hc = std::thread::hardware_concurrency();
  if (hc == 0) return 1;
  return hc > static_cast<unsigned>(kMaxThreads) ? kMaxThreads : static_cast<int>(hc);
}

class Pool {
 public:
  explicit Pool(int n) { start(n); }

  int size() const { return size_.load(std::memory_order_relaxed); }

  void resize(int n) {
    std::lock_guard<std::mutex> run(runMu_);
    stop();
    start(n);
  }

  void run(size_t n, double work, RangeFn fn, void* ctx) {
    if (n == 0) return;
    if (size() <= 1 || n == 1 || work < kParallelMinWork) return fn(ctx, 0, n);
    std::unique_lock<std::mutex> run(runMu_, std::try_to_lock);
    if (!run.owns_lock() || workers_.empty()) return fn(ctx, 0, n);  // busy: run here
    const size_t maxRanges = kRangesPerThread * (workers_.size() + 1);
    const uint64_t ranges = n < maxRanges ? n : maxRanges;
    fn_ = fn;
    ctx_ = ctx;
    n_ = n;
    finished_.store(0, std::memory_order_relaxed);
    const uint64_t job = (claim_.load(std::memory_order_relaxed) >> kJobShift) + 1;
    claim_.store(job << kJobShift | ranges << kRangesShift, std::memory_order_seq_cst);  // publishes the job
    if (sleepers_.load(std::memory_order_seq_cst) > 0) {
      { std::lock_guard<std::mutex> lk(mu_); }  // a worker between its check and its wait has reached the wait
      wake_.notify_all();
    }
    runRanges(job);
    auto allDone = [&] { return finished_.load(std::memory_order_acquire) == ranges; };
    if (spinUntil(allDone)) return;
    std::unique_lock<std::mutex> lk(mu_);
    callerWaiting_.store(true, std::memory_order_seq_cst);
    done_.wait(lk, allDone);
    callerWaiting_.store(false, std::memory_order_relaxed);
  }

 private:
  // Spawns n - 1 workers (fewer if the OS refuses threads; the pool then shrinks to what it got).
  void start(int n) {
    if (n < 1) n = 1;
    if (n > kMaxThreads) n = kMaxThreads;
    for (int i = 1; i < n; ++i) {
      try {
        workers_.emplace_back([this] { workerLoop(); });
      } catch (...) {
        break;
      }
    }
    size_.store(static_cast<int>(workers_.size()) + 1, std::memory_order_relaxed);
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      stopping_.store(true, std::memory_order_release);
    }
    wake_.notify_all();
    for (std::thread& t : workers_) t.join();
    workers_.clear();
    stopping_.store(false, std::memory_order_relaxed);
    size_.store(1, std::memory_order_relaxed);
  }

  void workerLoop() {
    uint64_t seen = claim_.load(std::memory_order_acquire) >> kJobShift;
    auto ready = [&] {
      return stopping_.load(std::memory_order_seq_cst) || (claim_.load(std::memory_order_seq_cst) >> kJobShift) != seen;
    };
    for (;;) {
      if (!spinUntil(ready)) {
        std::unique_lock<std::mutex> lk(mu_);
        sleepers_.fetch_add(1, std::memory_order_seq_cst);
        wake_.wait(lk, ready);
        sleepers_.fetch_sub(1, std::memory_order_relaxed);
      }
      if (stopping_.load(std::memory_order_acquire)) return;
      seen = claim_.load(std::memory_order_acquire) >> kJobShift;
      runRanges(seen);
    }
  }

  // Range r of R over [0, n): the first n % R ranges get one extra item.
  size_t rangeBegin(size_t r, size_t ranges) const {
    size_t q = n_ / ranges, rem = n_ % ranges;
    return r * q + (r < rem ? r : rem);
  }

  // Claims and runs ranges of job `job` until it has none left (or a newer job replaced it).
  void runRanges(uint64_t job) {
    uint64_t c = claim_.load(std::memory_order_acquire);
    for (;;) {
      const uint64_t next = c & kFieldMask, ranges = (c >> kRangesShift) & kFieldMask;
      if ((c >> kJobShift) != job || next >= ranges) return;
      if (!claim_.compare_exchange_weak(c, c + 1, std::memory_order_acq_rel, std::memory_order_acquire)) continue;
      fn_(ctx_, rangeBegin(next, ranges), rangeBegin(next + 1, ranges));
      if (finished_.fetch_add(1, std::memory_order_seq_cst) + 1 == ranges && callerWaiting_.load(std::memory_order_seq_cst)) {
        { std::lock_guard<std::mutex> lk(mu_); }  // the caller between its check and its wait has reached the wait
        done_.notify_one();
      }
      c = claim_.load(std::memory_order_acquire);
    }
  }

  // claim_ = job << 32 | ranges << 16 | next: the job number, its range count and the next unclaimed range.
  static constexpr int kJobShift = 32, kRangesShift = 16;
  static constexpr uint64_t kFieldMask = 0xffff;
  static_assert(kRangesPerThread * kMaxThreads <= kFieldMask, "range count must fit its field");

  std::mutex runMu_;  // held for a whole job, and by resize
  std::mutex mu_;     // around condition-variable waits, and taken (empty) before notifying
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;
  std::atomic<int> size_{1};
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> claim_{0};       // see kJobShift
  std::atomic<uint64_t> finished_{0};    // ranges of the current job that have run to the end
  std::atomic<int> sleepers_{0};         // workers waiting on wake_
  std::atomic<bool> callerWaiting_{false};  // the caller waits on done_
  // The current job: written before claim_ publishes it, read after a successful claim.
  RangeFn fn_ = nullptr;
  void* ctx_ = nullptr;
  size_t n_ = 0;
};

Pool& pool() {
  static Pool* p = new Pool(defaultThreads());  // leaked on purpose, see above
  return *p;
}

}  // namespace

void parallelForImpl(size_t n, double work, RangeFn fn, void* ctx) { pool().run(n, work, fn, ctx); }

int numThreads() { return pool().size(); }

void setNumThreads(int n) { pool().resize(n); }

}  // namespace nt
