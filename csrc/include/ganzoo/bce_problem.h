// A BCE-with-logits problem as the kernels see it: raw pointers and sizes, no torch types,
// so the CPU kernel, the CUDA kernels (plain nvcc) and the bindings share one description.
#pragma once

#include <cstdint>

namespace ganzoo {

// Reduction codes of the schema's `reduction` argument (the Python front door uses the same).
enum Reduction : int64_t { kNone = 0, kMean = 1, kSum = 2 };

enum class DType : int { kFloat32 = 0, kFloat64 = 1, kFloat16 = 2, kBFloat16 = 3 };

// One input stream: element i of the segment reads data[i % period] (data in the problem's
// dtype). period == 0: absent (the neutral value). data == nullptr with period == 1: the
// constant `value` (a Python-float target), never materialised.
struct Operand {
  const void* data = nullptr;
  int64_t period = 0;
  double value = 0.0;
};

// A contiguous run of logits with its own target, weights and outputs. A plain loss has one
// segment; the GAN discriminator pair has two (real, fake) reduced in the same pass.
struct Segment {
  int64_t numel = 0;
  Operand logits, target, weight, pos_weight;
  void* loss_out = nullptr;   // per-element loss ("none" reduction), or null
  void* grad_out = nullptr;   // per-element d(result)/d(logit), i.e. gradient * grad_scale, or null
  double grad_scale = 1.0;    // 1/numel for a mean, 1 otherwise
  double sum_scale = 1.0;     // weight of this segment's loss sum in `result` (1/numel: a mean)
};

struct Problem {
  DType dtype = DType::kFloat32;
  int num_segments = 1;
  Segment segments[2];
  void* result = nullptr;     // reduced output (a scalar in dtype): sum over segments of
                              // sum_scale * sum(loss); null for the "none" reduction
};

}  // namespace ganzoo
