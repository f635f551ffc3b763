// The CUDA kernel: one launch computes per-element losses / gradients and, for a reduction, the
// deterministic two-level sum: every block writes its partial sums, and the last block to
// finish (found with an integer counter; no floating-point atomics) combines them in block
// order in double precision. Grid-stride loops with 64-bit indices; 128-bit loads and stores
// where an operand is aligned, a scalar tail otherwise. No torch headers: see bce_cuda.h.
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <type_traits>

#include "bce_cuda.h"
#include "ganzoo/bce_math.h"

namespace ganzoo {
namespace cuda {
namespace {

constexpr int kThreads = 256;
constexpr int kWarps = kThreads / 32;
constexpr int64_t kSingleBlockMax = 8192;  // up to here one block does all: no partials, no memset

template <typename T>
using acc_type = typename std::conditional<std::is_same<T, double>::value, double, float>::type;

__device__ __forceinline__ float to_acc(__half v) { return __half2float(v); }
__device__ __forceinline__ float to_acc(__nv_bfloat16 v) { return __bfloat162float(v); }
__device__ __forceinline__ float to_acc(float v) { return v; }
__device__ __forceinline__ double to_acc(double v) { return v; }

template <typename T>
__device__ __forceinline__ T from_acc(acc_type<T> v) { return static_cast<T>(v); }
template <>
__device__ __forceinline__ __half from_acc<__half>(float v) { return __float2half_rn(v); }
template <>
__device__ __forceinline__ __nv_bfloat16 from_acc<__nv_bfloat16>(float v) { return __float2bfloat16_rn(v); }

// An operand as the device reads it (see Operand in bce_problem.h).
template <typename T>
struct DeviceOperand {
  const T* data;
  int64_t period;     // data[i % period]; period >= numel: data[i]
  acc_type<T> value;  // used when data == nullptr (absent: the neutral value)
  bool wide;          // every element is data[i] and data is 16-byte aligned
};

template <typename T>
struct DeviceSegment {
  int64_t numel;
  DeviceOperand<T> x, t, w, p;
  T* loss_out;
  T* grad_out;
  acc_type<T> grad_scale;
  double sum_scale;
  bool wide_out;  // loss_out and grad_out (where present) are 16-byte aligned
};

template <typename T>
struct DeviceProblem {
  int num_segments;
  DeviceSegment<T> seg[2];
  T* result;
};

template <typename T>
__device__ __forceinline__ acc_type<T> load(const DeviceOperand<T>& op, int64_t i, int64_t numel) {
  if (op.data == nullptr) return op.value;
  return to_acc(op.data[op.period >= numel ? i : i % op.period]);
}

// VEC consecutive elements starting at i (a multiple of VEC): one 128-bit load when VEC fills
// 16 bytes and the operand is aligned (the scalar tail has VEC == 1), else element by element.
template <typename T, int VEC>
__device__ __forceinline__ void load_vec(const DeviceOperand<T>& op, int64_t i, int64_t numel,
                                         acc_type<T> (&out)[VEC]) {
  if (VEC * sizeof(T) == 16 && op.wide) {
    union { uint4 raw; T v[VEC]; } u;
    u.raw = *reinterpret_cast<const uint4*>(op.data + i);
#pragma unroll
    for (int k = 0; k < VEC; ++k) out[k] = to_acc(u.v[k]);
  } else {
#pragma unroll
    for (int k = 0; k < VEC; ++k) out[k] = load(op, i + k, numel);
  }
}

template <typename T, int VEC>
__device__ __forceinline__ void store_vec(T* out, int64_t i, bool wide, const acc_type<T> (&v)[VEC]) {
  if (VEC * sizeof(T) == 16 && wide) {
    union { uint4 raw; T v[VEC]; } u;
#pragma unroll
    for (int k = 0; k < VEC; ++k) u.v[k] = from_acc<T>(v[k]);
    *reinterpret_cast<uint4*>(out + i) = u.raw;
  } else {
#pragma unroll
    for (int k = 0; k < VEC; ++k) out[i + k] = from_acc<T>(v[k]);
  }
}

// Processes elements [i, i + VEC) of a segment (all in range); returns their loss sum.
template <typename T, bool HasPW, int VEC>
__device__ __forceinline__ acc_type<T> do_group(const DeviceSegment<T>& s, int64_t i) {
  using acc_t = acc_type<T>;
  acc_t x[VEC], t[VEC], w[VEC], p[VEC], loss[VEC], grad[VEC];
  load_vec<T, VEC>(s.x, i, s.numel, x);
  load_vec<T, VEC>(s.t, i, s.numel, t);
  load_vec<T, VEC>(s.w, i, s.numel, w);
  if (HasPW) load_vec<T, VEC>(s.p, i, s.numel, p);
  acc_t sum = 0;
#pragma unroll
  for (int k = 0; k < VEC; ++k) {
    bce_element<acc_t, HasPW>(x[k], t[k], w[k], HasPW ? p[k] : acc_t(1), &loss[k], &grad[k]);
    grad[k] *= s.grad_scale;
    sum += loss[k];
  }
  if (s.loss_out != nullptr) store_vec<T, VEC>(s.loss_out, i, s.wide_out, loss);
  if (s.grad_out != nullptr) store_vec<T, VEC>(s.grad_out, i, s.wide_out, grad);
  return sum;
}

template <typename T, bool HasPW>
__device__ __forceinline__ acc_type<T> do_segment(const DeviceSegment<T>& s) {
  constexpr int VEC = 16 / sizeof(T);
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  const int64_t tid = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const int64_t groups = s.numel / VEC;
  acc_type<T> sum = 0;
  for (int64_t g = tid; g < groups; g += stride) sum += do_group<T, HasPW, VEC>(s, g * VEC);
  for (int64_t i = groups * VEC + tid; i < s.numel; i += stride) sum += do_group<T, HasPW, 1>(s, i);
  return sum;
}

// Sum over the block in a fixed order (warp shuffles, then the warps' sums by the first warp).
template <typename acc_t>
__device__ __forceinline__ acc_t block_sum(acc_t v, acc_t* shared) {
#pragma unroll
  for (int offset = 16; offset > 0; offset /= 2) v += __shfl_down_sync(0xffffffffu, v, offset);
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  __syncthreads();  // `shared` may still be read from a previous call
  if (lane == 0) shared[warp] = v;
  __syncthreads();
  v = lane < kWarps ? shared[lane] : acc_t(0);
  if (warp == 0) {
#pragma unroll
    for (int offset = 16; offset > 0; offset /= 2) v += __shfl_down_sync(0xffffffffu, v, offset);
  }
  return v;  // valid in thread 0
}

// Second level of the reduction: every block publishes its per-segment sums; the last block to
// finish adds them up in block order, in double, and writes the result.
template <typename T>
__device__ __forceinline__ void reduce_problem(const DeviceProblem<T>& pr, const acc_type<T> (&seg_sum)[2],
                                               double* partials, unsigned int* counter) {
  using acc_t = acc_type<T>;
  __shared__ acc_t shared_acc[kWarps];
  __shared__ double shared_double[kWarps];
  __shared__ bool is_last;
  for (int s = 0; s < pr.num_segments; ++s) {
    const acc_t b = block_sum(seg_sum[s], shared_acc);
    if (threadIdx.x == 0) partials[s * gridDim.x + blockIdx.x] = static_cast<double>(b);
  }
  if (gridDim.x > 1) {
    if (threadIdx.x == 0) {
      __threadfence();  // partials visible device-wide before the count says so
      is_last = atomicAdd(counter, 1u) == gridDim.x - 1;
    }
    __syncthreads();
    if (!is_last) return;
    __threadfence();
  }
  double result = 0.0;
  for (int s = 0; s < pr.num_segments; ++s) {
    double v = 0.0;
    for (unsigned int b = threadIdx.x; b < gridDim.x; b += blockDim.x) {
      v += __ldcg(partials + s * gridDim.x + b);
    }
    v = block_sum(v, shared_double);
    result += v * pr.seg[s].sum_scale;  // a mean of nothing: 0 * inf = NaN, as in PyTorch
  }
  if (threadIdx.x == 0) *pr.result = from_acc<T>(static_cast<acc_t>(result));
}

template <typename T, bool HasPW, bool Reduce>
__global__ void __launch_bounds__(kThreads)
bce_kernel(DeviceProblem<T> pr, double* partials, unsigned int* counter) {
  acc_type<T> seg_sum[2] = {0, 0};
  for (int s = 0; s < pr.num_segments; ++s) seg_sum[s] = do_segment<T, HasPW>(pr.seg[s]);
  if (Reduce) reduce_problem<T>(pr, seg_sum, partials, counter);
}

bool aligned16(const void* p) {
  return (reinterpret_cast<uintptr_t>(p) & 15u) == 0;
}

template <typename T>
DeviceOperand<T> device_operand(const Operand& op, int64_t numel, double neutral) {
  DeviceOperand<T> d;
  d.data = static_cast<const T*>(op.data);
  d.period = op.period;
  const double value = op.period == 0 ? neutral : op.value;
  // A Python-float target is rounded to the dtype first, as a tensor of that dtype would be.
  d.value = static_cast<acc_type<T>>(static_cast<float>(T(static_cast<float>(value))));
  if (std::is_same<T, double>::value) d.value = static_cast<acc_type<T>>(value);
  if (op.period == 0) d.data = nullptr;
  d.wide = d.data != nullptr && op.period >= numel && aligned16(op.data);
  return d;
}

template <typename T>
DeviceProblem<T> device_problem(const Problem& pr) {
  DeviceProblem<T> d;
  d.num_segments = pr.num_segments;
  d.result = static_cast<T*>(pr.result);
  for (int s = 0; s < pr.num_segments; ++s) {
    const Segment& in = pr.segments[s];
    DeviceSegment<T>& out = d.seg[s];
    out.numel = in.numel;
    out.x = device_operand<T>(in.logits, in.numel, 0.0);
    out.t = device_operand<T>(in.target, in.numel, 0.0);
    out.w = device_operand<T>(in.weight, in.numel, 1.0);
    out.p = device_operand<T>(in.pos_weight, in.numel, 1.0);
    out.loss_out = static_cast<T*>(in.loss_out);
    out.grad_out = static_cast<T*>(in.grad_out);
    out.grad_scale = static_cast<acc_type<T>>(in.grad_scale);
    out.sum_scale = in.sum_scale;
    out.wide_out = aligned16(in.loss_out) && aligned16(in.grad_out);
  }
  return d;
}

template <typename T>
cudaError_t launch_typed(const Problem& pr, const LaunchPlan& plan, void* workspace, cudaStream_t stream) {
  const DeviceProblem<T> d = device_problem<T>(pr);
  bool has_pw = false;
  for (int s = 0; s < pr.num_segments; ++s) has_pw = has_pw || pr.segments[s].pos_weight.period != 0;
  const bool reduce = pr.result != nullptr;
  double* partials = static_cast<double*>(workspace);
  unsigned int* counter = reinterpret_cast<unsigned int*>(partials + 2 * plan.grid);
  if (reduce && plan.grid > 1) {
    const cudaError_t err = cudaMemsetAsync(counter, 0, sizeof(unsigned int), stream);
    if (err != cudaSuccess) return err;
  }
  const dim3 grid(static_cast<unsigned int>(plan.grid)), block(kThreads);
  if (has_pw) {
    if (reduce) bce_kernel<T, true, true><<<grid, block, 0, stream>>>(d, partials, counter);
    else bce_kernel<T, true, false><<<grid, block, 0, stream>>>(d, partials, counter);
  } else {
    if (reduce) bce_kernel<T, false, true><<<grid, block, 0, stream>>>(d, partials, counter);
    else bce_kernel<T, false, false><<<grid, block, 0, stream>>>(d, partials, counter);
  }
  return cudaGetLastError();
}

int multiprocessors() {
  int device = 0, count = 0;
  if (cudaGetDevice(&device) != cudaSuccess) return 1;
  if (cudaDeviceGetAttribute(&count, cudaDevAttrMultiProcessorCount, device) != cudaSuccess) return 1;
  return std::max(count, 1);
}

}  // namespace

LaunchPlan plan(const Problem& pr) {
  int64_t total = 0;
  for (int s = 0; s < pr.num_segments; ++s) total += pr.segments[s].numel;
  LaunchPlan p;
  if (total > kSingleBlockMax) {
    const int64_t vec = pr.dtype == DType::kFloat64 ? 2 : pr.dtype == DType::kFloat32 ? 4 : 8;
    const int64_t wanted = (total / vec + kThreads - 1) / kThreads;
    p.grid = std::max<int64_t>(1, std::min<int64_t>(wanted, 8LL * multiprocessors()));
  }
  p.workspace_bytes = pr.result == nullptr ? 0 : 2 * p.grid * static_cast<int64_t>(sizeof(double)) + 16;
  return p;
}

const char* run(const Problem& pr, const LaunchPlan& plan, void* workspace, void* stream_handle) {
  bool empty = true;
  for (int s = 0; s < pr.num_segments; ++s) empty = empty && pr.segments[s].numel == 0;
  if (empty && pr.result == nullptr) return nullptr;  // nothing to write
  cudaStream_t stream = static_cast<cudaStream_t>(stream_handle);
  cudaError_t err = cudaSuccess;
  switch (pr.dtype) {
    case DType::kFloat32: err = launch_typed<float>(pr, plan, workspace, stream); break;
    case DType::kFloat64: err = launch_typed<double>(pr, plan, workspace, stream); break;
    case DType::kFloat16: err = launch_typed<__half>(pr, plan, workspace, stream); break;
    case DType::kBFloat16: err = launch_typed<__nv_bfloat16>(pr, plan, workspace, stream); break;
  }
  return err == cudaSuccess ? nullptr : cudaGetErrorString(err);
}

}  // namespace cuda
}  // namespace ganzoo
