#pragma once

#include "ganzoo/bce_problem.h"

namespace ganzoo {
namespace cpu {

// Runs a problem on the host: fills each segment's per-element outputs and `result`.
// Deterministic: the same bits for any number of threads.
void run(const Problem& problem);

}  // namespace cpu
}  // namespace ganzoo
