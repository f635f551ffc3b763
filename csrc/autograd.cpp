// Autograd for ganzoo's ops, in C++: one torch::autograd::Function per op, registered for the
// Autograd dispatch key (every device). A Python autograd (torch.library.register_autograd)
// costs tens of microseconds per forward+backward, several times the kernel at GAN batch
// sizes; this costs a few (csrc/README.md has the measurements).
//
// Forward: the op below autograd, saving the inputs and, when the caller asked for it
// (`with_grad`, "store"), the gradient the forward wrote next to the loss. Backward, with grad
// mode off (a plain .backward()): the first backward takes the stored gradient over and scales
// it in place by the upstream gradient (not at all when that is exactly 1, the usual
// `loss.backward()`), so forward+backward allocates one gradient and touches it once. A second
// backward through a retained graph, and every backward traced by torch.compile, calls the
// registered op ganzoo::bce_with_logits_backward instead (out of place, or recomputing).
// With grad mode on (create_graph=True) and for the target's gradient: the same math as
// differentiable ATen ops, so double backward and target gradients are exact, never silently
// zero. weight and pos_weight are not differentiable (as in PyTorch); asking raises.
#include <ATen/ATen.h>
#include <ATen/TensorSubclassLikeUtils.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/csrc/autograd/autograd_not_implemented_fallback.h>
#include <torch/csrc/autograd/custom_function.h>
#include <torch/library.h>

#include <optional>
#include <string>
#include <tuple>

#include "ganzoo/bce_problem.h"

namespace ganzoo {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;
using OptTensor = std::optional<at::Tensor>;


// Typed dispatcher handles, looked up once.
const c10::TypedOperatorHandle<std::tuple<at::Tensor, at::Tensor>(
    const at::Tensor&, const OptTensor&, double, const OptTensor&, const OptTensor&, int64_t, bool)>&
bce_op() {
  static const auto op = c10::Dispatcher::singleton()
                             .findSchemaOrThrow("ganzoo::bce_with_logits", "")
                             .typed<std::tuple<at::Tensor, at::Tensor>(
                                 const at::Tensor&, const OptTensor&, double, const OptTensor&,
                                 const OptTensor&, int64_t, bool)>();
  return op;
}

const c10::TypedOperatorHandle<std::tuple<at::Tensor, at::Tensor, at::Tensor>(
    const at::Tensor&, const at::Tensor&, double, double, bool)>&
pair_op() {
  static const auto op = c10::Dispatcher::singleton()
                             .findSchemaOrThrow("ganzoo::gan_pair_bce", "")
                             .typed<std::tuple<at::Tensor, at::Tensor, at::Tensor>(
                                 const at::Tensor&, const at::Tensor&, double, double, bool)>();
  return op;
}

const c10::TypedOperatorHandle<at::Tensor(const at::Tensor&, const at::Tensor&, const OptTensor&,
                                          double, const OptTensor&, const OptTensor&, int64_t,
                                          const OptTensor&)>&
backward_op() {
  static const auto op =
      c10::Dispatcher::singleton()
          .findSchemaOrThrow("ganzoo::bce_with_logits_backward", "")
          .typed<at::Tensor(const at::Tensor&, const at::Tensor&, const OptTensor&, double,
                            const OptTensor&, const OptTensor&, int64_t, const OptTensor&)>();
  return op;
}

OptTensor opt(const at::Tensor& t) { return t.defined() ? OptTensor(t) : OptTensor(); }

// Stores the gradient the forward wrote, for the first backward to take over (see take_stored).
// Kept out of save_for_backward so that the backward can own it: a SavedVariable would keep a
// reference for the graph's lifetime and force a copy. Its version is checked instead.
void put_stored(AutogradContext* ctx, const std::string& key, const at::Tensor& grad) {
  ctx->saved_data[key] = grad;
  ctx->saved_data[key + "_version"] = static_cast<int64_t>(grad._version());
}

// The stored gradient, removed from the context (undefined if there is none or an earlier
// backward took it): a later backward through a retained graph recomputes instead.
at::Tensor take_stored(AutogradContext* ctx, const std::string& key) {
  auto it = ctx->saved_data.find(key);
  if (it == ctx->saved_data.end()) return at::Tensor();
  at::Tensor grad = std::move(it->second).toTensor();
  ctx->saved_data.erase(it);
  TORCH_CHECK(grad._version() == ctx->saved_data[key + "_version"].toInt(),
              "ganzoo.ops: the gradient output of a ganzoo loss op was modified in place before "
              "backward; clone it before modifying it");
  return grad;
}

// d loss / d logits from the stored gradient, in its own buffer, when that is safe: real
// tensors (not ones torch.compile is tracing) of one dtype and device, and grad_loss either one
// element or the gradient's shape. Undefined otherwise (then the registered op does it).
at::Tensor scale_stored_in_place(at::Tensor stored, const at::Tensor& grad_loss) {
  const bool reusable = !at::isTensorSubclassLike(stored) && !at::isTensorSubclassLike(grad_loss) &&
                        grad_loss.scalar_type() == stored.scalar_type() &&
                        grad_loss.device() == stored.device() &&
                        (grad_loss.numel() == 1 || grad_loss.sizes() == stored.sizes());
  if (!reusable) return at::Tensor();
  // A host-side 1 needs no multiply (reading a CUDA scalar would synchronise: multiply there).
  if (grad_loss.numel() == 1 && grad_loss.is_cpu() && grad_loss.item<double>() == 1.0) return stored;
  return stored.mul_(grad_loss);
}

// d loss / d logits with grad mode off: the stored gradient taken over when there is one and
// that is safe, else `op(stored)`, a call of the registered backward op.
template <typename BackwardOp>
at::Tensor logits_grad(AutogradContext* ctx, const std::string& key, const at::Tensor& grad_loss,
                       BackwardOp op) {
  at::Tensor stored = take_stored(ctx, key);
  at::Tensor grad = stored.defined() ? scale_stored_in_place(stored, grad_loss) : at::Tensor();
  return grad.defined() ? grad : op(opt(stored));
}

void reject_weight_grad(bool needed, const char* name) {
  TORCH_CHECK(!needed, "ganzoo.ops.bce_with_logits: ", name,
              " requires grad, but the loss is not differentiable with respect to ", name,
              " (as in torch.nn.functional.binary_cross_entropy_with_logits); detach it");
}

// d loss / d logits and d loss / d target as differentiable ATen ops (double backward).
// `target` undefined means the constant `target_value`.
std::tuple<at::Tensor, at::Tensor> formula_grads(const at::Tensor& grad_loss,
                                                 const at::Tensor& logits, const at::Tensor& target,
                                                 double target_value, const at::Tensor& weight,
                                                 const at::Tensor& pos_weight, int64_t reduction,
                                                 bool need_logits, bool need_target) {
  at::Tensor scale =
      reduction == kMean ? grad_loss / static_cast<double>(logits.numel()) : grad_loss;
  if (weight.defined()) scale = scale * weight;
  at::Tensor grad_logits, grad_target;
  if (need_logits) {
    const at::Tensor sig = at::sigmoid(logits);
    if (!pos_weight.defined()) {
      grad_logits = (target.defined() ? sig - target : sig - target_value) * scale;
    } else {
      const at::Tensor pt = target.defined() ? pos_weight * target : pos_weight * target_value;
      const at::Tensor lw = target.defined() ? pt + 1 - target : pt + (1 - target_value);
      grad_logits = (lw * sig - pt) * scale;
    }
  }
  if (need_target) {  // only reached with a target tensor
    if (!pos_weight.defined()) {
      grad_target = -logits * scale;
    } else {
      grad_target = (at::log_sigmoid(-logits) - pos_weight * at::log_sigmoid(logits)) * scale;
    }
  }
  return {grad_logits, grad_target};
}

class BceWithLogitsFunction : public torch::autograd::Function<BceWithLogitsFunction> {
 public:
  static variable_list forward(AutogradContext* ctx, const at::Tensor& logits,
                               const OptTensor& target, double target_value,
                               const OptTensor& weight, const OptTensor& pos_weight,
                               int64_t reduction, bool with_grad) {
    at::AutoDispatchBelowADInplaceOrView guard;
    auto [loss, grad] =
        bce_op().call(logits, target, target_value, weight, pos_weight, reduction, with_grad);
    ctx->mark_non_differentiable({grad});
    ctx->set_materialize_grads(false);
    ctx->saved_data["target_value"] = target_value;
    ctx->saved_data["reduction"] = reduction;
    ctx->save_for_backward({logits, target.value_or(at::Tensor()), weight.value_or(at::Tensor()),
                            pos_weight.value_or(at::Tensor())});
    if (with_grad) put_stored(ctx, "grad", grad);
    return {loss, grad};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    const variable_list saved = ctx->get_saved_variables();
    const at::Tensor &logits = saved[0], &target = saved[1], &weight = saved[2],
                     &pos_weight = saved[3];
    // needs_input_grad counts only the tensors that were passed: logits, then the present ones.
    size_t edge = 1;
    const bool need_target = target.defined() && ctx->needs_input_grad(edge++);
    reject_weight_grad(weight.defined() && ctx->needs_input_grad(edge++), "weight");
    reject_weight_grad(pos_weight.defined() && ctx->needs_input_grad(edge++), "pos_weight");
    bool need_logits = ctx->needs_input_grad(0);
    const at::Tensor& grad_loss = grad_outputs[0];
    variable_list grads(7);
    if (!grad_loss.defined()) return grads;  // only the non-differentiable output was used
    const double target_value = ctx->saved_data["target_value"].toDouble();
    const int64_t reduction = ctx->saved_data["reduction"].toInt();
    if (need_logits && !at::GradMode::is_enabled()) {
      at::AutoDispatchBelowADInplaceOrView below;  // grad mode is off: skip the Autograd key
      grads[0] = logits_grad(ctx, "grad", grad_loss, [&](const OptTensor& stored) {
        return backward_op().call(grad_loss, logits, opt(target), target_value, opt(weight),
                                  opt(pos_weight), reduction, stored);
      });
      need_logits = false;
    }
    if (need_logits || need_target) {
      auto [gl, gt] = formula_grads(grad_loss, logits, target, target_value, weight, pos_weight,
                                    reduction, need_logits, need_target);
      if (need_logits) grads[0] = gl;
      grads[1] = gt;
    }
    return grads;
  }
};

class GanPairBceFunction : public torch::autograd::Function<GanPairBceFunction> {
 public:
  static variable_list forward(AutogradContext* ctx, const at::Tensor& real_logits,
                               const at::Tensor& fake_logits, double real_target,
                               double fake_target, bool with_grad) {
    at::AutoDispatchBelowADInplaceOrView guard;
    auto [loss, grad_real, grad_fake] =
        pair_op().call(real_logits, fake_logits, real_target, fake_target, with_grad);
    ctx->mark_non_differentiable({grad_real, grad_fake});
    ctx->set_materialize_grads(false);
    ctx->saved_data["real_target"] = real_target;
    ctx->saved_data["fake_target"] = fake_target;
    ctx->save_for_backward({real_logits, fake_logits});
    if (with_grad) {
      put_stored(ctx, "grad_real", grad_real);
      put_stored(ctx, "grad_fake", grad_fake);
    }
    return {loss, grad_real, grad_fake};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    const variable_list saved = ctx->get_saved_variables();
    const at::Tensor& grad_loss = grad_outputs[0];
    variable_list grads(5);
    if (!grad_loss.defined()) return grads;
    const double targets[2] = {ctx->saved_data["real_target"].toDouble(),
                               ctx->saved_data["fake_target"].toDouble()};
    const bool grad_mode = at::GradMode::is_enabled();
    const char* keys[2] = {"grad_real", "grad_fake"};
    for (size_t i = 0; i < 2; ++i) {
      if (!ctx->needs_input_grad(i)) continue;
      const at::Tensor& logits = saved[i];
      if (!grad_mode) {
        at::AutoDispatchBelowADInplaceOrView below;
        grads[i] = logits_grad(ctx, keys[i], grad_loss, [&](const OptTensor& stored) {
          return backward_op().call(grad_loss, logits, std::nullopt, targets[i], std::nullopt,
                                    std::nullopt, kMean, stored);
        });
      } else {
        grads[i] = std::get<0>(formula_grads(grad_loss, logits, at::Tensor(), targets[i],
                                             at::Tensor(), at::Tensor(), kMean, true, false));
      }
    }
    return grads;
  }
};

std::tuple<at::Tensor, at::Tensor> bce_autograd(const at::Tensor& logits, const OptTensor& target,
                                                double target_value, const OptTensor& weight,
                                                const OptTensor& pos_weight, int64_t reduction,
                                                bool with_grad) {
  auto out =
      BceWithLogitsFunction::apply(logits, target, target_value, weight, pos_weight, reduction, with_grad);
  return {std::move(out[0]), std::move(out[1])};
}

std::tuple<at::Tensor, at::Tensor, at::Tensor> pair_autograd(const at::Tensor& real_logits,
                                                             const at::Tensor& fake_logits,
                                                             double real_target, double fake_target,
                                                             bool with_grad) {
  auto out = GanPairBceFunction::apply(real_logits, fake_logits, real_target, fake_target, with_grad);
  return {std::move(out[0]), std::move(out[1]), std::move(out[2])};
}

}  // namespace

TORCH_LIBRARY_IMPL(ganzoo, Autograd, m) {
  m.impl("bce_with_logits", &bce_autograd);
  m.impl("gan_pair_bce", &pair_autograd);
  // The backward runs with grad mode off; differentiating through it directly is an error
  // that says so (double backward goes through formula_grads instead).
  m.impl("bce_with_logits_backward", torch::autograd::autogradNotImplementedFallback());
}

}  // namespace ganzoo
