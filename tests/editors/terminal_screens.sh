#!/usr/bin/env bash
# Usage: tests/editors/terminal_screens.sh nvim|emacs -- real terminal screenshots: the editor
# runs interactively (not --headless/--batch) in a tmux pane, configured with its README's
# snippet, on a copy of tests/workspaces/shop; the pane is captured with `tmux capture-pane -e`
# at each key moment and rendered to PNG by term_screenshot.py (the system Chromium, offline).
#   nvim:  Neovim 0.11 (vim.lsp.enable): catalog/models.py line 34 with DJE201's sign, underline
#          and its diagnostic float; the code-action menu (vim.lsp.buf.code_action); the line
#          after picking "Remove null=True".
#   emacs: Emacs 28 + Eglot (-nw): Flymake's diagnostics of catalog/models.py; M-x
#          eglot-code-actions with its choices; the line after picking the default.
# Checks what the screen shows (the finding, the choices) and the edit (through --listen /
# emacsclient). Screenshots: $ARTIFACTS/<editor>-terminal-*.png (+ .ansi). Exit 0 passed, 1 failed.
set -u
source "$(dirname "$0")/lib.sh"
EDITOR_NAME="${1:?usage: terminal_screens.sh nvim|emacs}"
require_server
command -v tmux >/dev/null || { echo "FAIL tmux not found (run tests/editors/setup.sh)"; exit 1; }
[ -x /usr/lib/chromium/chromium ] || { echo "FAIL /usr/lib/chromium/chromium not found (run tests/editors/setup.sh)"; exit 1; }
new_run "screens-$EDITOR_NAME"
copy_workspace "$RUN/shop"
activate_server_venv
mkdir -p "$ARTIFACTS"
# a tmux server of our own (its socket in the run directory), never the user's
TMUX_SOCK="$RUN/tmux.sock"
tm() { tmux -S "$TMUX_SOCK" "$@"; }
failures=0
check() { if [ "$1" = 0 ]; then echo "PASS $2"; else echo "FAIL $2"; failures=$((failures + 1)); fi; }
cleanup() { tm kill-server 2>/dev/null; }
trap cleanup EXIT
shot() {  # shot NAME TITLE -> $ARTIFACTS/NAME.png; the screen's text in $SCREEN
  tm capture-pane -e -p -t dje >"$ARTIFACTS/$1.ansi"
  SCREEN="$(tm capture-pane -p -t dje)"
  python3 "$EDITORS_TESTS/term_screenshot.py" "$ARTIFACTS/$1.ansi" "$ARTIFACTS/$1.png" "$2" || failures=$((failures + 1))
}
wait_for() {  # wait_for SECONDS COMMAND... -> 0 once COMMAND succeeds
  local end=$(( $(date +%s) + $1 )); shift
  until "$@"; do [ "$(date +%s)" -ge "$end" ] && return 1; sleep 0.3; done
}
screen_has() { tm capture-pane -p -t dje | grep -qF -- "$1"; }
cd "$RUN/shop" || exit 2
COLS=150 ROWS=42

if [ "$EDITOR_NAME" = nvim ]; then
  NVIM="$NVIM011"
  [ -x "$NVIM" ] || { echo "FAIL $NVIM not found (run tests/editors/setup.sh)"; exit 1; }
  readme_snippet "$ROOT/editors/nvim/README.md" nvim-enable >"$RUN/init.lua" || exit 2
  SOCK="$RUN/nvim.sock"
  remote() { "$NVIM" --server "$SOCK" --remote-expr "$1" 2>/dev/null; }
  tm -f /dev/null new-session -d -s dje -x "$COLS" -y "$ROWS" \
    "env TERM=tmux-256color COLORTERM=truecolor $NVIM -u $RUN/init.lua -i NONE -n --listen $SOCK catalog/models.py"
  has_diagnostics() { [ "$(remote 'luaeval("#vim.diagnostic.get(0)")')" -gt 0 ] 2>/dev/null; }
  wait_for 60 has_diagnostics; check $? "Neovim 0.11 in a terminal: diagnostics of catalog/models.py"
  tm send-keys -t dje ":call cursor(34, 5)" Enter ":lua vim.diagnostic.open_float()" Enter
  wait_for 10 screen_has "null=True: it has two empty values"
  check $? "the diagnostic float shows DJE201 on line 34"
  shot nvim-0.11-terminal-diagnostics "Neovim 0.11.4 (tmux) - catalog/models.py: DJE201 sign, underline and float"
  tm send-keys -t dje Escape ":lua vim.lsp.buf.code_action()" Enter
  wait_for 15 screen_has "Remove null=True"; check $? "the code-action menu lists Remove null=True"
  shot nvim-0.11-terminal-quickfix "Neovim 0.11.4 (tmux) - vim.lsp.buf.code_action() on line 34"
  choice="$(tm capture-pane -p -t dje | grep -o '^ *[0-9]*: Remove null=True' | grep -o '[0-9]*' | head -1)"
  tm send-keys -t dje "${choice:-1}" Enter
  fixed() { [ "$(remote 'getline(34)')" = "    description = models.TextField()" ]; }
  wait_for 15 fixed; check $? "picking it edits line 34: $(remote 'getline(34)')"
  gone() { [ "$(remote 'luaeval("#vim.tbl_filter(function(d) return d.code == \"DJE201\" end, vim.diagnostic.get(0))")')" = 0 ]; }
  wait_for 15 gone; check $? "DJE201 is gone after the fix"
  shot nvim-0.11-terminal-after-fix "Neovim 0.11.4 (tmux) - after Remove null=True"
  remote 'execute("qall!")' >/dev/null
else
  command -v emacs >/dev/null || { echo "FAIL emacs not found (run tests/editors/setup.sh)"; exit 1; }
  readme_snippet "$ROOT/editors/emacs/README.md" emacs-init >"$RUN/init.el" || exit 2
  mkdir -p "$RUN/esock" && chmod 700 "$RUN/esock"
  remote() { emacsclient -s "$RUN/esock/server" --eval "$1" 2>/dev/null; }
  models="$RUN/shop/catalog/models.py"
  tm -f /dev/null new-session -d -s dje -x "$COLS" -y "$ROWS" \
    "env TERM=screen-256color emacs -nw -q --no-splash --eval '(progn (package-activate-all) (load \"$RUN/init.el\" nil t) (setq server-socket-dir \"$RUN/esock\") (server-start))' $models"
  in_models() { remote "(with-current-buffer (get-file-buffer \"$models\") $1)"; }
  has_diagnostics() { [ "$(in_models '(length (flymake-diagnostics))')" -gt 0 ] 2>/dev/null; }
  wait_for 60 has_diagnostics; check $? "Emacs 28 + Eglot in a terminal: Flymake diagnostics of catalog/models.py"
  remote "(progn (select-window (get-buffer-window (get-file-buffer \"$models\"))) (goto-char (point-min)) (forward-line 33) (forward-char 4) (flymake-show-buffer-diagnostics) (select-window (get-buffer-window (get-file-buffer \"$models\"))) (recenter 8))" >/dev/null
  wait_for 10 screen_has "null=True: it has two empty values"
  check $? "Flymake's diagnostics buffer lists DJE201"
  shot emacs-terminal-diagnostics "Emacs 28.2 + Eglot 1.9 (tmux, -nw) - catalog/models.py and M-x flymake-show-buffer-diagnostics"
  tm send-keys -t dje M-x
  sleep 0.3
  tm send-keys -t dje "eglot-code-actions" Enter
  wait_for 15 screen_has "Remove null=True"; tm send-keys -t dje Tab
  wait_for 10 screen_has "Ignore DJE201"; check $? "M-x eglot-code-actions offers the line's actions"
  shot emacs-terminal-quickfix "Emacs 28.2 + Eglot 1.9 (tmux, -nw) - M-x eglot-code-actions on line 34 (TAB lists the choices)"
  tm send-keys -t dje Enter   # empty input: the default, the preferred fix
  fixed() { [ "$(in_models '(save-excursion (goto-char (point-min)) (forward-line 33) (buffer-substring-no-properties (point) (line-end-position)))')" = '"    description = models.TextField()"' ]; }
  wait_for 15 fixed; check $? "picking the default edits line 34"
  gone() { [ "$(in_models '(length (seq-filter (lambda (d) (string-match-p "null=True" (flymake-diagnostic-text d))) (flymake-diagnostics)))')" = 0 ]; }
  wait_for 20 gone; check $? "DJE201 is gone after the fix"
  shot emacs-terminal-after-fix "Emacs 28.2 + Eglot 1.9 (tmux, -nw) - after Remove null=True"
  remote '(kill-emacs 0)' >/dev/null
fi
[ "$failures" = 0 ] || { echo "last screen:"; printf '%s\n' "${SCREEN:-}" | sed 's/^/  /'; }
echo "terminal screenshots ($EDITOR_NAME): $failures failed; $(ls "$ARTIFACTS"/"$EDITOR_NAME"*-terminal-*.png 2>/dev/null | tr '\n' ' ')"
cleanup
finish_run $(( failures > 0 ))
