#!/usr/bin/env bash
# Usage: tests/editors/nvim/run.sh NVIM MODE
#   NVIM: nvim (Debian, 0.7) or $DJANGO_EXPERT_EDITORS_DIR/nvim011/bin/nvim (0.11)
#   MODE: the editors/nvim/README.md snippet used as init.lua:
#         enable    vim.lsp.enable('django_expert')               (Neovim >= 0.11)
#         setup     require('django_expert').setup({})            (any version)
#         lspconfig require('lspconfig').django_expert.setup({})  (nvim-lspconfig's configs API;
#                   nvim-lspconfig is not in any registry this runs from, so a stand-in that
#                   implements that API is put on the runtimepath: stub/lua/lspconfig)
#         missing   no server anywhere (no virtualenv, nothing on PATH), with the `enable`
#                   snippet (0.11) or `setup` (0.7): test_missing.lua
# Exit status: the test's (0 passed, 1 failed, 2 error).
set -u
source "$(dirname "$0")/../lib.sh"
NVIM="${1:?usage: run.sh NVIM MODE}"
MODE="${2:?usage: run.sh NVIM MODE}"
require_server
command -v "$NVIM" >/dev/null || { echo "FAIL $NVIM not found (run tests/editors/setup.sh)"; exit 1; }
new_run "nvim-$MODE"
copy_workspace "$RUN/shop"
add_broken_template "$RUN/shop"
TEST="$EDITORS_TESTS/nvim/test_nvim.lua"
SNIPPET="nvim-$MODE"
if [ "$MODE" = missing ]; then
  TEST="$EDITORS_TESTS/nvim/test_missing.lua"
  SNIPPET=nvim-setup
  "$NVIM" --headless -u NONE -i NONE -n -c 'lua io.stdout:write(vim.fn.has("nvim-0.11"))' -c 'qall!' 2>/dev/null | grep -q 1 && SNIPPET=nvim-enable
  unset VIRTUAL_ENV
  export PATH="$(path_without_server)"
else
  activate_server_venv
fi

{
  if [ "$MODE" = lspconfig ]; then
    echo "vim.opt.runtimepath:append('$EDITORS_TESTS/nvim/stub')"
  fi
  readme_snippet "$ROOT/editors/nvim/README.md" "$SNIPPET" || exit 2
  # the README's settings example for this way of enabling the server (ignore DJE202)
  case "$MODE" in
    enable) readme_snippet "$ROOT/editors/nvim/README.md" nvim-settings || exit 2 ;;
    setup) readme_snippet "$ROOT/editors/nvim/README.md" nvim-setup-settings || exit 2 ;;
  esac
} >"$RUN/init.lua"
case "$MODE" in enable|setup) export DJE_IGNORED=DJE202 ;; *) unset DJE_IGNORED ;; esac
echo "init.lua:"; sed 's/^/  /' "$RUN/init.lua"

export DJE_WS="$RUN/shop"
# text "screenshots" of the key moments (test_nvim.lua), named by version and mode
mkdir -p "$ARTIFACTS"
export DJE_ARTIFACTS="$ARTIFACTS" DJE_SCREEN_TAG="$("$NVIM" --headless -u NONE -i NONE -n -c 'lua io.stdout:write(vim.version().major .. "." .. vim.version().minor)' -c 'qall!' 2>/dev/null)-$MODE"
cd "$RUN/shop" || exit 2
# hard outer timeout so a hung editor never blocks CI
timeout -k 10 240 "$NVIM" --headless -i NONE -n -u "$RUN/init.lua" -c "luafile $TEST" </dev/null
rc=$?
if [ "$rc" = 0 ] && [ "$MODE" = enable ]; then
  # a second start in the same home: the facts cache the first one saved after indexing
  CACHE="$(find "$XDG_CACHE_HOME/django-expert" -type f 2>/dev/null | head -1)"
  if [ -n "$CACHE" ]; then echo "PASS the facts cache exists after the first start: $CACHE ($(stat -c %s "$CACHE") bytes)"
  else echo "FAIL no facts cache under $XDG_CACHE_HOME/django-expert after the first start"; rc=1; fi
  LEFT="$(find "$XDG_CACHE_HOME/django-expert" -type f -name '*.tmp*' 2>/dev/null)"
  [ -z "$LEFT" ] || { echo "FAIL temporary files left in the cache folder: $LEFT"; rc=1; }
  DJE_SECOND=1 timeout -k 10 120 "$NVIM" --headless -i NONE -n -u "$RUN/init.lua" -c "luafile $EDITORS_TESTS/nvim/second_start.lua" </dev/null ||
    { rc=1; explain_cache_miss; }
fi
echo "nvim exit status $rc; logs: $RUN/home/.local/state/nvim/lsp.log (0.11), $RUN/home/.cache/nvim/lsp.log (0.7)"
finish_run $rc
