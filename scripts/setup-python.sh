#!/usr/bin/env bash
# Installs stepq's Python training side from the registry into python/.venv (docs/trl.md):
# the pinned package with its test extra, and llama-cpp-python (built from its source
# distribution, which also carries llama.cpp's GGUF converters that the recipe extracts).
# Usage: scripts/setup-python.sh [--no-engines]   (--no-engines: training only, no server/converter)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
LLAMA_CPP_PYTHON=0.3.36
SDIST=python/.cache/sdist/llama_cpp_python-$LLAMA_CPP_PYTHON.tar.gz

t0=$(date +%s)
[ -x python/.venv/bin/python ] || "$PY" -m venv python/.venv
python/.venv/bin/pip install --quiet --disable-pip-version-check "./python[test]"
rm -rf python/build python/*.egg-info # pip's in-tree build leftovers
t1=$(date +%s)
echo "setup-python: torch, transformers, trl, peft, accelerate, datasets, gguf: $((t1 - t0)) s"
if [ "${1:-}" = "--no-engines" ]; then exit 0; fi
if [ ! -f "$SDIST" ]; then
  python/.venv/bin/pip download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
    "llama-cpp-python==$LLAMA_CPP_PYTHON" -d python/.cache/sdist
fi
t2=$(date +%s)
echo "setup-python: llama-cpp-python source download: $((t2 - t1)) s"
CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)} \
  python/.venv/bin/pip install --quiet --disable-pip-version-check "$SDIST[server]"
t3=$(date +%s)
echo "setup-python: llama-cpp-python build + install: $((t3 - t2)) s"
python/.venv/bin/python -m stepq_trl fetch-converter --sdist "$SDIST" >/dev/null
echo "setup-python: done in $(($(date +%s) - t0)) s (python/.venv)"
