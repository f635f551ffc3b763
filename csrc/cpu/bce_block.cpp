#include "bce_block.h"

#include "ganzoo/bce_math.h"

// On x86-64 with GCC or Clang each float loop is compiled three times, for AVX-512 (x86-64-v4),
// AVX2+FMA (v3) and the baseline, and the loader picks one for the running CPU; elsewhere the
// baseline only. The AVX-512 clone nearly halved the time at 2^20 elements on the development
// machine's AMD EPYC (csrc/README.md).
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && defined(__linux__)
#define GZ_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define GZ_CLONES
#endif
#if defined(__GNUC__) || defined(__clang__)
#define GZ_INLINE inline __attribute__((always_inline))
#define GZ_RESTRICT __restrict__
#else
#define GZ_INLINE inline
#define GZ_RESTRICT
#endif

namespace ganzoo {
namespace cpu {
namespace {

template <typename acc_t, bool HasWeight, bool HasPosWeight, bool WantGrad>
GZ_INLINE void math_loop(int64_t n, const acc_t* GZ_RESTRICT x, const acc_t* GZ_RESTRICT t,
                         const acc_t* GZ_RESTRICT w, const acc_t* GZ_RESTRICT p, acc_t scale,
                         acc_t* GZ_RESTRICT loss, acc_t* GZ_RESTRICT grad) {
  for (int64_t i = 0; i < n; ++i) {
    acc_t l, g;
    bce_element<acc_t, HasPosWeight>(x[i], t[i], HasWeight ? w[i] : acc_t(1),
                                     HasPosWeight ? p[i] : acc_t(1), &l, &g);
    loss[i] = l;
    if (WantGrad) grad[i] = g * scale;
  }
}

// Picks the instantiation for the operands present; a null pointer means absent.
template <typename acc_t, bool HasWeight, bool HasPosWeight>
GZ_INLINE void math_grad(int64_t n, const acc_t* x, const acc_t* t, const acc_t* w, const acc_t* p,
                         acc_t scale, acc_t* loss, acc_t* grad) {
  if (grad != nullptr) math_loop<acc_t, HasWeight, HasPosWeight, true>(n, x, t, w, p, scale, loss, grad);
  else math_loop<acc_t, HasWeight, HasPosWeight, false>(n, x, t, w, p, scale, loss, grad);
}

template <typename acc_t>
GZ_INLINE void math_dispatch(int64_t n, const acc_t* x, const acc_t* t, const acc_t* w,
                             const acc_t* p, acc_t scale, acc_t* loss, acc_t* grad) {
  if (w != nullptr) {
    if (p != nullptr) math_grad<acc_t, true, true>(n, x, t, w, p, scale, loss, grad);
    else math_grad<acc_t, true, false>(n, x, t, w, p, scale, loss, grad);
  } else {
    if (p != nullptr) math_grad<acc_t, false, true>(n, x, t, w, p, scale, loss, grad);
    else math_grad<acc_t, false, false>(n, x, t, w, p, scale, loss, grad);
  }
}

template <typename acc_t>
GZ_INLINE double sum_loop(int64_t n, const acc_t* GZ_RESTRICT v) {
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int j = 0; j < 8; ++j) acc[j] += static_cast<double>(v[i + j]);
  }
  for (int j = 0; i + j < n; ++j) acc[j] += static_cast<double>(v[i + j]);
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

}  // namespace

GZ_CLONES void block_math(int64_t n, const float* x, const float* t, const float* w,
                          const float* pos_weight, float scale, float* loss, float* grad) {
  math_dispatch<float>(n, x, t, w, pos_weight, scale, loss, grad);
}

void block_math(int64_t n, const double* x, const double* t, const double* w,
                const double* pos_weight, double scale, double* loss, double* grad) {
  math_dispatch<double>(n, x, t, w, pos_weight, scale, loss, grad);
}

GZ_CLONES double block_sum(int64_t n, const float* v) { return sum_loop<float>(n, v); }

double block_sum(int64_t n, const double* v) { return sum_loop<double>(n, v); }

}  // namespace cpu
}  // namespace ganzoo
