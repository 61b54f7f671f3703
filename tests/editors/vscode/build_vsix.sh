#!/usr/bin/env bash
# Build the VSIX of editors/vscode (with editors/vscode/build.sh, bundling this checkout's
# server for the repository venv's interpreter) and the test double of the Python extension
# into $DJANGO_EXPERT_EDITORS_DIR/vsix. Skipped when the sources (the extension's and the
# server's) have not changed since the last build (a hash of them is kept next to the VSIX).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
mkdir -p "$VSIX_DIR" "$STATE/home"
# npm's cache under the state folder, the user's npm configuration still read (as setup.sh)
[ -f "${HOME:-/root}/.npmrc" ] && [ -z "${NPM_CONFIG_USERCONFIG:-}" ] && export NPM_CONFIG_USERCONFIG="${HOME:-/root}/.npmrc"
export HOME="$STATE/home" npm_config_loglevel=error
SOURCES=("$ROOT/editors/vscode/package.json" "$ROOT/editors/vscode/package-lock.json" "$ROOT/editors/vscode/README.md"
         "$ROOT/editors/vscode/.vscodeignore" "$ROOT/editors/vscode/build.sh" "$ROOT/editors/vscode/src" "$ROOT/editors/vscode/media"
         "$ROOT/editors/vscode/bundled/tool" "$EDITORS_TESTS/vscode/fake-python"
         "$ROOT/pyproject.toml" "$ROOT/analyzers" "$ROOT/server" "$ROOT/memory")
HASH="$(find "${SOURCES[@]}" -type f ! -path '*/__pycache__/*' -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
if [ -f "$VSIX_DIR/.hash" ] && [ "$(cat "$VSIX_DIR/.hash")" = "$HASH" ] &&
   [ -f "$VSIX_DIR/django-expert.vsix" ] && [ -f "$VSIX_DIR/fake-python.vsix" ]; then
  echo "VSIX up to date: $VSIX_DIR/django-expert.vsix"
  exit 0
fi
rm -f "$VSIX_DIR"/*.vsix "$VSIX_DIR/.hash"
BUILT="$(PYTHONS="$SERVER_VENV/bin/python" bash "$ROOT/editors/vscode/build.sh" "$VSIX_DIR" | tail -1)"
mv "$BUILT" "$VSIX_DIR/django-expert.vsix"
# The Python extension's double: a plain VSIX (a zip with extension/package.json).
python3 - "$EDITORS_TESTS/vscode/fake-python" "$VSIX_DIR/fake-python.vsix" <<'PY'
import pathlib, sys, zipfile
source, target = pathlib.Path(sys.argv[1]), sys.argv[2]
with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as vsix:
    for path in sorted(source.iterdir()):
        vsix.write(path, f"extension/{path.name}")
PY
echo "$HASH" >"$VSIX_DIR/.hash"
echo "built $VSIX_DIR/django-expert.vsix and $VSIX_DIR/fake-python.vsix"
