#!/usr/bin/env bash
# Usage: tests/editors/emacs/run.sh -- batch Emacs + Eglot test of editors/emacs/django-expert.el,
# configured with the snippet of editors/emacs/README.md. Exit status: the test's.
set -u
source "$(dirname "$0")/../lib.sh"
require_server
command -v emacs >/dev/null || { echo "FAIL emacs not found (run tests/editors/setup.sh)"; exit 1; }
new_run emacs
copy_workspace "$RUN/shop"
activate_server_venv
readme_snippet "$ROOT/editors/emacs/README.md" emacs-init >"$RUN/init.el" || exit 2
# the README's per-project settings example (ignore DJE206)
readme_snippet "$ROOT/editors/emacs/README.md" emacs-dir-locals >"$RUN/shop/.dir-locals.el" || exit 2
echo "init.el:"; sed 's/^/  /' "$RUN/init.el"
export DJE_INIT="$RUN/init.el" DJE_WS="$RUN/shop"
cd "$RUN/shop" || exit 2
timeout -k 10 240 emacs --batch -l "$EDITORS_TESTS/emacs/test_emacs.el" </dev/null
rc=$?
echo "emacs exit status $rc"
finish_run $rc
