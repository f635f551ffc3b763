#!/usr/bin/env bash
# Install ganzoo (with its compiled op), its test tools and the bundled plugin package into
# the current Python environment. Safe to run again: what is installed already is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}

# torch is pinned: an unpinned request would pull the CUDA build and several GB with it.
TORCH_VERSION=${GANZOO_TORCH_VERSION:-2.13.0}
if ! "$PY" -c "import torch, sys; sys.exit(torch.__version__.split('+')[0] != '$TORCH_VERSION')" 2>/dev/null; then
    "$PY" -m pip install -q "torch==$TORCH_VERSION"
fi
# The extension builds against the installed torch, so no isolated build environment.
"$PY" -m pip install -q "setuptools>=64" wheel ninja
"$PY" -m pip install -q --no-build-isolation -e ".[dev]"
"$PY" -m pip install -q --no-build-isolation --no-deps -e plugins/ganzoo-relativistic
"$PY" -c "import ganzoo.ops as ops; print('ganzoo installed; loss backends:', ', '.join(ops.available_backends()))"
