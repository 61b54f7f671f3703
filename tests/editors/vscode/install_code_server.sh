#!/usr/bin/env bash
# Install code-server (VS Code in the browser; 4.100.3 = VS Code 1.100.3, the last release
# that runs on Node 20) from the npm registry only, into $DEST.
#
# A plain `npm install code-server` fails without access to GitHub: its postinstall runs
# `npm install` in lib/vscode, where @vscode/ripgrep's postinstall downloads rg from
# api.github.com, and the whole install rolls back. So: install with --ignore-scripts, seed
# @vscode/ripgrep/bin/rg with Debian's ripgrep (its postinstall exits 0 when bin/ exists),
# run the native builds (`npm rebuild`), then the symlink steps of code-server's
# postinstall.sh by hand.
#
# Needs (apt): build-essential python3 pkg-config libkrb5-dev libxkbfile-dev libsecret-1-dev
#              libx11-dev ripgrep
set -euo pipefail
DEST="${DEST:?DEST not set}"
VER="${CODE_SERVER_VERSION:-4.100.3}"
export npm_config_yes=true        # node-pty's install runs `npx node-gyp` (an npmrc may say yes=false)
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
export npm_config_jobs=max          # node-gyp: build the native modules on every core
export HOME="${HOME:-$DEST/home}"

mkdir -p "$DEST" && cd "$DEST"
LOG="$DEST/install.log"
: >"$LOG"
trap 'echo "install_code_server.sh failed; the end of $LOG:" >&2; tail -30 "$LOG" >&2' ERR
T0=$(date +%s)
mark() { echo "[install_code_server $(( $(date +%s) - T0 ))s] $*" >>"$LOG"; }
[ -f package.json ] || npm init -y >>"$LOG"
npm install --ignore-scripts "code-server@$VER" >>"$LOG" 2>&1
mark "code-server installed"
npm rebuild argon2 >>"$LOG" 2>&1     # the prebuilt download fails offline; builds from source
CS="$DEST/node_modules/code-server"
mark "argon2 built"
cd "$CS/lib/vscode"
npm install --omit=dev --ignore-scripts >>"$LOG" 2>&1
mark "lib/vscode installed"
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sfn "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
npm rebuild --foreground-scripts >>"$LOG" 2>&1
mark "lib/vscode rebuilt"
(cd extensions && npm install --omit=dev >>"$LOG" 2>&1)
mark "extensions installed"
# the rest of code-server's postinstall.sh
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sfn code-linux.sh code-server)
(cd bin/helpers && ln -sfn browser-linux.sh browser.sh)
HOME="$DEST/home" "$DEST/node_modules/.bin/code-server" --version | head -1
touch "$DEST/.installed-$VER"
