#include "bce_prepare.h"

#include <ATen/ATen.h>

#include <vector>

#include "output_buffer.h"

namespace ganzoo {
namespace {

DType kernel_dtype(const at::Tensor& t, const char* op, const char* name) {
  switch (t.scalar_type()) {
    case at::kFloat: return DType::kFloat32;
    case at::kDouble: return DType::kFloat64;
    case at::kHalf: return DType::kFloat16;
    case at::kBFloat16: return DType::kBFloat16;
    default:
      TORCH_CHECK_VALUE(false, op, ": ", name, " must be float32, float64, float16 or bfloat16, got ",
                        t.scalar_type());
  }
  return DType::kFloat32;  // unreachable
}

void check_like(const at::Tensor& t, const char* op, const char* name, const at::Tensor& logits,
                const char* logits_name) {
  TORCH_CHECK_VALUE(t.device() == logits.device(), op, ": ", name, " is on ", t.device(), " but ",
                    logits_name, " is on ", logits.device(), "; move it with .to(", logits_name,
                    ".device)");
  TORCH_CHECK_VALUE(t.scalar_type() == logits.scalar_type(), op, ": ", name, " has dtype ",
                    t.scalar_type(), " but ", logits_name, " has ", logits.scalar_type(),
                    "; convert it with .to(", logits_name, ".dtype)");
}

// A tensor broadcast against logits. Weights whose only non-1 dims are the trailing dims of
// logits (a scalar, a per-class vector, a per-pixel map) repeat with a period; any other
// broadcast is materialised once.
Operand broadcast_operand(const std::optional<at::Tensor>& opt, const char* op, const char* name,
                          const at::Tensor& logits, std::vector<at::Tensor>& keep) {
  if (!opt.has_value() || !opt->defined()) return Operand{};
  const at::Tensor& w = *opt;
  check_like(w, op, name, logits, "logits");
  const int64_t wd = w.dim(), ld = logits.dim();
  bool ok = wd <= ld;
  for (int64_t i = 1; ok && i <= wd; ++i) {
    const int64_t ws = w.size(wd - i), ls = logits.size(ld - i);
    ok = ws == 1 || ws == ls;
  }
  TORCH_CHECK_VALUE(ok, op, ": ", name, " of shape ", w.sizes(),
                    " cannot be broadcast to the logits shape ", logits.sizes());
  int64_t lead = 0;
  while (lead < wd && w.size(lead) == 1) ++lead;
  bool trailing = w.is_contiguous();
  for (int64_t i = lead; trailing && i < wd; ++i) trailing = w.size(i) == logits.size(ld - wd + i);
  at::Tensor kept = trailing ? w : w.expand(logits.sizes()).contiguous();
  keep.push_back(kept);
  return Operand{kept.data_ptr(), kept.numel(), 0.0};
}

at::Tensor contiguous_kept(const at::Tensor& t, std::vector<at::Tensor>& keep) {
  keep.push_back(t.contiguous());
  return keep.back();
}

// Fills a segment for `x` (already contiguous) with a constant target and mean reduction.
Segment mean_segment(const at::Tensor& x, double target, const at::Tensor& grad) {
  Segment s;
  s.numel = x.numel();
  s.logits = Operand{x.data_ptr(), s.numel, 0.0};
  s.target = Operand{nullptr, 1, target};
  s.grad_out = grad.defined() ? grad.data_ptr() : nullptr;
  s.grad_scale = 1.0 / static_cast<double>(s.numel);
  s.sum_scale = s.grad_scale;
  return s;
}

}  // namespace

std::tuple<at::Tensor, at::Tensor> bce_forward(
    const at::Tensor& logits, const std::optional<at::Tensor>& target, double target_value,
    const std::optional<at::Tensor>& weight, const std::optional<at::Tensor>& pos_weight,
    int64_t reduction, bool with_grad, Runner run) {
  const char* op = "ganzoo.ops.bce_with_logits";
  Problem pr;
  pr.dtype = kernel_dtype(logits, op, "logits");
  TORCH_CHECK_VALUE(reduction == kNone || reduction == kMean || reduction == kSum, op,
                    ": reduction code must be 0 (none), 1 (mean) or 2 (sum), got ", reduction);
  std::vector<at::Tensor> keep;
  Segment& s = pr.segments[0];
  const at::Tensor x = contiguous_kept(logits, keep);
  s.numel = x.numel();
  s.logits = Operand{x.data_ptr(), s.numel, 0.0};
  if (target.has_value() && target->defined()) {
    check_like(*target, op, "target", logits, "logits");
    TORCH_CHECK_VALUE(target->sizes() == logits.sizes(), op, ": target of shape ", target->sizes(),
                      " must have the logits shape ", logits.sizes());
    s.target = Operand{contiguous_kept(*target, keep).data_ptr(), s.numel, 0.0};
  } else {
    s.target = Operand{nullptr, 1, target_value};
  }
  s.weight = broadcast_operand(weight, op, "weight", logits, keep);
  s.pos_weight = broadcast_operand(pos_weight, op, "pos_weight", logits, keep);

  const auto options = logits.options();
  at::Tensor loss = reduction == kNone ? empty_output(logits.sizes(), options) : at::empty({}, options);
  at::Tensor grad = with_grad ? empty_output(logits.sizes(), options) : at::empty({0}, options);
  if (reduction == kNone) {
    s.loss_out = loss.data_ptr();
  } else {
    pr.result = loss.data_ptr();
  }
  s.grad_out = with_grad ? grad.data_ptr() : nullptr;
  s.grad_scale = reduction == kMean ? 1.0 / static_cast<double>(s.numel) : 1.0;
  s.sum_scale = s.grad_scale;
  run(pr, logits);
  return {loss, grad};
}

std::tuple<at::Tensor, at::Tensor, at::Tensor> gan_pair_forward(
    const at::Tensor& real_logits, const at::Tensor& fake_logits, double real_target,
    double fake_target, bool with_grad, Runner run) {
  const char* op = "ganzoo.ops.gan_pair_bce";
  Problem pr;
  pr.dtype = kernel_dtype(real_logits, op, "real_logits");
  check_like(fake_logits, op, "fake_logits", real_logits, "real_logits");
  std::vector<at::Tensor> keep;
  const at::Tensor real = contiguous_kept(real_logits, keep);
  const at::Tensor fake = contiguous_kept(fake_logits, keep);
  const auto options = real_logits.options();
  at::Tensor loss = at::empty({}, options);
  at::Tensor grad_real =
      with_grad ? empty_output(real_logits.sizes(), options) : at::empty({0}, options);
  at::Tensor grad_fake =
      with_grad ? empty_output(fake_logits.sizes(), options) : at::empty({0}, options);
  pr.num_segments = 2;
  pr.segments[0] = mean_segment(real, real_target, with_grad ? grad_real : at::Tensor());
  pr.segments[1] = mean_segment(fake, fake_target, with_grad ? grad_fake : at::Tensor());
  pr.result = loss.data_ptr();
  run(pr, real_logits);
  return {loss, grad_real, grad_fake};
}

at::Tensor bce_backward(const at::Tensor& grad_loss, const at::Tensor& logits,
                        const std::optional<at::Tensor>& target, double target_value,
                        const std::optional<at::Tensor>& weight,
                        const std::optional<at::Tensor>& pos_weight, int64_t reduction,
                        const std::optional<at::Tensor>& saved_grad, Runner run) {
  if (saved_grad.has_value() && saved_grad->defined()) {
    TORCH_CHECK_VALUE(saved_grad->sizes() == logits.sizes(),
                      "ganzoo.ops.bce_with_logits (backward): saved_grad of shape ",
                      saved_grad->sizes(), " must have the logits shape ", logits.sizes());
    return at::mul(*saved_grad, grad_loss);
  }
  // Recompute: the upstream gradient becomes (part of) the weight. With reduction "none" it
  // is per element; "sum" then skips writing a per-element loss nobody reads.
  const at::Tensor folded =
      weight.has_value() && weight->defined() ? at::mul(*weight, grad_loss) : grad_loss;
  const int64_t code = reduction == kNone ? kSum : reduction;
  return std::get<1>(
      bce_forward(logits, target, target_value, folded, pos_weight, code, /*with_grad=*/true, run));
}

}  // namespace ganzoo
