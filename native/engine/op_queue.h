// The part of a `distributed` engine addon that does not depend on the engine (shared by
// native/gloo/gloo_addon.cc and native/mpi/mpi_addon.cc): the collectives JS enqueues, a FIFO queue that
// one comm thread drains, and the N-API functions enqueue / isCompleted / wait that every engine exports.
// The JS thread enqueues and gets an op id, polls it (isCompleted) or blocks on it natively (wait), which
// is what DDP needs to finish its bucket allreduces before backward() returns.
// Learned from torch.distributed's ProcessGroupGloo/ProcessGroupMPI (a worker thread draining a work
// queue); the code is our own.
//
// Lifetime: an engine heap-allocates its OpQueue and never frees it while a comm thread may touch it,
// and nothing here has a static destructor, so process.exit() never waits on a condition variable.
#pragma once

#include <napi.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace ntdist {

// The codes src/distributed/collectives.ts passes to enqueue().
enum class Kind { AllReduce = 0, Broadcast = 1, AllGather = 2, Barrier = 3, ReduceScatter = 4 };
enum class Reduce { Sum = 0, Avg = 1, Max = 2, Min = 3 };

// A collective's name in engine errors ("... in allreduce #6"): the op and its seq name the failure.
inline const char* kindName(Kind k) {
  switch (k) {
    case Kind::AllReduce: return "allreduce";
    case Kind::Broadcast: return "broadcast";
    case Kind::AllGather: return "allgather";
    case Kind::Barrier: return "barrier";
    case Kind::ReduceScatter: return "reduce_scatter";
  }
  return "collective";
}

struct Op {
  Kind kind = Kind::Barrier;
  Reduce reduce = Reduce::Sum;
  float* data = nullptr;  // in/out (allgather, reducescatter: input)
  float* out = nullptr;   // allgather output (size * count), reducescatter output (count / size)
  size_t count = 0;       // elements of data
  int root = 0;
  uint64_t seq = 0;       // position in the group's order of collectives, from 1
  bool done = false;
  std::string error;      // empty on success
};

// Ops FIFO on one comm thread. The first failure breaks the group: later ops fail fast with it.
class OpQueue {
 public:
  // The comm thread's body: runs queued ops in order until stop(). `run` throws std::exception on
  // failure; `idle` (may be empty) is called about every idleEvery while nothing is queued.
  void loop(const std::function<void(Op&)>& run, const std::function<void()>& idle, std::chrono::milliseconds idleEvery) {
    for (;;) {
      Op* op;
      std::string broken;
      {
        std::unique_lock<std::mutex> l(mu_);
        auto ready = [&] { return stopping_ || !queue_.empty(); };
        if (idle) {
          while (!ready()) {
            if (queued_.wait_for(l, idleEvery, ready)) break;
            l.unlock();
            idle();
            l.lock();
          }
        } else {
          queued_.wait(l, ready);
        }
        if (queue_.empty()) break;  // stopping and drained
        op = queue_.front();
        queue_.pop_front();
        broken = broken_;
      }
      std::string err = broken;
      if (err.empty()) {
        try {
          run(*op);
        } catch (const std::exception& e) {
          err = e.what();
        }
      }
      {
        std::lock_guard<std::mutex> l(mu_);
        op->done = true;
        op->error = err;
        if (!err.empty() && broken_.empty()) broken_ = err;
        lastDone_ = op->seq;
      }
      finished_.notify_all();
    }
    std::lock_guard<std::mutex> l(mu_);
    stopped_ = true;
    finished_.notify_all();
  }

  // enqueue(kind, data, reduceOrRoot, out?) -> op id. Checks sizes against the world size.
  Napi::Value Enqueue(const Napi::CallbackInfo& info, int worldSize) {
    Napi::Env env = info.Env();
    auto* op = new Op();
    op->kind = static_cast<Kind>(info[0].As<Napi::Number>().Int32Value());
    if (op->kind != Kind::Barrier) op->data = floatData(env, info[1], op->count);
    if (op->kind == Kind::AllReduce || op->kind == Kind::ReduceScatter) op->reduce = static_cast<Reduce>(info[2].As<Napi::Number>().Int32Value());
    if (op->kind == Kind::Broadcast) op->root = info[2].As<Napi::Number>().Int32Value();
    if (op->kind == Kind::AllGather || op->kind == Kind::ReduceScatter) {
      size_t n = 0;
      op->out = floatData(env, info[3], n);
      const size_t size = static_cast<size_t>(worldSize);
      const bool ok = op->kind == Kind::AllGather ? n == op->count * size : n * size == op->count;
      if (!ok) {
        delete op;
        throw Napi::RangeError::New(env, "output size does not match the input and the world size");
      }
    }
    double id;
    {
      std::lock_guard<std::mutex> l(mu_);
      if (stopping_) {
        delete op;
        throw Napi::Error::New(env, "the process group is being destroyed");
      }
      id = nextId_++;
      op->seq = static_cast<uint64_t>(id);
      ops_[id] = op;
      queue_.push_back(op);
    }
    queued_.notify_one();
    return Napi::Number::New(env, id);
  }

  Napi::Value IsCompleted(const Napi::CallbackInfo& info) {
    double id = info[0].As<Napi::Number>().DoubleValue();
    std::lock_guard<std::mutex> l(mu_);
    auto it = ops_.find(id);
    return Napi::Boolean::New(info.Env(), it == ops_.end() || it->second->done);
  }

  // wait(id): blocks this thread until the op finished; throws its error. Forgets the op.
  Napi::Value Wait(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    double id = info[0].As<Napi::Number>().DoubleValue();
    std::string err;
    {
      std::unique_lock<std::mutex> l(mu_);
      auto it = ops_.find(id);
      if (it == ops_.end()) return env.Undefined();
      Op* op = it->second;
      finished_.wait(l, [&] { return op->done; });
      err = op->error;
      ops_.erase(it);
      delete op;
    }
    if (!err.empty()) throw Napi::Error::New(env, err);
    return env.Undefined();
  }

  // Lets queued ops finish (each is bounded by the engine's timeout), then ends loop(); waits for it.
  void stop() {
    std::unique_lock<std::mutex> l(mu_);
    stopping_ = true;
    queued_.notify_all();
    finished_.wait(l, [&] { return stopped_; });
  }
  // The same, waiting at most `limit`. True if the comm thread stopped.
  bool stop(std::chrono::milliseconds limit) {
    std::unique_lock<std::mutex> l(mu_);
    stopping_ = true;
    queued_.notify_all();
    return finished_.wait_for(l, limit, [&] { return stopped_; });
  }

  // The seq of the last op this rank finished (0 before the first).
  uint64_t lastDone() {
    std::lock_guard<std::mutex> l(mu_);
    return lastDone_;
  }
  // Whether an op failed (the group is unusable).
  bool broken() {
    std::lock_guard<std::mutex> l(mu_);
    return !broken_.empty();
  }

 private:
  static float* floatData(const Napi::Env& env, const Napi::Value& v, size_t& count) {
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
      throw Napi::TypeError::New(env, "expected a Float32Array");
    }
    Napi::Float32Array a = v.As<Napi::Float32Array>();
    count = a.ElementLength();
    return a.Data();
  }

  std::mutex mu_;
  std::condition_variable queued_, finished_;
  std::deque<Op*> queue_;
  std::map<double, Op*> ops_;  // by id, until waited on
  double nextId_ = 1;
  uint64_t lastDone_ = 0;
  bool stopping_ = false;
  bool stopped_ = false;
  std::string broken_;
};

}  // namespace ntdist
