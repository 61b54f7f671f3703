# Sourced by the editor test scripts: paths, a scratch run directory with HOME/XDG_*
# redirected, a fresh copy of the shop workspace, and README snippets.
# shellcheck shell=bash

EDITORS_TESTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$EDITORS_TESTS/../.." && pwd)"
STATE="${DJANGO_EXPERT_EDITORS_DIR:-/tmp/django-expert-editors}"
# The language server under test: the repository's venv (tests/run.sh makes it).
SERVER_VENV="${DJANGO_EXPERT_VENV:-$ROOT/.venv}"
ARTIFACTS="${CI_ARTIFACTS_DIR:-$EDITORS_TESTS/artifacts}"
NVIM011="$STATE/nvim011/bin/nvim"
CODE_SERVER="$STATE/code-server/node_modules/.bin/code-server"
PLAYWRIGHT_DIR="$STATE/playwright/node_modules"
VSIX_DIR="$STATE/vsix"

# new_run NAME -> sets RUN (a fresh directory) and points HOME/XDG_* into it: editors write
# their state, logs and caches under $HOME even for --version.
new_run() {
  RUN="$STATE/runs/$1-$$-$(date +%s%N | tail -c 7)"
  rm -rf "$RUN"
  mkdir -p "$RUN/home"
  export HOME="$RUN/home" XDG_CONFIG_HOME="$RUN/home/.config" XDG_DATA_HOME="$RUN/home/.local/share" \
         XDG_STATE_HOME="$RUN/home/.local/state" XDG_CACHE_HOME="$RUN/home/.cache"
  export PYTHONDONTWRITEBYTECODE=1
}

# finish_run STATUS -> exit with STATUS; the run directory is removed after a pass (kept after a
# failure, for its logs, or always with KEEP_RUNS=1)
finish_run() {
  if [ "$1" -eq 0 ] && [ -z "${KEEP_RUNS:-}" ] && [ -n "${RUN:-}" ]; then rm -rf "$RUN"; fi
  exit "$1"
}

# copy_workspace DEST -> a fresh copy of tests/workspaces/shop (the repository's copy is never written),
# every rule selected: the editors' checks use its pedantic findings (DJE201, DJE202, DJE301)
copy_workspace() {
  rm -rf "$1"
  mkdir -p "$(dirname "$1")"
  cp -r "$ROOT/tests/workspaces/shop" "$1"
  find "$1" \( -name __pycache__ -o -name db.sqlite3 -o -name .django-expert -o -name claudedocs \) -prune -exec rm -rf {} + 2>/dev/null || true
  printf '[tool.django-expert]\nselect = ["ALL"]\n' > "$1/pyproject.toml"
}

# add_broken_template WORKSPACE -> catalog/templates/catalog/broken.html, whose {% url %} names no
# route: the server reports DJE109 on line 3 (the editors attach templates too)
add_broken_template() {
  cat >"$1/catalog/templates/catalog/broken.html" <<'HTML'
{% extends "base.html" %}
{% block content %}
<a href="{% url 'catalog:no-such-view' %}">x</a>
{% endblock %}
HTML
}

# path_without_server -> $PATH without the folders that hold a django-expert
path_without_server() {
  local out="" dir
  while IFS= read -r dir; do
    [ -n "$dir" ] && [ ! -x "$dir/django-expert" ] && out="$out$dir:"
  done < <(tr ':' '\n' <<<"$PATH")
  printf '%s' "${out%:}"
}

# activate_server_venv -> what `source .venv/bin/activate` does (django-expert on PATH)
activate_server_venv() {
  export VIRTUAL_ENV="$SERVER_VENV"
  export PATH="$SERVER_VENV/bin:$PATH"
}

# readme_snippet README TAG -> the code block after `<!-- test: TAG -->`, with the README's
# example checkout path (~/src/django-expert) replaced by this checkout.
readme_snippet() {
  python3 "$EDITORS_TESTS/readme_snippet.py" "$1" "$2" "$ROOT"
}

require_server() {
  if [ ! -x "$SERVER_VENV/bin/django-expert" ]; then
    echo "FAIL the language server is not installed: $SERVER_VENV/bin/django-expert (run tests/editors/setup.sh or tests/run.sh)"
    exit 1
  fi
}

# explain_cache_miss -> after a second start that read nothing from the cache: say so when the
# first and second start wrote different cache files. The cache's name holds a digest of the
# analyzer code, so an edit of analyzers/ in this checkout while the test ran (another
# session at work) makes the miss right; run the test again on a quiet tree.
explain_cache_miss() {
  local caches
  caches="$(find "$XDG_CACHE_HOME/django-expert" -name 'facts-*.pickle' 2>/dev/null | sed 's|.*/||' | sort)"
  if [ "$(printf '%s\n' "$caches" | grep -c .)" -gt 1 ]; then
    echo "NOTE the two starts wrote different facts caches ($(echo $caches)): the analyzer code changed" \
         "between them (its digest is in the name), so the miss is right; run again on a quiet checkout"
  fi
}
