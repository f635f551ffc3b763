// The host driver: splits each segment into fixed-size chunks, runs the chunks on ATen's thread
// pool, and combines the per-chunk sums in chunk order in double precision. Chunk boundaries do
// not depend on the thread count, so neither do the bits of the result.
#include "bce_cpu.h"

#include <ATen/Parallel.h>
#include <c10/util/BFloat16.h>
#include <c10/util/Half.h>

#include <algorithm>
#include <type_traits>
#include <vector>

#include "bce_block.h"

namespace ganzoo {
namespace cpu {
namespace {

constexpr int64_t kChunk = 32768;  // elements per partial sum and per parallel task (ATen's grain)
constexpr int64_t kBlock = 1024;   // elements per pass through the vectorised loops

template <typename T>
using acc_type = std::conditional_t<std::is_same<T, double>::value, double, float>;

// Per-chunk scratch: operands converted to the compute precision, outputs before conversion.
template <typename acc_t>
struct Scratch {
  acc_t x[kBlock], t[kBlock], w[kBlock], p[kBlock], loss[kBlock], grad[kBlock];
};

// Points at elements [start, start + len) of a present operand in acc_t, converting or repeating
// into `buf` when the operand is not already a contiguous run of acc_t.
template <typename T, typename acc_t>
const acc_t* load(const Operand& op, int64_t start, int64_t len, acc_t* buf) {
  const T* data = static_cast<const T*>(op.data);
  if (data == nullptr || op.period == 1) {
    // One value for all: a Python float (rounded to the dtype first, as a tensor of that dtype
    // would be), or a one-element tensor.
    const T v = data == nullptr ? static_cast<T>(op.value) : data[0];
    std::fill(buf, buf + len, static_cast<acc_t>(v));
    return buf;
  }
  if (op.period >= start + len) {  // this block lies within one period: contiguous
    if (std::is_same<T, acc_t>::value) return reinterpret_cast<const acc_t*>(data + start);
    for (int64_t k = 0; k < len; ++k) buf[k] = static_cast<acc_t>(data[start + k]);
    return buf;
  }
  int64_t j = start % op.period;
  for (int64_t k = 0; k < len; ++k) {
    buf[k] = static_cast<acc_t>(data[j]);
    if (++j == op.period) j = 0;
  }
  return buf;
}

// Where the per-element results of a block go: straight into the output when it already has
// the compute dtype, else into scratch and converted afterwards.
template <typename T, typename acc_t>
acc_t* out_slot(void* out, int64_t start, acc_t* buf) {
  if (out == nullptr) return nullptr;
  if (std::is_same<T, acc_t>::value) return reinterpret_cast<acc_t*>(static_cast<T*>(out) + start);
  return buf;
}

template <typename T, typename acc_t>
void store(void* out, int64_t start, int64_t len, const acc_t* slot) {
  if (out == nullptr || std::is_same<T, acc_t>::value) return;
  T* dst = static_cast<T*>(out) + start;
  for (int64_t k = 0; k < len; ++k) dst[k] = static_cast<T>(slot[k]);
}

// Runs elements [begin, end) of a segment; returns the sum of their losses (0 if not reduced).
template <typename T>
double run_chunk(const Segment& s, int64_t begin, int64_t end) {
  using acc_t = acc_type<T>;
  Scratch<acc_t> sc;
  const acc_t scale = static_cast<acc_t>(s.grad_scale);
  const bool reduce = s.loss_out == nullptr;
  double sum = 0.0;
  for (int64_t start = begin; start < end; start += kBlock) {
    const int64_t len = std::min(kBlock, end - start);
    const acc_t* x = load<T, acc_t>(s.logits, start, len, sc.x);
    const acc_t* t = load<T, acc_t>(s.target, start, len, sc.t);
    const acc_t* w = s.weight.period == 0 ? nullptr : load<T, acc_t>(s.weight, start, len, sc.w);
    const acc_t* p =
        s.pos_weight.period == 0 ? nullptr : load<T, acc_t>(s.pos_weight, start, len, sc.p);
    acc_t* loss = s.loss_out != nullptr ? out_slot<T, acc_t>(s.loss_out, start, sc.loss) : sc.loss;
    acc_t* grad = out_slot<T, acc_t>(s.grad_out, start, sc.grad);
    block_math(len, x, t, w, p, scale, loss, grad);
    store<T, acc_t>(s.loss_out, start, len, loss);
    store<T, acc_t>(s.grad_out, start, len, grad);
    if (reduce) sum += block_sum(len, loss);
  }
  return sum;
}

template <typename T>
void run_typed(const Problem& pr) {
  // Chunk c of the whole problem is chunk c - first[s] of segment s.
  int64_t first[3] = {0, 0, 0};
  for (int s = 0; s < pr.num_segments; ++s) {
    first[s + 1] = first[s] + (pr.segments[s].numel + kChunk - 1) / kChunk;
  }
  const int64_t num_chunks = first[pr.num_segments];
  std::vector<double> partial(static_cast<size_t>(num_chunks), 0.0);
  auto work = [&](int64_t begin, int64_t end) {
    for (int64_t c = begin; c < end; ++c) {
      const int s = c >= first[1] ? 1 : 0;
      const Segment& seg = pr.segments[s];
      const int64_t lo = (c - first[s]) * kChunk;
      partial[c] = run_chunk<T>(seg, lo, std::min(seg.numel, lo + kChunk));
    }
  };
  int64_t total = 0;
  for (int s = 0; s < pr.num_segments; ++s) total += pr.segments[s].numel;
  if (total <= kChunk) {
    work(0, num_chunks);  // too small to be worth waking the pool (a small GAN pair: 2 chunks)
  } else {
    at::parallel_for(0, num_chunks, 1, work);
  }
  if (pr.result == nullptr) return;
  double result = 0.0;
  for (int s = 0; s < pr.num_segments; ++s) {
    double sum = 0.0;
    for (int64_t c = first[s]; c < first[s + 1]; ++c) sum += partial[c];
    result += sum * pr.segments[s].sum_scale;  // a mean of nothing: 0 * inf = NaN, as in PyTorch
  }
  *static_cast<T*>(pr.result) = static_cast<T>(result);
}

}  // namespace

void run(const Problem& problem) {
  switch (problem.dtype) {
    case DType::kFloat32: return run_typed<float>(problem);
    case DType::kFloat64: return run_typed<double>(problem);
    case DType::kFloat16: return run_typed<c10::Half>(problem);
    case DType::kBFloat16: return run_typed<c10::BFloat16>(problem);
  }
}

}  // namespace cpu
}  // namespace ganzoo
