#include "output_buffer.h"

#include <ATen/ATen.h>
#include <ATen/EmptyTensor.h>
#include <c10/core/Allocator.h>
#include <c10/util/accumulate.h>

#include <cstdlib>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace ganzoo {
namespace {

constexpr size_t kHugePage = size_t(2) << 20;
constexpr size_t kLargeBytes = size_t(32) << 20;  // glibc's largest mmap threshold

#if defined(__linux__) && defined(MADV_HUGEPAGE)

void free_block(void* ptr) { std::free(ptr); }

// 2 MiB-aligned blocks advised as huge pages. A refused advice (THP off) costs nothing: the
// block is then ordinary memory.
struct HugePageAllocator final : c10::Allocator {
  c10::DataPtr allocate(size_t bytes) override {
    void* ptr = nullptr;
    const size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    if (posix_memalign(&ptr, kHugePage, rounded) != 0) {
      TORCH_CHECK(false, "ganzoo: could not allocate ", bytes, " bytes for a loss output");
    }
    madvise(ptr, rounded, MADV_HUGEPAGE);
    return {ptr, ptr, &free_block, c10::Device(c10::DeviceType::CPU)};
  }
  c10::DeleterFnPtr raw_deleter() const override { return &free_block; }
  void copy_data(void* dest, const void* src, size_t count) const override {
    default_copy_data(dest, src, count);
  }
};

HugePageAllocator huge_page_allocator;

#endif

}  // namespace

at::Tensor empty_output(at::IntArrayRef sizes, const at::TensorOptions& options) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  const size_t bytes = static_cast<size_t>(c10::multiply_integers(sizes)) * options.dtype().itemsize();
  if (options.device().is_cpu() && bytes >= kLargeBytes) {
    return at::Tensor(at::detail::empty_generic(sizes, &huge_page_allocator,
                                                c10::DispatchKeySet(c10::DispatchKey::CPU),
                                                c10::typeMetaToScalarType(options.dtype()),
                                                std::nullopt));
  }
#endif
  return at::empty(sizes, options);
}

}  // namespace ganzoo
