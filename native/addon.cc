// The nodetorch native addon: the one exports table.
//
//   kernels         { matmul, conv1dForward, conv1dBackwardInput, conv1dBackwardWeight, sgdStep }
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

#include "common.h"
#include "kernels/kernels.h"
#include "threadpool.h"

namespace {

using nt::Args;
using nt::F32;

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
