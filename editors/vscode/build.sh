#!/usr/bin/env bash
# Build the Django Expert VS Code extension (a VSIX) from editors/vscode, with the npm
# registry only.
#
#   editors/vscode/build.sh [OUT_DIR]      # default OUT_DIR: editors/vscode/dist
#
# Prints the path of the VSIX on its last line. Install it with
#   code --install-extension OUT_DIR/django-expert-<version>.vsix
#
# The build runs in a temporary copy: node_modules never lands in the source tree. The
# VSIX keeps node_modules (no --no-dependencies): the extension require()s
# vscode-languageclient. @vscode/vsce 3.9.x still runs on Node 20 (4.x needs Node 22).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="${1:-$HERE/dist}"
VSCE_VERSION=3.9.2
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
STAGE="$(mktemp -d "${TMPDIR:-/tmp}/django-expert-vsix.XXXXXX")"
LOG="$(mktemp "${TMPDIR:-/tmp}/django-expert-vsce.XXXXXX")"
trap 'rm -rf "$STAGE" "$LOG"' EXIT
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

cp -r "$HERE/package.json" "$HERE/package-lock.json" "$HERE/README.md" "$HERE/.vscodeignore" "$HERE/src" "$STAGE/"
cd "$STAGE"
npm ci --omit=dev --no-audit --no-fund >/dev/null
VERSION="$(node -p 'require("./package.json").version')"
VSIX="$OUT/django-expert-$VERSION.vsix"
npx --yes "@vscode/vsce@$VSCE_VERSION" package --skip-license --allow-missing-repository -o "$VSIX" >"$LOG" 2>&1 ||
  { cat "$LOG" >&2; exit 1; }
echo "$VSIX"
