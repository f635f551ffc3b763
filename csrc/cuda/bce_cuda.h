// The CUDA side of the op as seen by its C++ binding: plain types only (no torch, no CUDA
// headers), so the binding compiles anywhere and the .cu files compile with plain nvcc.
#pragma once

#include <cstdint>

#include "ganzoo/bce_problem.h"

namespace ganzoo {
namespace cuda {

struct LaunchPlan {
  int64_t grid = 1;             // blocks of the one kernel launch
  int64_t workspace_bytes = 0;  // device scratch the launch needs (per-block partial sums)
};

// Grid and workspace for `problem` on the current CUDA device.
LaunchPlan plan(const Problem& problem);

// Enqueues `problem` on `stream` (a cudaStream_t) without synchronising the host.
// `workspace` holds plan.workspace_bytes. Returns nullptr, or the CUDA error's text.
const char* run(const Problem& problem, const LaunchPlan& plan, void* workspace, void* stream);

}  // namespace cuda
}  // namespace ganzoo
