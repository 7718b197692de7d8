// nodetorch_mpi.node: the Open MPI engine of `distributed` (src/distributed/), the same interface as the
// Gloo engine (enqueue / isCompleted / wait from ../engine/op_queue.h). The processes come from mpirun
// (directly, or through `nodetorch run --backend mpi`), which also does the rendezvous.
//
// One comm thread makes every MPI call: it runs MPI_Init_thread (asking for MPI_THREAD_MULTIPLE, needing
// only FUNNELED since no other thread calls MPI), the collectives FIFO, and MPI_Finalize (or MPI_Abort
// after a failure) when the process exits. MPI has no timeouts, so each collective is started
// nonblocking (MPI_Iallreduce, ...) and MPI_Test-polled against a deadline. Between collectives and
// while polling, the thread answers peers' "where are you?" queries on a control communicator; a rank
// whose collective times out asks every peer, and names those that have not reached the collective or
// do not answer. Learned from torch.distributed's ProcessGroupMPI (a worker thread owning MPI, one
// communicator per group); the timeout and query protocol are our own.
#ifndef OMPI_SKIP_MPICXX
#define OMPI_SKIP_MPICXX 1  // the C API only: no libmpi_cxx (deprecated, and not always installed)
#endif
#include <mpi.h>
#include <napi.h>

#include <chrono>
#include <climits>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "../engine/op_queue.h"

namespace {

using ntdist::Kind;
using ntdist::kindName;
using ntdist::Op;
using ntdist::Reduce;
using Clock = std::chrono::steady_clock;

constexpr int TAG_QUERY = 1;
constexpr int TAG_REPLY = 2;

struct Group {
  ntdist::OpQueue queue;
  std::chrono::milliseconds timeout{30000};
  MPI_Comm comm = MPI_COMM_NULL;  // collectives
  MPI_Comm ctl = MPI_COMM_NULL;   // queries about progress, never mixed with collectives
  int rank = 0;
  int size = 1;
  int threadLevel = -1;
  std::mutex mu;
  std::condition_variable changed;
  bool initDone = false;
  std::string initError;
  uint64_t current = 0;  // seq of the collective in progress (0: none); comm thread only
  int exitCode = 0;      // set by finalize(): 0 MPI_Finalize, else MPI_Abort with it
  bool finished = false; // MPI_Finalize returned
};

Group* g = nullptr;  // created by the first init(); MPI lives until the process exits

std::string mpiError(int code) {
  char buf[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(code, buf, &len);
  return std::string(buf, static_cast<size_t>(len));
}

void check(int code, const char* what) {
  if (code != MPI_SUCCESS) throw std::runtime_error(std::string(what) + " failed: " + mpiError(code));
}

// Answers every pending "where are you?" query: [last finished seq, seq in progress].
void serviceQueries(Group& grp) {
  for (;;) {
    int flag = 0;
    MPI_Status st;
    MPI_Iprobe(MPI_ANY_SOURCE, TAG_QUERY, grp.ctl, &flag, &st);
    if (!flag) return;
    uint64_t q = 0;
    MPI_Recv(&q, 1, MPI_UINT64_T, st.MPI_SOURCE, TAG_QUERY, grp.ctl, MPI_STATUS_IGNORE);
    uint64_t reply[2] = {grp.queue.lastDone(), grp.current};
    MPI_Send(reply, 2, MPI_UINT64_T, st.MPI_SOURCE, TAG_REPLY, grp.ctl);  // 16 bytes: sent eagerly
  }
}

// After a timeout in collective `op`: asks every peer how far it got, for about a second, and says
// which ranks have not reached the collective or did not answer.
std::string whoIsMissing(Group& grp, const Op& op) {
  std::vector<uint64_t> replies(2 * static_cast<size_t>(grp.size), 0);
  std::vector<MPI_Request> reqs;
  std::vector<int> peers;
  uint64_t q = op.seq;
  for (int p = 0; p < grp.size; p++) {
    if (p == grp.rank) continue;
    MPI_Request r;
    MPI_Irecv(&replies[2 * p], 2, MPI_UINT64_T, p, TAG_REPLY, grp.ctl, &r);
    reqs.push_back(r);
    peers.push_back(p);
    MPI_Request s;
    MPI_Isend(&q, 1, MPI_UINT64_T, p, TAG_QUERY, grp.ctl, &s);
    MPI_Request_free(&s);
  }
  std::vector<int> answered(peers.size(), 0);
  auto deadline = Clock::now() + std::min(grp.timeout, std::chrono::milliseconds(1500));
  for (;;) {
    serviceQueries(grp);  // the other survivors are asking us the same
    bool all = true;
    for (size_t i = 0; i < reqs.size(); i++) {
      if (!answered[i]) MPI_Test(&reqs[i], &answered[i], MPI_STATUS_IGNORE);
      all = all && answered[i];
    }
    if (all || Clock::now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::string behind, silent;
  for (size_t i = 0; i < peers.size(); i++) {
    const int p = peers[i];
    const std::string name = std::to_string(p);
    if (!answered[i]) {
      silent += (silent.empty() ? "rank " : ", rank ") + name;
    } else if (replies[2 * p + 1] != op.seq && replies[2 * p] < op.seq) {
      behind += (behind.empty() ? "" : "; ") + std::string("rank ") + name + " has not reached it (its last finished collective is #" +
                std::to_string(replies[2 * p]) + ")";
    }
  }
  std::string msg = behind;
  if (!silent.empty()) msg += (msg.empty() ? "" : "; ") + silent + " did not answer (stuck or gone)";
  return msg.empty() ? "every rank reached it: the network is too slow for the timeout" : msg;
}

// Starts op nonblocking; returns its request.
MPI_Request start(Group& grp, Op& op) {
  MPI_Request r = MPI_REQUEST_NULL;
  MPI_Op reduce = op.reduce == Reduce::Max ? MPI_MAX : op.reduce == Reduce::Min ? MPI_MIN : MPI_SUM;
  if (op.count > static_cast<size_t>(INT_MAX)) throw std::runtime_error("tensors of more than 2^31-1 elements are not supported by MPI counts");
  const int n = static_cast<int>(op.count);
  switch (op.kind) {
    case Kind::AllReduce: check(MPI_Iallreduce(MPI_IN_PLACE, op.data, n, MPI_FLOAT, reduce, grp.comm, &r), "MPI_Iallreduce"); break;
    case Kind::Broadcast: check(MPI_Ibcast(op.data, n, MPI_FLOAT, op.root, grp.comm, &r), "MPI_Ibcast"); break;
    case Kind::AllGather: check(MPI_Iallgather(op.data, n, MPI_FLOAT, op.out, n, MPI_FLOAT, grp.comm, &r), "MPI_Iallgather"); break;
    case Kind::Barrier: check(MPI_Ibarrier(grp.comm, &r), "MPI_Ibarrier"); break;
    case Kind::ReduceScatter:
      check(MPI_Ireduce_scatter_block(op.data, op.out, n / grp.size, MPI_FLOAT, reduce, grp.comm, &r), "MPI_Ireduce_scatter_block");
      break;
  }
  return r;
}

// Runs one collective to completion or to the group's timeout (then throws, naming the missing ranks).
void runOp(Group& grp, Op& op) {
  grp.current = op.seq;
  MPI_Request r = start(grp, op);
  const auto t0 = Clock::now();
  const auto deadline = t0 + grp.timeout;
  int done = 0;
  for (long spins = 0;; spins++) {
    check(MPI_Test(&r, &done, MPI_STATUS_IGNORE), "MPI_Test");
    if (done) break;
    if ((spins & 63) == 0) serviceQueries(grp);
    const auto now = Clock::now();
    if (now > deadline) {
      std::string who = whoIsMissing(grp, op);
      grp.current = 0;
      throw std::runtime_error("Timed out waiting " + std::to_string(grp.timeout.count()) + "ms in " + kindName(op.kind) + " #" +
                               std::to_string(op.seq) + ": " + who);
    }
    // MPI progresses only inside MPI calls: poll as MPI_Wait would (yielding the core between tests)
    // for the first 20 ms, then every 20 us, after a second every 100 us (a late peer). Spinning longer
    // speeds up 10M-float allreduces but takes the core a co-located rank computes on (bench/README).
    if (now - t0 < std::chrono::milliseconds(20)) std::this_thread::yield();
    else std::this_thread::sleep_for(std::chrono::microseconds(now - t0 < std::chrono::seconds(1) ? 20 : 100));
  }
  grp.current = 0;
  if (op.reduce == Reduce::Avg && (op.kind == Kind::AllReduce || op.kind == Kind::ReduceScatter)) {
    float* d = op.kind == Kind::AllReduce ? op.data : op.out;
    const size_t n = op.kind == Kind::AllReduce ? op.count : op.count / static_cast<size_t>(grp.size);
    const float s = static_cast<float>(grp.size);
    for (size_t i = 0; i < n; i++) d[i] /= s;
  }
}

// The comm thread: MPI_Init_thread, ops until finalize(), then MPI_Finalize or MPI_Abort.
void commThread(Group* grp) {
  int provided = -1;
  int rc = MPI_Init_thread(nullptr, nullptr, MPI_THREAD_MULTIPLE, &provided);
  {
    std::lock_guard<std::mutex> l(grp->mu);
    if (rc != MPI_SUCCESS) {
      grp->initError = "MPI_Init_thread failed: " + mpiError(rc);
    } else if (provided < MPI_THREAD_FUNNELED) {
      grp->initError = "MPI_Init_thread granted thread level " + std::to_string(provided) + ", at least MPI_THREAD_FUNNELED is needed";
    } else {
      MPI_Comm_rank(MPI_COMM_WORLD, &grp->rank);
      MPI_Comm_size(MPI_COMM_WORLD, &grp->size);
      MPI_Comm_dup(MPI_COMM_WORLD, &grp->comm);
      MPI_Comm_dup(MPI_COMM_WORLD, &grp->ctl);
      // Errors come back as codes (turned into JS errors), not as a job abort.
      MPI_Comm_set_errhandler(grp->comm, MPI_ERRORS_RETURN);
      MPI_Comm_set_errhandler(grp->ctl, MPI_ERRORS_RETURN);
    }
    grp->threadLevel = provided;
    grp->initDone = true;
  }
  grp->changed.notify_all();
  if (!grp->initError.empty()) return;
  grp->queue.loop([grp](Op& op) { runOp(*grp, op); }, [grp] { serviceQueries(*grp); }, std::chrono::milliseconds(2));
  int code;
  {
    std::lock_guard<std::mutex> l(grp->mu);
    code = grp->exitCode;
  }
  // A failed rank or a broken group must take the job down (the others may be blocked in a collective,
  // and MPI_Finalize would wait for them); a clean exit finalizes, which mpirun expects.
  if (code != 0 || grp->queue.broken()) MPI_Abort(MPI_COMM_WORLD, code != 0 ? code : 1);
  MPI_Finalize();
  std::lock_guard<std::mutex> l(grp->mu);
  grp->finished = true;
  grp->changed.notify_all();
}

// init({ timeoutMs }) -> { rank, worldSize, threadLevel }. The first call starts MPI (bounded by the
// timeout: MPI_Init waits for every rank of the job); later calls reuse it.
Napi::Value Init(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = info[0].As<Napi::Object>();
  auto timeout = std::chrono::milliseconds(o.Get("timeoutMs").As<Napi::Number>().Int64Value());
  if (g == nullptr) {
    g = new Group();
    g->timeout = timeout;
    std::thread(commThread, g).detach();
  }
  g->timeout = timeout;
  {
    std::unique_lock<std::mutex> l(g->mu);
    if (!g->changed.wait_for(l, timeout, [] { return g->initDone; })) {
      throw Napi::Error::New(env, "rendezvous timed out after " + std::to_string(timeout.count()) +
                                      " ms: MPI_Init did not complete (a rank of the job never called initProcessGroup)");
    }
    if (!g->initError.empty()) throw Napi::Error::New(env, g->initError);
  }
  Napi::Object r = Napi::Object::New(env);
  r.Set("rank", g->rank);
  r.Set("worldSize", g->size);
  r.Set("threadLevel", g->threadLevel);
  return r;
}

Group& requireGroup(const Napi::Env& env) {
  if (g == nullptr || !g->initDone || !g->initError.empty()) throw Napi::Error::New(env, "the default process group has not been initialized");
  return *g;
}

Napi::Value Enqueue(const Napi::CallbackInfo& info) {
  Group& grp = requireGroup(info.Env());
  return grp.queue.Enqueue(info, grp.size);
}
Napi::Value IsCompleted(const Napi::CallbackInfo& info) { return requireGroup(info.Env()).queue.IsCompleted(info); }
Napi::Value Wait(const Napi::CallbackInfo& info) { return requireGroup(info.Env()).queue.Wait(info); }

// destroy(): MPI cannot be initialized twice, so the comm thread and MPI stay up for a later
// initProcessGroup; JS has waited for its collectives already.
Napi::Value Destroy(const Napi::CallbackInfo& info) { return info.Env().Undefined(); }

// finalize(exitCode): at process exit. Lets queued collectives finish (each bounded by the timeout),
// then MPI_Finalize (exitCode 0, group healthy) or MPI_Abort(exitCode), which ends the process.
void finalize(int exitCode) {
  Group* grp = g;
  if (grp == nullptr) return;
  {
    std::lock_guard<std::mutex> l(grp->mu);
    if (!grp->initDone || !grp->initError.empty()) return;  // still in MPI_Init: mpirun sees the exit
    grp->exitCode = exitCode;
  }
  grp->queue.stop(grp->timeout + std::chrono::seconds(5));
  std::unique_lock<std::mutex> l(grp->mu);
  grp->changed.wait_for(l, grp->timeout + std::chrono::seconds(5), [grp] { return grp->finished; });
  g = nullptr;
}

Napi::Value Finalize(const Napi::CallbackInfo& info) {
  finalize(info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : 0);
  return info.Env().Undefined();
}

Napi::Object Init_(Napi::Env env, Napi::Object exports) {
  napi_add_env_cleanup_hook(env, [](void*) { finalize(0); }, nullptr);
  exports.Set("init", Napi::Function::New(env, Init));
  exports.Set("enqueue", Napi::Function::New(env, Enqueue));
  exports.Set("isCompleted", Napi::Function::New(env, IsCompleted));
  exports.Set("wait", Napi::Function::New(env, Wait));
  exports.Set("destroy", Napi::Function::New(env, Destroy));
  exports.Set("finalize", Napi::Function::New(env, Finalize));
  return exports;
}

}  // namespace

NODE_API_MODULE(nodetorch_mpi, Init_)
