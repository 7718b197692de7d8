// Fixed-size thread pool behind nt::parallelForImpl (see threadpool.h for the contract).
//
// A job is published under mu_ by bumping generation_; every worker then claims ranges from the
// atomic counter next_ (the caller does too) and reports back through busy_. runMu_ serialises jobs
// from different JS threads and resizes. The pool object is deliberately leaked: joining threads
// from a static destructor during process exit can deadlock, and idle workers cost nothing then.
#include "threadpool.h"

#include <atomic>
#include <cerrno>
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
    {
      std::lock_guard<std::mutex> lk(mu_);
      fn_ = fn;
      ctx_ = ctx;
      n_ = n;
      const size_t maxRanges = kRangesPerThread * (workers_.size() + 1);
      ranges_ = n < maxRanges ? n : maxRanges;
      next_.store(0, std::memory_order_relaxed);
      busy_ = workers_.size();
      ++generation_;
    }
    wake_.notify_all();
    runRanges();
    std::unique_lock<std::mutex> lk(mu_);
    done_.wait(lk, [this] { return busy_ == 0; });
  }

 private:
  // Spawns n - 1 workers (fewer if the OS refuses threads; the pool then shrinks to what it got).
  void start(int n) {
    if (n < 1) n = 1;
    if (n > kMaxThreads) n = kMaxThreads;
    for (int i = 1; i < n; ++i) {
      try {
        workers_.emplace_back([this, g = generation_] { workerLoop(g); });
      } catch (...) {
        break;
      }
    }
    size_.store(static_cast<int>(workers_.size()) + 1, std::memory_order_relaxed);
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (std::thread& t : workers_) t.join();
    workers_.clear();
    stopping_ = false;
    size_.store(1, std::memory_order_relaxed);
  }

  void workerLoop(uint64_t seen) {
    for (;;) {
      {
        std::unique_lock<std::mutex> lk(mu_);
        wake_.wait(lk, [&] { return stopping_ || generation_ != seen; });
        if (stopping_) return;
        seen = generation_;
      }
      runRanges();
      std::lock_guard<std::mutex> lk(mu_);
      if (--busy_ == 0) done_.notify_one();
    }
  }

  // Range r of R over [0, n): the first n % R ranges get one extra item.
  size_t rangeBegin(size_t r) const {
    size_t q = n_ / ranges_, rem = n_ % ranges_;
    return r * q + (r < rem ? r : rem);
  }

  void runRanges() {
    for (;;) {
      size_t r = next_.fetch_add(1, std::memory_order_relaxed);
      if (r >= ranges_) return;
      fn_(ctx_, rangeBegin(r), rangeBegin(r + 1));
    }
  }

  std::mutex runMu_;  // held for a whole job, and by resize
  std::mutex mu_;     // guards generation_, stopping_, busy_ and the job fields' publication
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;
  std::atomic<int> size_{1};
  uint64_t generation_ = 0;
  bool stopping_ = false;
  size_t busy_ = 0;
  // The current job: written under mu_ before generation_ changes, read-only while it runs.
  RangeFn fn_ = nullptr;
  void* ctx_ = nullptr;
  size_t n_ = 0, ranges_ = 0;
  std::atomic<size_t> next_{0};
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
