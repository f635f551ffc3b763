// Registers the CUDA implementations. Only torch's device-generic headers are used (the CUDA
// guard and current stream come through c10's device-guard interface), so this file needs no
// CUDA headers: it compiles against any torch, and the kernels live in bce_kernel.cu.
#include <ATen/ATen.h>
#include <c10/core/DeviceGuard.h>
#include <c10/core/impl/VirtualGuardImpl.h>
#include <torch/library.h>

#include "bce_cuda.h"
#include "bce_prepare.h"

namespace ganzoo {
namespace {

void run_cuda(const Problem& problem, const at::Tensor& logits) {
  const c10::DeviceGuard guard(logits.device());
  const cuda::LaunchPlan plan = cuda::plan(problem);
  // Scratch from torch's caching allocator: no cudaMalloc, no synchronisation.
  const at::Tensor workspace = at::empty({plan.workspace_bytes}, logits.options().dtype(at::kByte));
  const c10::impl::VirtualGuardImpl device_impl(c10::DeviceType::CUDA);
  void* stream = device_impl.getStream(logits.device()).native_handle();
  const char* error = cuda::run(problem, plan, workspace.data_ptr(), stream);
  TORCH_CHECK(error == nullptr, "ganzoo CUDA BCE kernel failed to launch: ", error);
}

}  // namespace

TORCH_LIBRARY_IMPL(ganzoo, CUDA, m) {
  m.impl("bce_with_logits", &BceOps<run_cuda>::bce_with_logits);
  m.impl("gan_pair_bce", &BceOps<run_cuda>::gan_pair_bce);
  m.impl("bce_with_logits_backward", &BceOps<run_cuda>::bce_with_logits_backward);
}

}  // namespace ganzoo
