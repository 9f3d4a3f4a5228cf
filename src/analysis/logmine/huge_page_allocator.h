// HugePageAllocator: a std::allocator replacement for the miner's big flat tables (the signature
// cache) that asks the kernel to back allocations of 2 MB and more with transparent huge pages.
//
// Nearly every line does one lookup at a random place in the signature cache (megabytes on a
// long file). With 4 KB pages each such lookup is also a TLB miss, and the table's growth faults
// in one page per 4 KB; with 2 MB pages both mostly go away (about 5% less CPU on 1M fresh lines,
// docs/logmine.md). The advice is a hint: where huge pages are off or unsupported, the memory is
// ordinary. Smaller allocations are ordinary malloc, so small tables cost no more than before.
//
// Stateless; safe to use from any thread.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace quell::analysis::logmine {

inline constexpr size_t kHugePageSize = size_t{2} << 20;

// Memory for `bytes`; 2 MB-aligned and advised for huge pages when `bytes` is at least 2 MB.
// Release with std::free. Throws std::bad_alloc when out of memory.
inline void* AllocateMaybeHuge(size_t bytes) {
  if (bytes < kHugePageSize) {
    if (void* p = std::malloc(bytes == 0 ? 1 : bytes)) return p;
    throw std::bad_alloc();
  }
  // aligned_alloc wants a multiple of the alignment.
  const size_t rounded = (bytes + kHugePageSize - 1) / kHugePageSize * kHugePageSize;
  void* p = std::aligned_alloc(kHugePageSize, rounded);
  if (p == nullptr) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  madvise(p, rounded, MADV_HUGEPAGE);  // a hint: failure leaves ordinary pages
#endif
  return p;
}

template <typename T>
struct HugePageAllocator {
  using value_type = T;

  HugePageAllocator() = default;
  template <typename U>
  explicit HugePageAllocator(const HugePageAllocator<U>&) {}

  T* allocate(size_t n) { return static_cast<T*>(AllocateMaybeHuge(n * sizeof(T))); }
  void deallocate(T* p, size_t) { std::free(p); }

  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const {
    return true;
  }
};

}  // namespace quell::analysis::logmine
