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

std::tuple<at::Tensor, at::Tensor> bce_with_logits_cuda(
    const at::Tensor& logits, const std::optional<at::Tensor>& target, double target_value,
    const std::optional<at::Tensor>& weight, const std::optional<at::Tensor>& pos_weight,
    int64_t reduction, bool with_grad) {
  return bce_forward(logits, target, target_value, weight, pos_weight, reduction, with_grad,
                     run_cuda);
}

std::tuple<at::Tensor, at::Tensor, at::Tensor> gan_pair_bce_cuda(
    const at::Tensor& real_logits, const at::Tensor& fake_logits, double real_target,
    double fake_target, bool with_grad) {
  return gan_pair_forward(real_logits, fake_logits, real_target, fake_target, with_grad, run_cuda);
}

}  // namespace

TORCH_LIBRARY_IMPL(ganzoo, CUDA, m) {
  m.impl("bce_with_logits", &bce_with_logits_cuda);
  m.impl("gan_pair_bce", &gan_pair_bce_cuda);
}

}  // namespace ganzoo
