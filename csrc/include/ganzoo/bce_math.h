// Per-element math of binary cross-entropy on logits, written once for host and device.
//
// For a logit x, a target t in [0, 1], a weight w and a positive-class weight p:
//
//   loss = w * ((1 - t) * x - lw * log_sigmoid(x)),      lw = (p - 1) * t + 1
//   dloss/dx = w * (lw * sigmoid(x) - p * t)
//
// with log_sigmoid(x) = min(x, 0) - log1p(exp(-|x|)) and sigmoid(x) taken from the same
// exp(-|x|), so loss and gradient come out of one exponential. With p = 1 the formulas reduce
// exactly (bit for bit) to the unweighted ones. These are the expressions PyTorch's reference
// evaluates, so NaN, +-inf and huge logits give the same NaN / inf / finite results.
//
// No torch headers here: the CUDA sources include this file and must compile with plain nvcc.
#pragma once

#include <cmath>
#include <cstdint>

#if defined(__CUDACC__)
#define GZ_HD __host__ __device__ __forceinline__
#elif defined(__GNUC__) || defined(__clang__)
#define GZ_HD inline __attribute__((always_inline))  // a call per element would stop vectorisation
#else
#define GZ_HD inline
#endif

namespace ganzoo {

namespace detail {

#if !defined(__CUDA_ARCH__)
// exp(y) for y <= 0 in float, branch-free so that loops over it vectorise on the host:
// y = n ln2 + r with |r| <= ln2 / 2, exp(r) from its degree-7 Taylor polynomial (relative
// error below 1e-8), 2^n assembled in the exponent bits. Results below FLT_MIN flush to 0.
GZ_HD float exp_nonpositive(float y) {
  const float log2e = 1.44269504088896341f;
  const float ln2_hi = 0.693359375f;                              // few mantissa bits: n*ln2_hi exact
  const float ln2_lo = (float)(0.69314718055994531 - 0.693359375);
  const float round_magic = 12582912.0f;                          // 1.5 * 2^23: rounds to nearest
  float yc = y < -87.0f ? -87.0f : y;                             // NaN passes through (compare false)
  float n = (yc * log2e + round_magic) - round_magic;
  float r = (yc - n * ln2_hi) - n * ln2_lo;
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  union { int32_t i; float f; } scale;
  scale.i = ((int32_t)n + 127) << 23;
  float e = p * scale.f;
  return y < -87.0f ? 0.0f : e;
}

// log1p(e) for e in [0, 1] as e * q(e), q a degree-8 polynomial fitted (least squares on
// Chebyshev nodes) to log1p(e) / e: no division, relative error about 1.5e-7, exact as e -> 0.
GZ_HD float log1p_unit(float e) {
  float q = 0.005253457929939032f;
  q = q * e - 0.02958850748836994f;
  q = q * e + 0.07836166769266129f;
  q = q * e - 0.13674770295619965f;
  q = q * e + 0.19111430644989014f;
  q = q * e - 0.24844369292259216f;
  q = q * e + 0.33319270610809326f;
  q = q * e - 0.49999502301216125f;
  q = q * e + 1.0f;
  return e * q;
}
#endif

// Primitives per precision and side: float on the device uses CUDA's own; double uses libm.
GZ_HD float exp_neg_abs(float x) {
#if defined(__CUDA_ARCH__)
  return expf(-fabsf(x));
#else
  return exp_nonpositive(-std::fabs(x));
#endif
}
GZ_HD double exp_neg_abs(double x) { return exp(-fabs(x)); }

GZ_HD float log1p_exp_neg_abs(float e) {  // log1p(e) for e = exp(-|x|) in [0, 1]
#if defined(__CUDA_ARCH__)
  return log1pf(e);
#else
  return log1p_unit(e);
#endif
}
GZ_HD double log1p_exp_neg_abs(double e) { return log1p(e); }

}  // namespace detail

// Loss and d(loss)/d(logit) of one element; `acc_t` is float or double.
// HasPosWeight=false skips the pos_weight terms (identical to p = 1).
template <typename acc_t, bool HasPosWeight>
GZ_HD void bce_element(acc_t x, acc_t t, acc_t w, acc_t p, acc_t* loss, acc_t* grad) {
  const acc_t one = acc_t(1);
  const acc_t e = detail::exp_neg_abs(x);
  const acc_t inv_v = one / (one + e);
  const acc_t log_sigmoid = (x > acc_t(0) ? acc_t(0) : x) - detail::log1p_exp_neg_abs(e);
  const acc_t sigmoid = x >= acc_t(0) ? inv_v : e * inv_v;
  if (HasPosWeight) {
    const acc_t lw = (p - one) * t + one;
    *loss = ((one - t) * x - lw * log_sigmoid) * w;
    *grad = (lw * sigmoid - p * t) * w;
  } else {
    *loss = ((one - t) * x - log_sigmoid) * w;
    *grad = (sigmoid - t) * w;
  }
}

}  // namespace ganzoo
