#!/usr/bin/env bash
# Create .venv (if missing) and install ecograph from this checkout with the given extras.
# Usage: bash scripts/setup.sh [EXTRAS]   (default: all; the test suite uses dev)
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-all}"
python="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[${extras}]"
echo "ecograph installed in .venv with extras [${extras}]" >&2
