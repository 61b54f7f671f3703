#!/usr/bin/env bash
# The READMEs' install snippet, run as written: editors/{nvim,emacs,vscode}/README.md each
# have the block tagged `install-pip` (the same text in all three), run in a fresh virtualenv,
# activated as the READMEs say, against a copy of this checkout's package sources standing
# for the user's clone (~/src/django-expert). Then `django-expert --version` must answer.
# (`pipx install ~/src/django-expert` is not run: pipx is in no package this installs.)
set -u
source "$(dirname "$0")/lib.sh"
new_run install-snippet
SNIPPETS=()
for editor in nvim emacs vscode; do
  SNIPPETS+=("$(python3 "$EDITORS_TESTS/readme_snippet.py" "$ROOT/editors/$editor/README.md" install-pip "$RUN/src/django-expert")") || { echo "FAIL no install-pip snippet in editors/$editor/README.md"; finish_run 1; }
done
[ "${SNIPPETS[0]}" = "${SNIPPETS[1]}" ] && [ "${SNIPPETS[0]}" = "${SNIPPETS[2]}" ] || { echo "FAIL the READMEs' install snippets differ"; finish_run 1; }
mkdir -p "$RUN/src/django-expert"
(cd "$ROOT" && tar --exclude=__pycache__ -cf - pyproject.toml README.md analyzers server memory) | tar -xf - -C "$RUN/src/django-expert"
python3 -m venv "$RUN/venv"
echo "snippet: ${SNIPPETS[0]}"
# shellcheck disable=SC1091
( source "$RUN/venv/bin/activate" && cd "$RUN" && bash -euc "${SNIPPETS[0]}" >"$RUN/pip.log" 2>&1 ) || { echo "FAIL the snippet failed:"; tail -20 "$RUN/pip.log"; finish_run 1; }
VERSION="$("$RUN/venv/bin/django-expert" --version 2>&1)"
if [[ "$VERSION" = "django-expert "* ]]; then echo "PASS installed as the READMEs say: $VERSION"; finish_run 0; fi
echo "FAIL django-expert --version answered: $VERSION"; finish_run 1
