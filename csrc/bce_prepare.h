// From tensors to a kernel Problem and back: argument checks with messages that name the
// argument, operand layouts, output allocation. Shared by the CPU and CUDA registrations,
// which differ only in the Runner that executes the prepared Problem.
#pragma once

#include <ATen/core/Tensor.h>

#include <optional>
#include <tuple>

#include "ganzoo/bce_problem.h"

namespace ganzoo {

// Executes a prepared problem on the device of `logits`.
using Runner = void (*)(const Problem& problem, const at::Tensor& logits);

// Returns (loss, grad): loss per `reduction`; grad = d loss / d logits for a unit upstream
// gradient when with_grad, else an empty tensor. A null target means the constant target_value.
std::tuple<at::Tensor, at::Tensor> bce_forward(
    const at::Tensor& logits, const std::optional<at::Tensor>& target, double target_value,
    const std::optional<at::Tensor>& weight, const std::optional<at::Tensor>& pos_weight,
    int64_t reduction, bool with_grad, Runner run);

// Returns (loss, grad_real, grad_fake) for
// mean BCE(real_logits, real_target) + mean BCE(fake_logits, fake_target), in one pass.
std::tuple<at::Tensor, at::Tensor, at::Tensor> gan_pair_forward(
    const at::Tensor& real_logits, const at::Tensor& fake_logits, double real_target,
    double fake_target, bool with_grad, Runner run);

// d loss / d logits for an upstream gradient `grad_loss`: `saved_grad * grad_loss` when the
// forward stored the gradient (saved_grad defined), else the kernel again with grad_loss folded
// into the weight ("recompute"). Returns a tensor shaped like logits.
at::Tensor bce_backward(const at::Tensor& grad_loss, const at::Tensor& logits,
                        const std::optional<at::Tensor>& target, double target_value,
                        const std::optional<at::Tensor>& weight,
                        const std::optional<at::Tensor>& pos_weight, int64_t reduction,
                        const std::optional<at::Tensor>& saved_grad, Runner run);

// The operator implementations for one device: `m.impl("...", &BceOps<runner>::bce_with_logits)`.
template <Runner run>
struct BceOps {
  static std::tuple<at::Tensor, at::Tensor> bce_with_logits(
      const at::Tensor& logits, const std::optional<at::Tensor>& target, double target_value,
      const std::optional<at::Tensor>& weight, const std::optional<at::Tensor>& pos_weight,
      int64_t reduction, bool with_grad) {
    return bce_forward(logits, target, target_value, weight, pos_weight, reduction, with_grad, run);
  }
  static std::tuple<at::Tensor, at::Tensor, at::Tensor> gan_pair_bce(
      const at::Tensor& real_logits, const at::Tensor& fake_logits, double real_target,
      double fake_target, bool with_grad) {
    return gan_pair_forward(real_logits, fake_logits, real_target, fake_target, with_grad, run);
  }
  static at::Tensor bce_with_logits_backward(
      const at::Tensor& grad_loss, const at::Tensor& logits, const std::optional<at::Tensor>& target,
      double target_value, const std::optional<at::Tensor>& weight,
      const std::optional<at::Tensor>& pos_weight, int64_t reduction,
      const std::optional<at::Tensor>& saved_grad) {
    return bce_backward(grad_loss, logits, target, target_value, weight, pos_weight, reduction,
                        saved_grad, run);
  }
};

}  // namespace ganzoo
