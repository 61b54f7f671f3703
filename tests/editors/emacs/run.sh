#!/usr/bin/env bash
# Usage: tests/editors/emacs/run.sh [main|missing] -- batch Emacs + Eglot test of
# editors/emacs/django-expert.el, configured with the snippet of editors/emacs/README.md.
#   main:    test_emacs.el (the server from the activated venv), then a second start that
#            reads the facts cache;  missing: no server anywhere, test_missing.el.
# Exit status: the test's.
set -u
source "$(dirname "$0")/../lib.sh"
require_server
command -v emacs >/dev/null || { echo "FAIL emacs not found (run tests/editors/setup.sh)"; exit 1; }
SCENARIO="${1:-main}"
new_run "emacs-$SCENARIO"
copy_workspace "$RUN/shop"
add_broken_template "$RUN/shop"
TEST="$EDITORS_TESTS/emacs/test_emacs.el"
if [ "$SCENARIO" = missing ]; then
  TEST="$EDITORS_TESTS/emacs/test_missing.el"
  unset VIRTUAL_ENV
  export PATH="$(path_without_server)"
else
  activate_server_venv
fi
readme_snippet "$ROOT/editors/emacs/README.md" emacs-init >"$RUN/init.el" || exit 2
# the README's per-project settings example (ignore DJE206)
readme_snippet "$ROOT/editors/emacs/README.md" emacs-dir-locals >"$RUN/shop/.dir-locals.el" || exit 2
echo "init.el:"; sed 's/^/  /' "$RUN/init.el"
mkdir -p "$ARTIFACTS"
export DJE_INIT="$RUN/init.el" DJE_WS="$RUN/shop" DJE_ARTIFACTS="$ARTIFACTS"
cd "$RUN/shop" || exit 2
timeout -k 10 240 emacs --batch -l "$TEST" </dev/null
rc=$?
[ "$rc" != 0 ] && [ "$SCENARIO" = main ] && explain_cache_miss
echo "emacs exit status $rc"
finish_run $rc
