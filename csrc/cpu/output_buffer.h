// Output buffers for the ops (device-agnostic entry point; the special case is the CPU). Blocks of 32 MiB and more are mapped fresh by glibc on every
// allocation, so each call pays a page fault per 4 KiB page the kernel writes; for those the
// op asks for transparent huge pages (512 times fewer faults). Smaller blocks come from
// torch's usual allocator, which glibc serves from recycled heap memory.
#pragma once

#include <ATen/core/Tensor.h>

namespace ganzoo {
namespace cpu {

// An uninitialised CPU tensor like at::empty(sizes, options); huge-page backed where that pays.
at::Tensor empty_output(at::IntArrayRef sizes, const at::TensorOptions& options);

}  // namespace cpu
}  // namespace ganzoo
