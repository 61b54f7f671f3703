#!/usr/bin/env bash
# Set up everything the test suite needs (a venv with the package and its test extras) and
# run the whole suite. `.ci/run` calls this; it works from a fresh clone on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'

export PYTHONDONTWRITEBYTECODE=1
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
