// The nodetorch native addon: the one exports table.
//
//   kernels         one function per kernel of the manifest (src/backend/manifest.ts), with the argument
//                   order of src/backend/backend.ts; each validates everything it is given (the generated
//                   native/generated/entries.h, over native/common.h and native/checks.h), then runs the
//                   kernel of the ISA picked at load time.
//   info()          { isa: 'avx2' | 'baseline', threads, mallocTuned } (malloc-tuning.cc)
//   setNumThreads(n)
//
// Context-aware (Napi::Addon): loads in the main thread and in any number of worker_threads. The ISA
// choice and the thread pool are process-wide; the ISA is fixed once (NODETORCH_NATIVE_ISA=baseline
// forces the baseline kernels, for testing).
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>

#include "common.h"
#include "generated/entries.h"
#include "kernels/kernels.h"
#include "threadpool.h"

namespace nt {
bool mallocTuned();  // malloc-tuning.cc
}

namespace {

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

class NodetorchAddon : public Napi::Addon<NodetorchAddon> {
 public:
  NodetorchAddon(Napi::Env env, Napi::Object exports) : kernels_(selectKernels()) {
    const auto attrs = static_cast<napi_property_attributes>(napi_enumerable);
    Napi::Object kernels = Napi::Object::New(env);
#define NT_EXPORT(name, sig) InstanceMethod(#name, &NodetorchAddon::name, attrs),
    DefineProperties(kernels, {NT_KERNEL_LIST(NT_EXPORT)});
#undef NT_EXPORT
    kernels.Freeze();
    DefineAddon(exports, {
                             InstanceValue("kernels", kernels, attrs),
                             InstanceMethod("info", &NodetorchAddon::Info, attrs),
                             InstanceMethod("setNumThreads", &NodetorchAddon::SetNumThreads, attrs),
                         });
  }

 private:
  // One method per kernel: its generated validating entry, with C++ failures turned into JS errors.
#define NT_METHOD(name, sig) \
  Napi::Value name(const Napi::CallbackInfo& info) { \
    return guarded(info, #name, [&] { nt::entries::name(info, kernels_); }); \
  }
  NT_KERNEL_LIST(NT_METHOD)
#undef NT_METHOD

  Napi::Value Info(const Napi::CallbackInfo& info) {
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("isa", kernels_.isa);
    o.Set("threads", nt::numThreads());
    o.Set("mallocTuned", nt::mallocTuned());
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
