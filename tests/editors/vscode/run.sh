#!/usr/bin/env bash
# Usage: tests/editors/vscode/run.sh [main|venv|bundled|missing] -- VS Code (code-server 4.100.3
# = VS Code 1.100.3) in headless Chromium, with the VSIX built from editors/vscode, against a
# copy of tests/workspaces/shop (see drive.mjs for the checks). django-expert is never on PATH.
#   main:    the server is found through the Python extension's selected interpreter (a test
#            double of ms-python.python reports the repository's .venv/bin/python); the whole
#            flow (diagnostics, quick fix, settings, engagement, decision).
#   venv:    code-server started from an activated virtualenv ($VIRTUAL_ENV set, its bin/ not
#            on PATH), no Python extension: the server comes from $VIRTUAL_ENV; a Python file
#            and a template get their diagnostics.
#   bundled: no server installed anywhere, no Python extension: the server bundled in the
#            VSIX runs with python3 from PATH; the same checks.
#   missing: not even a Python on PATH: the "not installed" notification.
# Screenshots go to $CI_ARTIFACTS_DIR or tests/editors/artifacts/. Exit status: the test's.
set -u
source "$(dirname "$0")/../lib.sh"
SCENARIO="${1:-main}"
require_server
for need in "$CODE_SERVER" "$PLAYWRIGHT_DIR/playwright-core/package.json" /usr/lib/chromium/chromium; do
  [ -e "$need" ] || { echo "FAIL $need is missing (run tests/editors/setup.sh)"; exit 1; }
done
bash "$EDITORS_TESTS/vscode/build_vsix.sh" || { echo "FAIL building the VSIX"; exit 1; }
new_run "vscode-$SCENARIO"
copy_workspace "$RUN/shop"
mkdir -p "$RUN/data/User" "$RUN/ext" "$RUN/shots" "$ARTIFACTS" "$RUN/shop/.vscode"
add_broken_template "$RUN/shop"
export DJE_TEST_PYTHON="$SERVER_VENV/bin/python" PW_DIR="$PLAYWRIGHT_DIR"
# django-expert must come from the interpreter (main), $VIRTUAL_ENV (venv), the VSIX (bundled),
# or from nowhere (missing): never from PATH
PATH="$(path_without_server)"
unset VIRTUAL_ENV
[ "$SCENARIO" = venv ] && export VIRTUAL_ENV="$SERVER_VENV"
# code-server's own PATH: for "missing", only node (code-server is a node script), no Python
CS_PATH="$PATH"
if [ "$SCENARIO" = missing ]; then
  mkdir -p "$RUN/bin" && ln -s "$(command -v node)" "$RUN/bin/node" && CS_PATH="$RUN/bin"
fi
# the README's example settings, present from the start (sent as initializationOptions and
# answered to workspace/configuration); drive.mjs changes them later
readme_snippet "$ROOT/editors/vscode/README.md" vscode-settings >"$RUN/shop/.vscode/settings.json" || exit 2
cat >"$RUN/data/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.welcomePage.walkthroughs.openOnInstall": false,
  "security.workspace.trust.enabled": false,
  "extensions.autoUpdate": false,
  "extensions.autoCheckUpdates": false,
  "extensions.ignoreRecommendations": true,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "chat.disableAIFeatures": true,
  "files.autoSave": "off"
}
JSON
COMMON=(--user-data-dir "$RUN/data" --extensions-dir "$RUN/ext")
t0=$(date +%s)
VSIXES=("$VSIX_DIR/django-expert.vsix")
[ "$SCENARIO" = main ] && VSIXES=("$VSIX_DIR/fake-python.vsix" "${VSIXES[@]}")
for vsix in "${VSIXES[@]}"; do
  "$CODE_SERVER" "${COMMON[@]}" --install-extension "$vsix" 2>&1 | grep -v '^\[' | tail -1
done
"$CODE_SERVER" "${COMMON[@]}" --list-extensions --show-versions
PORT="${PORT:-$((20000 + $$ % 20000))}"
# its own process group, so that the cleanup takes code-server's children (extension host,
# file watcher, the language server) with it
# VSCODE_CLI=1: started from a terminal (as `code .` is), so the extension host keeps this
# environment instead of one resolved from a login shell (which would put PATH back)
setsid env PATH="$CS_PATH" VSCODE_CLI=1 "$CODE_SERVER" "${COMMON[@]}" --auth none --bind-addr "127.0.0.1:$PORT" --disable-telemetry \
  --disable-update-check --disable-workspace-trust --disable-getting-started-override --ignore-last-opened \
  "$RUN/shop" >"$RUN/code-server.log" 2>&1 &
CS_PID=$!
stop_code_server() { kill -- -"$CS_PID" 2>/dev/null; wait "$CS_PID" 2>/dev/null; }
trap stop_code_server EXIT
for _ in $(seq 1 150); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.2; done
echo "code-server (pid $CS_PID) on port $PORT"
timeout -k 10 300 node "$EDITORS_TESTS/vscode/drive.mjs" "http://127.0.0.1:$PORT" "$RUN/shop" "$RUN/shots" "$SCENARIO"
rc=$?
# The extension's output channel (a log file per LogOutputChannel) says which server started and where from.
LOG="$(grep -rl "starting django-expert" "$RUN/data/logs" 2>/dev/null | head -1)"
case "$SCENARIO" in
  main) WANT="(from the selected interpreter $DJE_TEST_PYTHON)" ;;
  venv) WANT="(from the activated virtualenv \$VIRTUAL_ENV=$SERVER_VENV)" ;;
  bundled) WANT="bundled/tool/server.py lsp (from the bundled server, run by " ;;
  *) WANT="" ;;
esac
if [ -z "$WANT" ]; then
  :
elif [ -n "$LOG" ] && grep -qF "$WANT" "$LOG"; then
  echo "PASS the output channel: $(grep -o 'starting django-expert.*' "$LOG" | head -1)"
  grep -o 'server running: .*' "$LOG" | head -1 | sed 's/^/  /'
else
  echo "FAIL the output channel does not say: $WANT (log: ${LOG:-none})"
  [ -n "$LOG" ] && sed 's/^/  /' "$LOG" | head -20
  rc=1
fi
cp "$RUN"/shots/*.png "$ARTIFACTS/" 2>/dev/null
echo "screenshots: $(cd "$ARTIFACTS" && ls vscode-*.png 2>/dev/null | sed "s|^|$ARTIFACTS/|" | tr '\n' ' ')"
echo "logs: $RUN/code-server.log, $RUN/data/logs/ (the Django Expert output channel)"
echo "vscode test ($SCENARIO): $(( $(date +%s) - t0 ))s, exit status $rc"
stop_code_server
finish_run $rc
