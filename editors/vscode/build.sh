#!/usr/bin/env bash
# Build the Django Expert VS Code extension (a VSIX) from editors/vscode, with the npm
# registry and the Python package index only (npm ci; pip install --target).
#
#   editors/vscode/build.sh [OUT_DIR]      # default OUT_DIR: editors/vscode/dist
#   PYTHONS="python3.11 python3.12" editors/vscode/build.sh   # bundle for several interpreters
#
# The VSIX carries the server: this checkout of django-expert and its libraries, installed
# with `pip install --target bundled/libs/<SOABI>` by each interpreter of $PYTHONS (default
# python3; each >= 3.11). Some libraries (pydantic-core, libcst) are compiled, so a bundle
# serves the ABI and platform it was built on (cpython-311-x86_64-linux-gnu, ...); the
# extension runs `<python> -I bundled/tool/server.py lsp` with an interpreter of a bundled
# ABI when no installed server is found (editors/vscode/src/server.js).
#
# Prints the path of the VSIX on its last line. Install it with
#   code --install-extension OUT_DIR/django-expert-<version>.vsix
#
# The build runs in a temporary copy: node_modules never lands in the source tree. The
# VSIX keeps node_modules (no --no-dependencies): the extension require()s
# vscode-languageclient. Mermaid (a devDependency) ships as media/mermaid/mermaid.min.js. @vscode/vsce 3.9.x still runs on Node 20 (4.x needs Node 22).
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

cp -r "$HERE/package.json" "$HERE/package-lock.json" "$HERE/README.md" "$HERE/.vscodeignore" "$HERE/src" "$HERE/media" "$STAGE/"
mkdir -p "$STAGE/bundled/libs"
cp -r "$HERE/bundled/tool" "$STAGE/bundled/"
# a copy of the package's sources, so that the build writes nothing into the checkout
CHECKOUT="$STAGE/django-expert-src"
mkdir -p "$CHECKOUT"
(cd "$HERE/../.." && tar --exclude=__pycache__ -cf - pyproject.toml README.md analyzers server memory) | tar -xf - -C "$CHECKOUT"
for python in ${PYTHONS:-python3}; do
  TAG="$("$python" -c 'import sys, sysconfig; assert sys.version_info >= (3, 11), "django-expert needs Python 3.11+"; print(sysconfig.get_config_var("SOABI"))')"
  # a wheel of the checkout and its dependencies, no bytecode (the user's Python compiles
  # its own), no console scripts (bin/: they would name this machine's interpreter)
  PIP_DISABLE_PIP_VERSION_CHECK=1 "$python" -m pip install --quiet --no-compile --target "$STAGE/bundled/libs/$TAG" "$CHECKOUT" >"$LOG" 2>&1 ||
    { cat "$LOG" >&2; exit 1; }
  rm -rf "$STAGE/bundled/libs/$TAG/bin"
  find "$STAGE/bundled/libs/$TAG" -name __pycache__ -prune -exec rm -rf {} +
done
rm -rf "$CHECKOUT"
cd "$STAGE"
npm ci --no-audit --no-fund >/dev/null
# Mermaid for the Markdown preview (media/preview-mermaid.js draws the report's ER diagrams):
# the npm package's self-contained browser build and its licence go into the VSIX; its
# node_modules tree (~200 MB, a devDependency) does not. Nothing is fetched at run time.
mkdir -p media/mermaid
cp node_modules/mermaid/dist/mermaid.min.js media/mermaid/
cp node_modules/mermaid/LICENSE media/mermaid/LICENSE 2>/dev/null || true
node -p '"mermaid " + require("mermaid/package.json").version' >media/mermaid/VERSION
npm prune --omit=dev --no-audit --no-fund >/dev/null
VERSION="$(node -p 'require("./package.json").version')"
VSIX="$OUT/django-expert-$VERSION.vsix"
npx --yes "@vscode/vsce@$VSCE_VERSION" package --skip-license --allow-missing-repository -o "$VSIX" >"$LOG" 2>&1 ||
  { cat "$LOG" >&2; exit 1; }
# bundled/libs (thousands of files, which vsce would scan for secrets for minutes; .vscodeignore
# leaves them out) is added to the VSIX, a zip, in a fixed order with fixed timestamps
"${PYTHONS%% *}" - "$VSIX" "$STAGE/bundled/libs" <<'PY'
import os, shutil, sys, zipfile
vsix, libs = sys.argv[1], sys.argv[2]
files = sorted(os.path.join(d, f) for d, _, names in os.walk(libs) for f in names)
with zipfile.ZipFile(vsix) as packed:
    entries = [(info, packed.read(info)) for info in packed.infolist()]
with zipfile.ZipFile(vsix + ".tmp", "w", zipfile.ZIP_DEFLATED) as archive:
    for info, data in entries:
        if info.filename == "[Content_Types].xml":  # a content type for every file extension added
            types = data.decode()
            known = {part.split('"')[0].lower() for part in types.split('Extension="')[1:]}
            new = sorted({os.path.splitext(f)[1].lower() for f in files} - known - {""})
            data = types.replace("</Types>", "".join(
                f'<Default Extension="{e}" ContentType="application/octet-stream"/>' for e in new) + "</Types>").encode()
        archive.writestr(info, data)
    for name in files:
        info = zipfile.ZipInfo("extension/bundled/libs/" + os.path.relpath(name, libs).replace(os.sep, "/"), (1980, 1, 1, 0, 0, 0))
        info.external_attr = (os.stat(name).st_mode & 0o777) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        with open(name, "rb") as handle:
            archive.writestr(info, handle.read())
shutil.move(vsix + ".tmp", vsix)
PY
echo "$VSIX"
