#!/usr/bin/env bash
# Run every editor test against the shipped integrations in editors/, headless, and print a
# final line "N passed, N failed" (", N skipped" when SKIP_VSCODE=1 left VS Code out).
# Exit status 1 if any test failed. Run tests/editors/setup.sh first (same
# $DJANGO_EXPERT_EDITORS_DIR); a missing editor is a failure, never a silent skip.
#
#   bash tests/editors/run_all.sh            # all
#   bash tests/editors/run_all.sh emacs      # the tests whose name contains "emacs"
#   bash tests/editors/run_all.sh --list     # "name<TAB>command" per test (tests/editors/test_editors.py reads it)
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
STATE="${DJANGO_EXPERT_EDITORS_DIR:-/tmp/django-expert-editors}"
NVIM011="$STATE/nvim011/bin/nvim"

TESTS=(
  "vscode-extension-units|node --test $HERE/vscode/test_extension_units.mjs"
  "readme-install-snippet|bash $HERE/install_snippet.sh"
  "neovim-0.7-setup|bash $HERE/nvim/run.sh nvim setup"
  "neovim-0.7-lspconfig|bash $HERE/nvim/run.sh nvim lspconfig"
  "neovim-0.11-enable|bash $HERE/nvim/run.sh $NVIM011 enable"
  "neovim-0.11-setup|bash $HERE/nvim/run.sh $NVIM011 setup"
  "neovim-0.11-lspconfig|bash $HERE/nvim/run.sh $NVIM011 lspconfig"
  "neovim-0.7-missing-server|bash $HERE/nvim/run.sh nvim missing"
  "neovim-0.11-missing-server|bash $HERE/nvim/run.sh $NVIM011 missing"
  "emacs-28-eglot|bash $HERE/emacs/run.sh main"
  "emacs-28-missing-server|bash $HERE/emacs/run.sh missing"
  "neovim-0.11-terminal-screenshots|bash $HERE/terminal_screens.sh nvim"
  "emacs-28-terminal-screenshots|bash $HERE/terminal_screens.sh emacs"
  "vscode-code-server|bash $HERE/vscode/run.sh main"
  "vscode-code-server-venv|bash $HERE/vscode/run.sh venv"
  "vscode-code-server-bundled|bash $HERE/vscode/run.sh bundled"
  "vscode-code-server-missing-server|bash $HERE/vscode/run.sh missing"
)

if [ "${1:-}" = "--list" ]; then
  for entry in "${TESTS[@]}"; do printf '%s\t%s\n' "${entry%%|*}" "${entry#*|}"; done
  exit 0
fi
FILTER="${1:-}"

pass=0; fail=0; skip=0; failed=()
t_all=$(date +%s)
for entry in "${TESTS[@]}"; do
  name="${entry%%|*}"; command="${entry#*|}"
  [ -n "$FILTER" ] && [[ "$name" != *"$FILTER"* ]] && continue
  if [ -n "${SKIP_VSCODE:-}" ] && [[ "$name" = vscode-code-server* ]]; then
    echo "=== $name: skipped (SKIP_VSCODE=1)"; skip=$((skip + 1)); continue
  fi
  echo "=== $name: $command"
  t0=$(date +%s%N)
  if bash -c "$command"; then result=passed; pass=$((pass + 1)); else result=FAILED; fail=$((fail + 1)); failed+=("$name"); fi
  printf '=== %s: %s in %.1fs\n\n' "$name" "$result" "$(( $(date +%s%N) - t0 ))e-9"
done
echo "editor tests took $(( $(date +%s) - t_all ))s${failed[*]:+; failed: ${failed[*]}}"
if [ "$skip" -gt 0 ]; then echo "$pass passed, $fail failed, $skip skipped"; else echo "$pass passed, $fail failed"; fi
[ "$fail" -eq 0 ]
