// Output buffers for the ops on every device. On the CPU, blocks of 32 MiB and more are mapped
// fresh by glibc on every allocation, so each call pays a page fault per 4 KiB page the kernel
// writes; for those the op asks for transparent huge pages (512 times fewer faults). Smaller
// blocks, and every other device, use torch's usual allocator.
#pragma once

#include <ATen/core/Tensor.h>

namespace ganzoo {

// An uninitialised tensor like at::empty(sizes, options); on the CPU, huge-page backed where
// that pays.
at::Tensor empty_output(at::IntArrayRef sizes, const at::TensorOptions& options);

}  // namespace ganzoo
