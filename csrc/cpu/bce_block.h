// The vectorised inner loops of the CPU kernel: one block of contiguous elements already in the
// compute precision. Built once per instruction set (see bce_block.cpp) and picked at load time.
#pragma once

#include <cstdint>

namespace ganzoo {
namespace cpu {

// loss[i] and (when grad != nullptr) grad[i] = scale * d loss[i] / d x[i] for i < n.
// weight / pos_weight == nullptr: absent (no weight, no pos_weight term).
void block_math(int64_t n, const float* x, const float* t, const float* w, const float* pos_weight,
                float scale, float* loss, float* grad);
void block_math(int64_t n, const double* x, const double* t, const double* w,
                const double* pos_weight, double scale, double* loss, double* grad);

// Sum of v[0..n) in double, in a fixed order (eight interleaved partial sums).
double block_sum(int64_t n, const float* v);
double block_sum(int64_t n, const double* v);

}  // namespace cpu
}  // namespace ganzoo
