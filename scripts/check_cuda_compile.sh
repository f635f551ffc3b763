#!/usr/bin/env bash
# Compile-checks ganzoo's CUDA sources where nvcc exists, without a GPU and without a CUDA torch:
# every csrc/**/*.cu with plain nvcc (they include no torch headers), and the C++ binding that
# registers them with the host compiler against the installed torch headers.
# Exit 0: all compiled, or nvcc is absent (says so). Non-zero: a compile error.
# NVCC_ARCHS overrides the target architectures (default: sm_75, sm_80 and sm_90).
set -euo pipefail
cd "$(dirname "$0")/.."

NVCC="${NVCC:-$(command -v nvcc || true)}"
if [[ -z "$NVCC" ]]; then
  echo "check_cuda_compile: nvcc not found; CUDA sources not checked"
  exit 0
fi
archs="${NVCC_ARCHS:-75 80 90}"
gencode=()
for a in $archs; do gencode+=("-gencode=arch=compute_${a},code=sm_${a}"); done

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
status=0
while IFS= read -r -d '' cu; do
  echo "nvcc: $cu"
  if ! "$NVCC" -std=c++17 -O3 "${gencode[@]}" -Werror all-warnings -Icsrc -Icsrc/include \
      -c "$cu" -o "$out/$(basename "$cu").o"; then
    status=1
  fi
done < <(find csrc -name '*.cu' -print0 | sort -z)

# The binding uses only device-generic torch headers, so it compiles against a CPU-only torch.
cxx="${CXX:-c++}"
flags="$(python - <<'PY'
import sysconfig
from torch.utils import cpp_extension
paths = cpp_extension.include_paths() + [sysconfig.get_paths()["include"]]
print(" ".join("-I" + p for p in paths))
PY
)"
while IFS= read -r -d '' cpp; do
  echo "$cxx: $cpp"
  # shellcheck disable=SC2086
  if ! "$cxx" -std=c++20 -fsyntax-only -Wall -Werror -Wno-unused-parameter $flags -Icsrc -Icsrc/include \
      -DGANZOO_WITH_CUDA "$cpp"; then
    status=1
  fi
done < <(find csrc/cuda -name '*.cpp' -print0 | sort -z)

if [[ $status -eq 0 ]]; then echo "check_cuda_compile: all CUDA sources compile ($("$NVCC" --version | tail -1))"; fi
exit $status
