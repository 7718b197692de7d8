// The nodetorch native addon: the one exports table.
//
//   kernels         { matmul, conv1dForward, conv1dBackwardInput, conv1dBackwardWeight, sgdStep,
//                     reluForward, reluBackward, maxPool1dForward, maxPool1dBackward,
//                     batchNormForward, batchNormBackward }
//                   with the argument order of src/backend/backend.ts; each validates everything it
//                   is given (common.h), then runs the kernel of the ISA picked at load time.
//   info()          { isa: 'avx2' | 'baseline', threads }
//   setNumThreads(n)
//
// Context-aware (Napi::Addon): loads in the main thread and in any number of worker_threads. The ISA
// choice and the thread pool are process-wide; the ISA is fixed once (NODETORCH_NATIVE_ISA=baseline
// forces the baseline kernels, for testing).
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

#include "common.h"
#include "kernels/kernels.h"
#include "threadpool.h"

namespace {

using nt::Args;
using nt::F32;
using nt::F64;
using nt::Idx;

const nt::KernelTable& selectKernels() {
  static const nt::KernelTable* table = [] {
#if defined(NT_HAVE_AVX2)
    const char* force = std::getenv("NODETORCH_NATIVE_ISA");
    const bool wantBaseline = force != nullptr && std::strcmp(force, "baseline") == 0;
    __builtin_cpu_init();
    if (!wantBaseline && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
      return &nt_avx2::kernelTable();
#endif
    return &nt_baseline::kernelTable();
  }();
  return *table;
}

/** Runs body() and turns C++ failures other than JS errors into JS errors naming the kernel. */
template <class Body>
Napi::Value guarded(const Napi::CallbackInfo& info, const char* kernel, Body body) {
  try {
    body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw Napi::RangeError::New(info.Env(), std::string(kernel) + ": out of memory");
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), std::string(kernel) + ": " + e.what());
  }
  return info.Env().Undefined();
}

/** A kernel returns false only when it could not get scratch memory. */
void check(bool ok) {
  if (!ok) throw std::bad_alloc();
}

/** Reads and checks the Conv1dParams fields (sizes, stride/dilation/groups >= 1, groups | cIn, cOut, lOut). */
nt::Conv1dArgs conv1dParams(const Args& args, const Napi::Object& p) {
  nt::Conv1dArgs c;
  c.n = args.size(p, "n");
  c.cIn = args.size(p, "cIn");
  c.cOut = args.size(p, "cOut");
  c.l = args.size(p, "l");
  c.k = args.size(p, "k", 1);
  c.stride = args.size(p, "stride", 1);
  c.padding = args.size(p, "padding");
  c.dilation = args.size(p, "dilation", 1);
  c.groups = args.size(p, "groups", 1);
  c.lOut = args.size(p, "lOut");
  if (c.cIn % c.groups != 0)
    args.rangeError("expected params.groups = " + nt::str(c.groups) + " to divide params.cIn = " + nt::str(c.cIn));
  if (c.cOut % c.groups != 0)
    args.rangeError("expected params.groups = " + nt::str(c.groups) + " to divide params.cOut = " + nt::str(c.cOut));
  // lOut = floor((l + 2 * padding - dilation * (k - 1) - 1) / stride) + 1, in int64 without overflow:
  // l, padding <= 2**53 so l + 2 * padding < 2**55; the span dilation * (k - 1) is checked.
  const int64_t padded = static_cast<int64_t>(c.l) + 2 * static_cast<int64_t>(c.padding);
  const uint64_t km1 = c.k - 1;
  if (km1 != 0 && c.dilation > static_cast<uint64_t>(INT64_MAX / 4) / km1)
    args.rangeError("params.dilation * (params.k - 1) is too large");
  const int64_t span = static_cast<int64_t>(c.dilation * km1) + 1;  // the dilated kernel's length
  const int64_t num = padded - span, s = static_cast<int64_t>(c.stride);
  const int64_t expected = (num >= 0 ? num / s : -((-num + s - 1) / s)) + 1;
  if (expected < 0)
    args.rangeError("the dilated kernel (dilation * (k - 1) + 1 = " + std::to_string(span) +
                    ") is longer than the padded input (l + 2 * padding = " + std::to_string(padded) + ")");
  if (c.lOut != static_cast<uint64_t>(expected))
    args.rangeError("expected params.lOut = floor((l + 2 * padding - dilation * (k - 1) - 1) / stride) + 1 = " +
                    std::to_string(expected) + ", got " + nt::str(c.lOut));
  return c;
}

/**
 * Reads and checks the Pool1dParams fields: l, k, stride, dilation >= 1, padding <= k / 2, and lOut is
 * PyTorch's pooling output length in floor or in ceil mode (so every window holds a real element).
 */
nt::Pool1dArgs pool1dParams(const Args& args, const Napi::Object& p) {
  nt::Pool1dArgs q;
  q.n = args.size(p, "n");
  q.c = args.size(p, "c");
  q.l = args.size(p, "l", 1);
  q.k = args.size(p, "k", 1);
  q.stride = args.size(p, "stride", 1);
  q.padding = args.size(p, "padding");
  q.dilation = args.size(p, "dilation", 1);
  q.lOut = args.size(p, "lOut");
  if (q.padding > q.k / 2)
    args.rangeError("expected params.padding <= params.k / 2 = " + nt::str(q.k / 2) + ", got " + nt::str(q.padding));
  const uint64_t km1 = q.k - 1;
  if (km1 != 0 && q.dilation > static_cast<uint64_t>(INT64_MAX / 4) / km1)
    args.rangeError("params.dilation * (params.k - 1) is too large");
  // l, padding <= 2**53, so these fit in int64.
  const int64_t span = static_cast<int64_t>(q.dilation * km1) + 1;
  const int64_t num = static_cast<int64_t>(q.l) + 2 * static_cast<int64_t>(q.padding) - span;
  if (num < 0)
    args.rangeError("the dilated kernel (dilation * (k - 1) + 1 = " + std::to_string(span) +
                    ") is longer than the padded input (l + 2 * padding = " +
                    std::to_string(static_cast<int64_t>(q.l) + 2 * static_cast<int64_t>(q.padding)) + ")");
  const int64_t s = static_cast<int64_t>(q.stride);
  const int64_t floorOut = num / s + 1;
  int64_t ceilOut = (num + s - 1) / s + 1;
  if ((ceilOut - 1) * s >= static_cast<int64_t>(q.l) + static_cast<int64_t>(q.padding)) ceilOut--;
  const int64_t lOut = static_cast<int64_t>(q.lOut);
  if (lOut != floorOut && lOut != ceilOut)
    args.rangeError("expected params.lOut = " + std::to_string(floorOut) +
                    " (floor((l + 2 * padding - dilation * (k - 1) - 1) / stride) + 1)" +
                    (ceilOut != floorOut ? " or " + std::to_string(ceilOut) + " (ceil mode)" : std::string()) +
                    ", got " + nt::str(q.lOut));
  return q;
}

/** Reads and checks the BatchNormParams fields (eps finite and >= 0). */
nt::BatchNormArgs batchNormParams(const Args& args, const Napi::Object& p) {
  nt::BatchNormArgs b;
  b.n = args.size(p, "n");
  b.c = args.size(p, "c");
  b.inner = args.size(p, "inner");
  b.training = args.flag(p, "training");
  b.eps = args.number(p, "eps", true);
  if (b.eps < 0) args.rangeError("expected params.eps >= 0, got " + std::to_string(b.eps));
  return b;
}

/** Checks argument i is a Uint8Array or an Int32Array. */
void idxType(const Args& args, const Napi::CallbackInfo& info, size_t i, const char* name) {
  Napi::Value v = info[i];
  if (v.IsTypedArray()) {
    const napi_typedarray_type t = v.As<Napi::TypedArray>().TypedArrayType();
    if (t == napi_uint8_array || t == napi_int32_array) return;
  }
  args.typeError(std::string("expected ") + name + " to be a Uint8Array or an Int32Array, got " + nt::describe(v));
}

class NodetorchAddon : public Napi::Addon<NodetorchAddon> {
 public:
  NodetorchAddon(Napi::Env env, Napi::Object exports) : kernels_(selectKernels()) {
    const auto attrs = static_cast<napi_property_attributes>(napi_enumerable);
    Napi::Object kernels = Napi::Object::New(env);
    DefineProperties(kernels, {
                                  InstanceMethod("matmul", &NodetorchAddon::Matmul, attrs),
                                  InstanceMethod("conv1dForward", &NodetorchAddon::Conv1dForward, attrs),
                                  InstanceMethod("conv1dBackwardInput", &NodetorchAddon::Conv1dBackwardInput, attrs),
                                  InstanceMethod("conv1dBackwardWeight", &NodetorchAddon::Conv1dBackwardWeight, attrs),
                                  InstanceMethod("sgdStep", &NodetorchAddon::SgdStep, attrs),
                                  InstanceMethod("reluForward", &NodetorchAddon::ReluForward, attrs),
                                  InstanceMethod("reluBackward", &NodetorchAddon::ReluBackward, attrs),
                                  InstanceMethod("maxPool1dForward", &NodetorchAddon::MaxPool1dForward, attrs),
                                  InstanceMethod("maxPool1dBackward", &NodetorchAddon::MaxPool1dBackward, attrs),
                                  InstanceMethod("batchNormForward", &NodetorchAddon::BatchNormForward, attrs),
                                  InstanceMethod("batchNormBackward", &NodetorchAddon::BatchNormBackward, attrs),
                              });
    kernels.Freeze();
    DefineAddon(exports, {
                             InstanceValue("kernels", kernels, attrs),
                             InstanceMethod("info", &NodetorchAddon::Info, attrs),
                             InstanceMethod("setNumThreads", &NodetorchAddon::SetNumThreads, attrs),
                         });
  }

 private:
  // matmul(a, b, c, {m, n, k, transA, transB, alpha, beta})
  Napi::Value Matmul(const Napi::CallbackInfo& info) {
    return guarded(info, "matmul", [&] {
      Args args(info, "matmul");
      args.expectCount(4);
      args.f32Type(0, "a", false);
      args.f32Type(1, "b", false);
      args.f32Type(2, "c", false);
      Napi::Object p = args.params(3);
      nt::MatmulArgs m;
      m.m = args.size(p, "m");
      m.n = args.size(p, "n");
      m.k = args.size(p, "k");
      m.transA = args.flag(p, "transA");
      m.transB = args.flag(p, "transB");
      m.alpha = static_cast<float>(args.number(p, "alpha", true));
      m.beta = static_cast<float>(args.number(p, "beta", true));
      F32 a = args.f32(0, "a", args.product({m.m, m.k}, "m*k"), m.transA ? "k*m" : "m*k");
      F32 b = args.f32(1, "b", args.product({m.k, m.n}, "k*n"), m.transB ? "n*k" : "k*n");
      F32 c = args.f32(2, "c", args.product({m.m, m.n}, "m*n"), "m*n");
      args.noOverlap(c, "c", a, "a");
      args.noOverlap(c, "c", b, "b");
      check(kernels_.matmul(a.data, b.data, c.data, m));
    });
  }

  // conv1dForward(x, w, bias | null, y, params)
  Napi::Value Conv1dForward(const Napi::CallbackInfo& info) {
    return guarded(info, "conv1dForward", [&] {
      Args args(info, "conv1dForward");
      args.expectCount(5);
      args.f32Type(0, "x", false);
      args.f32Type(1, "w", false);
      const bool hasBias = args.f32Type(2, "bias", true);
      args.f32Type(3, "y", false);
      nt::Conv1dArgs c = conv1dParams(args, args.params(4));
      F32 x = args.f32(0, "x", args.product({c.n, c.cIn, c.l}, "n*cIn*l"), "n*cIn*l");
      F32 w = args.f32(1, "w", args.product({c.cOut, c.cIn / c.groups, c.k}, "cOut*(cIn/groups)*k"),
                       "cOut*(cIn/groups)*k");
      F32 bias = hasBias ? args.f32(2, "bias", c.cOut, "cOut") : F32{nullptr, 0};
      F32 y = args.f32(3, "y", args.product({c.n, c.cOut, c.lOut}, "n*cOut*lOut"), "n*cOut*lOut");
      args.noOverlap(y, "y", x, "x");
      args.noOverlap(y, "y", w, "w");
      args.noOverlap(y, "y", bias, "bias");
      // A null bias and an empty one (cOut = 0) are both nullptr; the kernel only reads bias when cOut > 0.
      check(kernels_.conv1dForward(x.data, w.data, hasBias ? bias.data : nullptr, y.data, c));
    });
  }

  // conv1dBackwardInput(gy, w, gx, params)
  Napi::Value Conv1dBackwardInput(const Napi::CallbackInfo& info) {
    return guarded(info, "conv1dBackwardInput", [&] {
      Args args(info, "conv1dBackwardInput");
      args.expectCount(4);
      args.f32Type(0, "gy", false);
      args.f32Type(1, "w", false);
      args.f32Type(2, "gx", false);
      nt::Conv1dArgs c = conv1dParams(args, args.params(3));
      F32 gy = args.f32(0, "gy", args.product({c.n, c.cOut, c.lOut}, "n*cOut*lOut"), "n*cOut*lOut");
      F32 w = args.f32(1, "w", args.product({c.cOut, c.cIn / c.groups, c.k}, "cOut*(cIn/groups)*k"),
                       "cOut*(cIn/groups)*k");
      F32 gx = args.f32(2, "gx", args.product({c.n, c.cIn, c.l}, "n*cIn*l"), "n*cIn*l");
      args.noOverlap(gx, "gx", gy, "gy");
      args.noOverlap(gx, "gx", w, "w");
      check(kernels_.conv1dBackwardInput(gy.data, w.data, gx.data, c));
    });
  }

  // conv1dBackwardWeight(x, gy, gw, gb | null, params)
  Napi::Value Conv1dBackwardWeight(const Napi::CallbackInfo& info) {
    return guarded(info, "conv1dBackwardWeight", [&] {
      Args args(info, "conv1dBackwardWeight");
      args.expectCount(5);
      args.f32Type(0, "x", false);
      args.f32Type(1, "gy", false);
      args.f32Type(2, "gw", false);
      const bool hasGb = args.f32Type(3, "gb", true);
      nt::Conv1dArgs c = conv1dParams(args, args.params(4));
      F32 x = args.f32(0, "x", args.product({c.n, c.cIn, c.l}, "n*cIn*l"), "n*cIn*l");
      F32 gy = args.f32(1, "gy", args.product({c.n, c.cOut, c.lOut}, "n*cOut*lOut"), "n*cOut*lOut");
      F32 gw = args.f32(2, "gw", args.product({c.cOut, c.cIn / c.groups, c.k}, "cOut*(cIn/groups)*k"),
                        "cOut*(cIn/groups)*k");
      F32 gb = hasGb ? args.f32(3, "gb", c.cOut, "cOut") : F32{nullptr, 0};
      args.noOverlap(gw, "gw", x, "x");
      args.noOverlap(gw, "gw", gy, "gy");
      args.noOverlap(gw, "gw", gb, "gb");
      args.noOverlap(gb, "gb", x, "x");
      args.noOverlap(gb, "gb", gy, "gy");
      check(kernels_.conv1dBackwardWeight(x.data, gy.data, gw.data, hasGb && c.cOut > 0 ? gb.data : nullptr, c));
    });
  }

  // sgdStep(param, grad, buf | null, {lr, momentum, dampening, weightDecay, nesterov, maximize, firstStep})
  Napi::Value SgdStep(const Napi::CallbackInfo& info) {
    return guarded(info, "sgdStep", [&] {
      Args args(info, "sgdStep");
      args.expectCount(4);
      args.f32Type(0, "param", false);
      args.f32Type(1, "grad", false);
      const bool hasBuf = args.f32Type(2, "buf", true);
      Napi::Object p = args.params(3);
      nt::SgdArgs s;
      s.lr = args.number(p, "lr", true);
      s.momentum = args.number(p, "momentum", true);
      s.dampening = args.number(p, "dampening", true);
      s.weightDecay = args.number(p, "weightDecay", true);
      s.nesterov = args.flag(p, "nesterov");
      s.maximize = args.flag(p, "maximize");
      s.firstStep = args.flag(p, "firstStep");
      // PyTorch's SGD rules.
      if (s.lr < 0) args.rangeError("expected params.lr >= 0, got " + std::to_string(s.lr));
      if (s.momentum < 0) args.rangeError("expected params.momentum >= 0, got " + std::to_string(s.momentum));
      if (s.weightDecay < 0) args.rangeError("expected params.weightDecay >= 0, got " + std::to_string(s.weightDecay));
      if (s.nesterov && (s.momentum <= 0 || s.dampening != 0))
        args.rangeError("nesterov needs params.momentum > 0 and params.dampening = 0");
      const bool useBuf = static_cast<float>(s.momentum) != 0.0f;  // the kernel computes in float32
      if (useBuf && !hasBuf) args.typeError("expected buf to be a Float32Array when params.momentum != 0, got null");
      F32 param = args.f32Any(0, "param");  // its length sets the size
      s.len = param.len;
      F32 grad = args.f32(1, "grad", s.len, "param.length");
      F32 buf = useBuf ? args.f32(2, "buf", s.len, "param.length") : F32{nullptr, 0};
      args.noOverlap(grad, "grad", param, "param");
      args.noOverlap(grad, "grad", buf, "buf");
      args.noOverlap(buf, "buf", param, "param");
      check(kernels_.sgdStep(param.data, grad.data, buf.data, s));
    });
  }

  // reluForward(x, y): y may be x itself.
  Napi::Value ReluForward(const Napi::CallbackInfo& info) {
    return guarded(info, "reluForward", [&] {
      Args args(info, "reluForward");
      args.expectCount(2);
      args.f32Type(0, "x", false);
      args.f32Type(1, "y", false);
      F32 x = args.f32Any(0, "x");  // its length sets the size
      F32 y = args.f32(1, "y", x.len, "x.length");
      args.sameOrNoOverlap(y, "y", x, "x");
      check(kernels_.reluForward(x.data, y.data, x.len));
    });
  }

  // reluBackward(y, gy, gx): gx may be gy itself.
  Napi::Value ReluBackward(const Napi::CallbackInfo& info) {
    return guarded(info, "reluBackward", [&] {
      Args args(info, "reluBackward");
      args.expectCount(3);
      args.f32Type(0, "y", false);
      args.f32Type(1, "gy", false);
      args.f32Type(2, "gx", false);
      F32 y = args.f32Any(0, "y");  // its length sets the size
      F32 gy = args.f32(1, "gy", y.len, "y.length");
      F32 gx = args.f32(2, "gx", y.len, "y.length");
      args.sameOrNoOverlap(gx, "gx", gy, "gy");
      args.noOverlap(gx, "gx", y, "y");
      check(kernels_.reluBackward(y.data, gy.data, gx.data, y.len));
    });
  }

  // maxPool1dForward(x, y, idx, {n, c, l, k, stride, padding, dilation, lOut})
  Napi::Value MaxPool1dForward(const Napi::CallbackInfo& info) {
    return guarded(info, "maxPool1dForward", [&] {
      Args args(info, "maxPool1dForward");
      args.expectCount(4);
      args.f32Type(0, "x", false);
      args.f32Type(1, "y", false);
      idxType(args, info, 2, "idx");
      nt::Pool1dArgs p = pool1dParams(args, args.params(3));
      F32 x = args.f32(0, "x", args.product({p.n, p.c, p.l}, "n*c*l"), "n*c*l");
      F32 y = args.f32(1, "y", args.product({p.n, p.c, p.lOut}, "n*c*lOut"), "n*c*lOut");
      Idx idx = args.idx(2, "idx", p.n * p.c * p.lOut, "n*c*lOut");
      if (!idx.i32 && p.k > 256)
        args.rangeError("expected idx to be an Int32Array when params.k > 256 (a Uint8Array holds offsets < 256), got k = " +
                        nt::str(p.k));
      args.noOverlap(y, "y", x, "x");
      args.noOverlap(nt::region(idx), "idx", nt::region(x), "x");
      args.noOverlap(nt::region(idx), "idx", nt::region(y), "y");
      check(kernels_.maxPool1dForward(x.data, y.data, idx.data, idx.i32, p));
    });
  }

  // maxPool1dBackward(gy, idx, gx, {n, c, l, k, stride, padding, dilation, lOut}); every idx in [0, k).
  Napi::Value MaxPool1dBackward(const Napi::CallbackInfo& info) {
    return guarded(info, "maxPool1dBackward", [&] {
      Args args(info, "maxPool1dBackward");
      args.expectCount(4);
      args.f32Type(0, "gy", false);
      idxType(args, info, 1, "idx");
      args.f32Type(2, "gx", false);
      nt::Pool1dArgs p = pool1dParams(args, args.params(3));
      F32 gy = args.f32(0, "gy", args.product({p.n, p.c, p.lOut}, "n*c*lOut"), "n*c*lOut");
      Idx idx = args.idx(1, "idx", gy.len, "n*c*lOut");
      F32 gx = args.f32(2, "gx", args.product({p.n, p.c, p.l}, "n*c*l"), "n*c*l");
      args.noOverlap(gx, "gx", gy, "gy");
      args.noOverlap(nt::region(gx), "gx", nt::region(idx), "idx");
      for (size_t i = 0; i < idx.len; ++i) {
        const int64_t v = idx.i32 ? static_cast<const int32_t*>(idx.data)[i] : static_cast<const uint8_t*>(idx.data)[i];
        if (v < 0 || static_cast<uint64_t>(v) >= p.k)
          args.rangeError("expected every idx value in [0, params.k = " + nt::str(p.k) + "), got " +
                          std::to_string(v) + " at " + nt::str(i));
      }
      check(kernels_.maxPool1dBackward(gy.data, idx.data, idx.i32, gx.data, p));
    });
  }

  // batchNormForward(x, weight | null, bias | null, mean, invstd, y, {n, c, inner, training, eps})
  Napi::Value BatchNormForward(const Napi::CallbackInfo& info) {
    return guarded(info, "batchNormForward", [&] {
      Args args(info, "batchNormForward");
      args.expectCount(7);
      args.f32Type(0, "x", false);
      const bool hasW = args.f32Type(1, "weight", true);
      const bool hasB = args.f32Type(2, "bias", true);
      args.typedType(3, "mean", false, napi_float64_array, "Float64Array");
      args.typedType(4, "invstd", false, napi_float64_array, "Float64Array");
      args.f32Type(5, "y", false);
      nt::BatchNormArgs p = batchNormParams(args, args.params(6));
      const size_t len = args.product({p.n, p.c, p.inner}, "n*c*inner");
      if (p.training && p.c > 0 && (p.n == 0 || p.inner == 0))
        args.rangeError("expected params.n * params.inner >= 1 when training, got n = " + nt::str(p.n) +
                        ", inner = " + nt::str(p.inner));
      F32 x = args.f32(0, "x", len, "n*c*inner");
      F32 w = hasW ? args.f32(1, "weight", p.c, "c") : F32{nullptr, 0};
      F32 b = hasB ? args.f32(2, "bias", p.c, "c") : F32{nullptr, 0};
      F64 mean = args.f64(3, "mean", p.c, "c");
      F64 invstd = args.f64(4, "invstd", p.c, "c");
      F32 y = args.f32(5, "y", len, "n*c*inner");
      args.noOverlap(y, "y", x, "x");
      args.noOverlap(y, "y", w, "weight");
      args.noOverlap(y, "y", b, "bias");
      args.noOverlap(nt::region(y), "y", nt::region(mean), "mean");
      args.noOverlap(nt::region(y), "y", nt::region(invstd), "invstd");
      args.noOverlap(nt::region(mean), "mean", nt::region(invstd), "invstd");
      for (const auto& [r, name] : {std::pair{nt::region(x), "x"}, std::pair{nt::region(w), "weight"},
                                    std::pair{nt::region(b), "bias"}}) {
        args.noOverlap(nt::region(mean), "mean", r, name);
        args.noOverlap(nt::region(invstd), "invstd", r, name);
      }
      check(kernels_.batchNormForward(x.data, hasW && p.c > 0 ? w.data : nullptr, hasB && p.c > 0 ? b.data : nullptr,
                                      mean.data, invstd.data, y.data, p));
    });
  }

  // batchNormBackward(gy, x, weight | null, mean, invstd, gx | null, gw | null, gb | null, params); gx may be gy.
  Napi::Value BatchNormBackward(const Napi::CallbackInfo& info) {
    return guarded(info, "batchNormBackward", [&] {
      Args args(info, "batchNormBackward");
      args.expectCount(9);
      args.f32Type(0, "gy", false);
      args.f32Type(1, "x", false);
      const bool hasW = args.f32Type(2, "weight", true);
      args.typedType(3, "mean", false, napi_float64_array, "Float64Array");
      args.typedType(4, "invstd", false, napi_float64_array, "Float64Array");
      const bool hasGx = args.f32Type(5, "gx", true);
      const bool hasGw = args.f32Type(6, "gw", true);
      const bool hasGb = args.f32Type(7, "gb", true);
      nt::BatchNormArgs p = batchNormParams(args, args.params(8));
      const size_t len = args.product({p.n, p.c, p.inner}, "n*c*inner");
      F32 gy = args.f32(0, "gy", len, "n*c*inner");
      F32 x = args.f32(1, "x", len, "n*c*inner");
      F32 w = hasW ? args.f32(2, "weight", p.c, "c") : F32{nullptr, 0};
      F64 mean = args.f64(3, "mean", p.c, "c");
      F64 invstd = args.f64(4, "invstd", p.c, "c");
      F32 gx = hasGx ? args.f32(5, "gx", len, "n*c*inner") : F32{nullptr, 0};
      F32 gw = hasGw ? args.f32(6, "gw", p.c, "c") : F32{nullptr, 0};
      F32 gb = hasGb ? args.f32(7, "gb", p.c, "c") : F32{nullptr, 0};
      args.sameOrNoOverlap(gx, "gx", gy, "gy");
      const std::pair<nt::Region, const char*> inputs[] = {
          {nt::region(gy), "gy"}, {nt::region(x), "x"}, {nt::region(w), "weight"},
          {nt::region(mean), "mean"}, {nt::region(invstd), "invstd"}};
      for (const auto& [r, name] : inputs) {
        if (r.data != gy.data) args.noOverlap(nt::region(gx), "gx", r, name);  // gx vs gy: checked above
        args.noOverlap(nt::region(gw), "gw", r, name);
        args.noOverlap(nt::region(gb), "gb", r, name);
      }
      args.noOverlap(gw, "gw", gx, "gx");
      args.noOverlap(gb, "gb", gx, "gx");
      args.noOverlap(gb, "gb", gw, "gw");
      check(kernels_.batchNormBackward(gy.data, x.data, hasW && p.c > 0 ? w.data : nullptr, mean.data, invstd.data,
                                       hasGx && len > 0 ? gx.data : nullptr, hasGw && p.c > 0 ? gw.data : nullptr,
                                       hasGb && p.c > 0 ? gb.data : nullptr, p));
    });
  }

  Napi::Value Info(const Napi::CallbackInfo& info) {
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("isa", kernels_.isa);
    o.Set("threads", nt::numThreads());
    return o;
  }

  // setNumThreads(n): n an integer in [1, 256].
  Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
    return guarded(info, "setNumThreads", [&] {
      Napi::Value v = info[0];
      if (!v.IsNumber()) throw Napi::TypeError::New(info.Env(), "setNumThreads: expected a number, got " + nt::describe(v));
      double n = v.As<Napi::Number>().DoubleValue();
      if (!(n >= 1 && n <= 256 && std::floor(n) == n))
        throw Napi::RangeError::New(info.Env(), "setNumThreads: expected an integer in [1, 256], got " +
                                                    v.ToString().Utf8Value());
      nt::setNumThreads(static_cast<int>(n));
    });
  }

  const nt::KernelTable& kernels_;
};

}  // namespace

NODE_API_ADDON(NodetorchAddon)
