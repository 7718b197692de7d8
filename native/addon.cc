// The nodetorch native addon: the one exports table.
//
//   kernels         one function per kernel of the manifest (src/backend/manifest.ts), with the argument
//                   order of src/backend/backend.ts; each validates everything it is given (the generated
//                   native/generated/entries.h, over native/common.h and native/checks.h), then runs the
//                   kernel of the ISA picked at load time.
//   info()          { isa: 'avx512' | 'avx2' | 'baseline', built: the ISAs compiled in, best first, threads,
//                     mallocTuned } (malloc-tuning.cc)
//   setNumThreads(n)
//
// Context-aware (Napi::Addon): loads in the main thread and in any number of worker_threads. The ISA
// choice and the thread pool are process-wide; the ISA is fixed once, at the first load: the best
// variant built that the CPU and OS can run, or with NODETORCH_NATIVE_ISA=avx512|avx2|baseline the best
// one at or below that (asking for more than the CPU has loads what it has; info().isa says which).
// Any other value fails the load with an error naming the accepted ones.
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "common.h"
#include "generated/entries.h"
#include "kernels/kernels.h"
#include "threadpool.h"

namespace nt {
bool mallocTuned();  // malloc-tuning.cc
}

namespace {

#if defined(NT_HAVE_AVX512)
// Whether the OS saves the AVX-512 state (opmask, upper halves of zmm0-15, zmm16-31) on a context
// switch: XCR0 bits 5-7, and SSE/AVX state (bits 1-2). GCC >= 11's __builtin_cpu_supports checks this
// too; older runtimes may not, so check it here as well.
bool osSavesZmm() {
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & bit_OSXSAVE)) return false;
  unsigned lo, hi;
  __asm__ volatile(".byte 0x0f, 0x01, 0xd0" : "=a"(lo), "=d"(hi) : "c"(0));  // xgetbv(0)
  return (lo & 0xe6) == 0xe6;
}
#endif

/** A kernel library of this build and whether this machine can run it. */
struct Variant {
  const char* name;
  const nt::KernelTable& (*table)();
  bool (*runs)();
};

// Best first. NODETORCH_NATIVE_ISA may name any of kIsaNames, built or not.
const char* const kIsaNames[] = {"avx512", "avx2", "baseline"};
const Variant kVariants[] = {
#if defined(NT_HAVE_AVX512)
    {"avx512", &nt_avx512::kernelTable,
     [] {
       return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
              __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
              __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && osSavesZmm();
     }},
#endif
#if defined(NT_HAVE_AVX2)
    {"avx2", &nt_avx2::kernelTable, [] { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }},
#endif
    {"baseline", &nt_baseline::kernelTable, [] { return true; }},
};

int isaRank(const char* name) {
  for (int i = 0; i < static_cast<int>(sizeof kIsaNames / sizeof kIsaNames[0]); ++i)
    if (std::strcmp(name, kIsaNames[i]) == 0) return i;
  return -1;
}

/** The kernels picked once per process, or nullptr with *error set if NODETORCH_NATIVE_ISA is invalid. */
const nt::KernelTable* selectKernels(std::string* error) {
  static std::string failure;
  static const nt::KernelTable* table = []() -> const nt::KernelTable* {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
#endif
    const char* force = std::getenv("NODETORCH_NATIVE_ISA");
    int cap = 0;  // best rank allowed
    if (force != nullptr && *force != '\0') {
      cap = isaRank(force);
      if (cap < 0) {
        failure = std::string("NODETORCH_NATIVE_ISA: expected avx512, avx2 or baseline (or unset for the best this CPU "
                              "runs), got '") + force + "'";
        return nullptr;
      }
    }
    for (const Variant& v : kVariants)
      if (isaRank(v.name) >= cap && v.runs()) return &v.table();
    return &nt_baseline::kernelTable();
  }();
  *error = failure;
  return table;
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
  NodetorchAddon(Napi::Env env, Napi::Object exports) : kernels_(kernelsOrThrow(env)) {
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
  static const nt::KernelTable& kernelsOrThrow(Napi::Env env) {
    std::string error;
    const nt::KernelTable* table = selectKernels(&error);
    if (table == nullptr) throw Napi::Error::New(env, error);
    return *table;
  }

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
    Napi::Array built = Napi::Array::New(info.Env());
    for (const Variant& v : kVariants) built.Set(built.Length(), v.name);
    o.Set("built", built);
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
