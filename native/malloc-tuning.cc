// Process-wide glibc malloc settings applied once when the addon loads, so that a training loop's
// tensors (JS typed arrays, allocated through malloc/calloc by Node's ArrayBuffer allocator) reuse
// freed heap memory instead of fresh pages.
//
// Why: glibc serves blocks above M_MMAP_THRESHOLD (128 KiB, raised dynamically up to 32 MiB) with
// mmap and returns them to the OS on free; freed heap above M_TRIM_THRESHOLD is returned too. A
// train step allocates the same activation and gradient sizes again each step, so every step then
// page-faults its whole working set back in (a fault per 4 KiB, zero-filled by the kernel): about
// 6k faults and 13 ms of system time per step at batch 128 (bench/README.md). PyTorch's CPU
// recommendation is the same setting through the environment (MALLOC_MMAP_THRESHOLD_ and
// MALLOC_TRIM_THRESHOLD_); this applies it for Node, bounded:
//   - blocks up to kMmapThreshold come from the heap and are reused after free;
//   - up to kTrimThreshold of free memory at the heap top is kept rather than trimmed.
// Memory above those bounds behaves as glibc's default. NODETORCH_MALLOC_TUNING=0 leaves malloc
// untouched. Other C libraries (musl, macOS, Windows) are left alone.
#include <cstdlib>
#include <cstring>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace nt {
namespace {

constexpr int kMmapThreshold = 64 << 20;   // 64 MiB (int: mallopt's argument type)
constexpr int kTrimThreshold = 512 << 20;  // 512 MiB

bool applyMallocTuning() {
  const char* env = std::getenv("NODETORCH_MALLOC_TUNING");
  if (env != nullptr && std::strcmp(env, "0") == 0) return false;
#if defined(__GLIBC__)
  // Both calls also switch off glibc's dynamic mmap threshold, so the values stay as set.
  return mallopt(M_MMAP_THRESHOLD, kMmapThreshold) == 1 && mallopt(M_TRIM_THRESHOLD, kTrimThreshold) == 1;
#else
  return false;
#endif
}

}  // namespace

/** Whether the tuning above is in effect (decided once per process, at the first load). */
bool mallocTuned() {
  static const bool tuned = applyMallocTuning();
  return tuned;
}

}  // namespace nt

// Applied at load, before any kernel runs or any JS allocates through the addon.
static const bool ntMallocTunedAtLoad = nt::mallocTuned();
