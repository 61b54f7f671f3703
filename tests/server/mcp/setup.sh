#!/usr/bin/env bash
# Install the MCP Inspector (npm, pinned) that tests/server/mcp/test_mcp_inspector.py drives in
# its CLI mode. Idempotent: a second run only re-checks. Without npm it does nothing (the test
# then skips, saying so).
#
#   bash tests/server/mcp/setup.sh      # into $DJANGO_EXPERT_MCP_DIR (default /tmp/django-expert-mcp)
set -euo pipefail
INSPECTOR_VERSION=2.12.0
STATE="${DJANGO_EXPERT_MCP_DIR:-/tmp/django-expert-mcp}"
if ! command -v npm >/dev/null; then
  echo "setup.sh: npm not found; the MCP Inspector test will be skipped" >&2
  exit 0
fi
PACKAGE="$STATE/node_modules/@modelcontextprotocol/inspector/package.json"
if [ -f "$PACKAGE" ] && grep -q "\"version\": \"$INSPECTOR_VERSION\"" "$PACKAGE"; then
  exit 0
fi
mkdir -p "$STATE"
REAL_HOME="${HOME:-/root}"
[ -f "$REAL_HOME/.npmrc" ] && export NPM_CONFIG_USERCONFIG="$REAL_HOME/.npmrc"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false npm_config_loglevel=error
export npm_config_cache="$STATE/.npm"
(cd "$STATE" && { [ -f package.json ] || npm init -y >/dev/null; } &&
   npm install -q "@modelcontextprotocol/inspector@$INSPECTOR_VERSION" >/dev/null)
echo "MCP Inspector $INSPECTOR_VERSION in $STATE"
