#!/usr/bin/env bash
# The GPU check, in one shot: on a machine with an NVIDIA GPU, a CUDA torch, nvcc and ninja,
# builds ganzoo's CUDA op, runs the CUDA tests, the loss benchmark and the training benchmark,
# and writes the results as JSON and markdown into OUT.
#
#   scripts/gpu_check.sh OUT [--dry-run]
#
# Needs no package registry: ganzoo is installed with pip --no-build-isolation --no-deps -e .,
# and the first step lists any Python module that is missing (carry its wheel). The whole run
# stays within GPU_CHECK_BUDGET_S seconds (default 450): each step gets its own limit or what is
# left; a step that fails or times out is recorded and the next one still runs.
# --dry-run: every step on the CPU at toy sizes, the build skipped (the installed op is used)
# and the CUDA tests skipped by pytest: it checks the script (tests/test_gpu_check.py runs it).
# PYTHON: the interpreter (default: the repository's .venv when there, else python3).
# Writes OUT/gpu-check.{json,md,log} and OUT/<device>-<date>.{json,md} (+ -loss.png), a results
# document in ganzoo bench's format. Exit: 0 every step passed, 1 one did not, 2 usage or a
# missing requirement.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

usage() { echo "usage: scripts/gpu_check.sh OUT [--dry-run]" >&2; exit 2; }
out="" dry=0
for arg in "$@"; do
  case "$arg" in
    --dry-run) dry=1 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) usage ;;
    *) [[ -z "$out" ]] || usage; out="$arg" ;;
  esac
done
[[ -n "$out" ]] || usage
mkdir -p "$out/parts" || exit 2
out="$(cd "$out" && pwd)"
: > "$out/parts/steps.jsonl"
log="$out/gpu-check.log"
: > "$log"

if [[ -n "${PYTHON:-}" ]]; then py="$PYTHON"
elif [[ -x .venv/bin/python ]]; then py="$PWD/.venv/bin/python"
else py=python3; fi
export PYTHONUNBUFFERED=1

budget="${GPU_CHECK_BUDGET_S:-450}"
report_reserve=30  # seconds kept back for the report, whatever the steps before it took
started=$SECONDS
dry_flag=()
[[ $dry -eq 1 ]] && dry_flag=(--dry-run)
failed=0

record() {  # STEP STATUS SECONDS NOTE: one line of OUT/parts/steps.jsonl (gone once the report has it)
  if [[ -d "$out/parts" ]]; then
    printf '{"step": "%s", "status": "%s", "seconds": %s, "note": "%s"}\n' "$1" "$2" "$3" "$4" \
      >> "$out/parts/steps.jsonl"
  fi
  echo "== $1: $2${4:+ ($4)}" | tee -a "$log"
}

run_step() {  # STEP LIMIT_S COMMAND...: COMMAND under a timeout, its output to the terminal and the log
  local name="$1" limit="$2" left rc t0
  shift 2
  left=$(( budget - (SECONDS - started) ))
  [[ "$name" == report ]] || left=$(( left - report_reserve ))
  (( limit > left )) && limit=$left
  if (( limit < 5 )); then
    record "$name" skipped 0 "the budget of ${budget}s is spent"
    failed=1
    return 1
  fi
  echo "== $name (at most ${limit}s): $*" | tee -a "$log"
  t0=$SECONDS
  timeout --kill-after=10 "$limit" "$@" 2>&1 | tee -a "$log"
  rc=${PIPESTATUS[0]}
  case $rc in
    0) record "$name" passed $(( SECONDS - t0 )) "" ;;
    124|137) record "$name" "timed out" $(( SECONDS - t0 )) "stopped after ${limit}s"; failed=1 ;;
    *) record "$name" failed $(( SECONDS - t0 )) "exit $rc"; failed=1 ;;
  esac
  return "$rc"
}

check_py=(scripts/gpu_check.py)

# 1. what this machine has: importable modules, the GPU, nvcc
if ! run_step env 60 "$py" "${check_py[@]}" env "$out" "${dry_flag[@]}"; then
  echo "gpu_check: the environment lacks what the check needs (see above); nothing else was run" | tee -a "$log"
  run_step report 60 "$py" "${check_py[@]}" report "$out" "${dry_flag[@]}"
  exit 2
fi

# 2. build the CUDA op (for this GPU's architecture only: a quicker build) and check it loads
if [[ $dry -eq 1 ]]; then
  record build skipped 0 "dry run: the installed op is used"
  backend=cpp
else
  arch="$("$py" -c 'import torch; print("%d.%d" % torch.cuda.get_device_capability())')"
  run_step build 240 env TORCH_CUDA_ARCH_LIST="$arch" MAX_JOBS="$(nproc)" FORCE_CUDA=1 GANZOO_REQUIRE_EXT=1 \
    "$py" -m pip install --no-build-isolation --no-deps --no-cache-dir -e .
  backend=cuda
fi
run_step op 60 "$py" -c "
from ganzoo.ops import _backends
reason = _backends.missing_reason('$backend')
print('ganzoo op backend $backend:', reason or 'ready')
raise SystemExit(1 if reason else 0)"

# 3. the CUDA tests (every test marked cuda; a dry run collects only the op's, all skipped on the CPU)
tests=(tests)
[[ $dry -eq 1 ]] && tests=(tests/test_ops_cuda.py)
run_step tests 150 "$py" -m pytest -q -p no:cacheprovider --continue-on-collection-errors -m cuda "${tests[@]}"

# 4. the loss benchmark, 5. the training benchmark
run_step loss 150 "$py" "${check_py[@]}" loss "$out" "${dry_flag[@]}"
run_step train 240 "$py" "${check_py[@]}" train "$out" "${dry_flag[@]}"

# 6. one report of everything that ran
run_step report 60 "$py" "${check_py[@]}" report "$out" "${dry_flag[@]}"
echo "gpu_check: $( ((failed)) && echo 'a step failed or timed out' || echo 'every step passed' ); results in $out" \
  | tee -a "$log"
exit $(( failed ? 1 : 0 ))
