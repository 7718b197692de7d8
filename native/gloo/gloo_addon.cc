// nodetorch_gloo.node: the Gloo engine of `distributed` (src/distributed/). One process group per
// process, as torch.distributed's default group. Collectives run FIFO on one comm thread (Gloo's
// Options API only: allreduce, broadcast, allgather, barrier), each with a fresh tag from a counter; the
// queue and the enqueue / isCompleted / wait functions are shared with the MPI engine (../engine/op_queue.h).
// Learned from torch.distributed's ProcessGroupGloo (a worker thread draining a work queue, tags from a
// sequence counter, Gloo timeouts surfaced as errors); the code is our own.
//
// Lifetime: the group's state is heap-allocated and never freed while a comm thread may touch it, and
// nothing here has a static destructor, so process.exit() never waits on a condition variable.
#include <napi.h>

#include <gloo/allgather.h>
#include <gloo/allreduce.h>
#include <gloo/barrier.h>
#include <gloo/broadcast.h>
#include <gloo/math.h>
#include <gloo/rendezvous/context.h>
#include <gloo/rendezvous/file_store.h>
#include <gloo/rendezvous/prefix_store.h>
#include <gloo/transport/tcp/device.h>

#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "../engine/op_queue.h"
#include "tcp_store.h"

namespace {

using ntdist::Kind;
using ntdist::Op;
using ntdist::Reduce;

struct Group {
  int rank = 0;
  int size = 1;
  std::chrono::milliseconds timeout{30000};
  std::shared_ptr<gloo::transport::Device> device;
  std::shared_ptr<gloo::rendezvous::Context> context;
  std::unique_ptr<gloo::rendezvous::Store> fileStore;
  ntdist::TcpStoreClient* store = nullptr;  // tcp/env rendezvous; also asked who died
  ntdist::OpQueue queue;
};

Group* g = nullptr;  // the process group, or null

// Allreduces buf[0, n) in place with op's reduction (avg: the sum, divided by the caller).
void allreduce(Group& grp, float* buf, size_t n, Reduce reduce, uint32_t tag) {
  gloo::AllreduceOptions o(grp.context);
  o.setOutput(buf, n);
  o.setTag(tag);
  o.setTimeout(grp.timeout);
  using Fn = void (*)(void*, const void*, const void*, size_t);
  Fn sum = &gloo::sum<float>, max = &gloo::max<float>, min = &gloo::min<float>;
  o.setReduceFunction(reduce == Reduce::Max ? max : reduce == Reduce::Min ? min : sum);
  gloo::allreduce(o);
}

void runOp(Group& grp, Op& op) {
  // Tags from the op's position in the group's sequence: the same on every rank.
  const uint32_t tag = static_cast<uint32_t>(op.seq);
  const float avgDiv = op.reduce == Reduce::Avg ? static_cast<float>(grp.size) : 1.0f;
  switch (op.kind) {
    case Kind::AllReduce: {
      allreduce(grp, op.data, op.count, op.reduce, tag);
      if (op.reduce == Reduce::Avg) for (size_t i = 0; i < op.count; i++) op.data[i] /= avgDiv;
      break;
    }
    case Kind::Broadcast: {
      gloo::BroadcastOptions o(grp.context);
      if (grp.rank == op.root) o.setInput(op.data, op.count);
      o.setOutput(op.data, op.count);
      o.setRoot(op.root);
      o.setTag(tag);
      o.setTimeout(grp.timeout);
      gloo::broadcast(o);
      break;
    }
    case Kind::AllGather: {
      gloo::AllgatherOptions o(grp.context);
      o.setInput(op.data, op.count);
      o.setOutput(op.out, op.count * static_cast<size_t>(grp.size));
      o.setTag(tag);
      o.setTimeout(grp.timeout);
      gloo::allgather(o);
      break;
    }
    case Kind::ReduceScatter: {
      // This Gloo snapshot has reduce-scatter only as the legacy ReduceScatterHalvingDoubling class,
      // which must not share a context with the Options API: allreduce the whole input (the
      // concatenated copy collectives.ts made, so the caller's tensors stay as they were) and keep this
      // rank's block.
      allreduce(grp, op.data, op.count, op.reduce, tag);
      const size_t n = op.count / static_cast<size_t>(grp.size);
      const float* mine = op.data + static_cast<size_t>(grp.rank) * n;
      for (size_t i = 0; i < n; i++) op.out[i] = mine[i] / avgDiv;
      break;
    }
    case Kind::Barrier: {
      gloo::BarrierOptions o(grp.context);
      o.setTag(tag);
      o.setTimeout(grp.timeout);
      gloo::barrier(o);
      break;
    }
  }
}

// Names the rank that left first (the one whose death broke the collective; others may have exited
// since, failing on it), from what the store's watch connection reported; "" without a tcp store.
std::string whoDied(Group& grp) {
  if (grp.store == nullptr) return "";
  // The transport usually reports a dead peer first; the store learns of it a moment later (sooner
  // or later under load), so wait a little before concluding that nobody exited.
  const std::vector<int> departed = grp.store->departed(std::chrono::milliseconds(2000));
  if (departed.empty()) return "no rank has exited: a rank stopped answering (stuck, or far slower than the rest)";
  std::string msg = "rank " + std::to_string(departed[0]) + " exited";
  for (size_t i = 1; i < departed.size(); i++) msg += (i > 1 ? ", " : ", then rank ") + std::to_string(departed[i]);
  return msg;
}

// The comm thread: ops FIFO; a failure names the rank that died, if the store can tell.
void commLoop(Group* grp) {
  grp->queue.loop(
      [grp](Op& op) {
        try {
          runOp(*grp, op);
        } catch (const std::exception& e) {
          std::string who = whoDied(*grp);
          throw std::runtime_error(std::string(e.what()) + " in " + ntdist::kindName(op.kind) + " #" + std::to_string(op.seq) +
                                   (who.empty() ? "" : " (" + who + ")"));
        }
      },
      nullptr, std::chrono::milliseconds(0));
}

Group& requireGroup(const Napi::Env& env) {
  if (g == nullptr) throw Napi::Error::New(env, "the default process group has not been initialized");
  return *g;
}

// init({ rank, worldSize, timeoutMs, store: 'tcp'|'file', host, port, path, isServer, hostname, iface })
Napi::Value Init(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (g != nullptr) throw Napi::Error::New(env, "trying to initialize the default process group twice");
  Napi::Object o = info[0].As<Napi::Object>();
  auto* grp = new Group();
  grp->rank = o.Get("rank").As<Napi::Number>().Int32Value();
  grp->size = o.Get("worldSize").As<Napi::Number>().Int32Value();
  grp->timeout = std::chrono::milliseconds(o.Get("timeoutMs").As<Napi::Number>().Int64Value());
  std::string kind = o.Get("store").As<Napi::String>().Utf8Value();
  try {
    gloo::rendezvous::Store* store;
    if (kind == "file") {
      grp->fileStore = std::make_unique<gloo::rendezvous::FileStore>(o.Get("path").As<Napi::String>().Utf8Value());
      store = grp->fileStore.get();
    } else {
      std::string host = o.Get("host").As<Napi::String>().Utf8Value();
      int port = o.Get("port").As<Napi::Number>().Int32Value();
      if (grp->rank == 0) ntdist::startStoreServer(port, grp->size);
      grp->store = new ntdist::TcpStoreClient(host, port, grp->rank, grp->timeout);
      store = grp->store;
    }
    gloo::transport::tcp::attr attr;
    attr.hostname = o.Get("hostname").As<Napi::String>().Utf8Value();
    attr.iface = o.Get("iface").As<Napi::String>().Utf8Value();
    grp->device = gloo::transport::tcp::CreateDevice(attr);
    grp->context = std::make_shared<gloo::rendezvous::Context>(grp->rank, grp->size);
    grp->context->setTimeout(grp->timeout);
    // One process group per store: a prefix keeps a re-initialized group from reading stale keys.
    std::string prefix = o.Get("prefix").As<Napi::String>().Utf8Value();
    gloo::rendezvous::PrefixStore prefixed(prefix, *store);
    grp->context->connectFullMesh(prefixed, grp->device);
  } catch (const std::exception& e) {
    // Leaked on purpose: a half-built context may still have threads referring to it.
    throw Napi::Error::New(env, e.what());
  }
  g = grp;
  std::thread(commLoop, grp).detach();
  return env.Undefined();
}

Napi::Value Enqueue(const Napi::CallbackInfo& info) {
  Group& grp = requireGroup(info.Env());
  return grp.queue.Enqueue(info, grp.size);
}
Napi::Value IsCompleted(const Napi::CallbackInfo& info) { return requireGroup(info.Env()).queue.IsCompleted(info); }
Napi::Value Wait(const Napi::CallbackInfo& info) { return requireGroup(info.Env()).queue.Wait(info); }

// destroy(): drains the queue, stops the comm thread. A broken group's Gloo context is leaked, not
// torn down (its pairs may still be mid-operation).
Napi::Value Destroy(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (g == nullptr) return env.Undefined();
  g->queue.stop();
  g = nullptr;
  return env.Undefined();
}

// Env teardown (the script ended with the group still up, perhaps with collectives in flight): let
// queued ops finish (each is bounded by the group's timeout) before the JS heap frees their buffers,
// then stop the comm thread. process.exit() skips this; it frees nothing the comm thread touches.
void CleanupHook(void*) {
  Group* grp = g;
  if (grp == nullptr) return;
  grp->queue.stop(grp->timeout + std::chrono::seconds(5));
  g = nullptr;
}

Napi::Object Init_(Napi::Env env, Napi::Object exports) {
  napi_add_env_cleanup_hook(env, CleanupHook, nullptr);
  exports.Set("init", Napi::Function::New(env, Init));
  exports.Set("enqueue", Napi::Function::New(env, Enqueue));
  exports.Set("isCompleted", Napi::Function::New(env, IsCompleted));
  exports.Set("wait", Napi::Function::New(env, Wait));
  exports.Set("destroy", Napi::Function::New(env, Destroy));
  return exports;
}

}  // namespace

NODE_API_MODULE(nodetorch_gloo, Init_)
