'use strict';
// The editor settings the server understands: the keys of [tool.django-expert], sent in
// kebab case. Only values the user set are sent (a default here would override the
// project's own pyproject.toml), and never the client-only keys (serverPath, trace).

const SECTION = 'django-expert';

/** setting name (after "django-expert.") -> key of [tool.django-expert] */
const SERVER_KEYS = {
  select: 'select',
  ignore: 'ignore',
  severity: 'severity',
  perFileIgnores: 'per-file-ignores',
  settingsModule: 'settings-module',
  productionSettings: 'production-settings',
  exclude: 'exclude',
  maxFileSize: 'max-file-size',
  memoryDir: 'memory-dir',
  contextBudget: 'context-budget',
  contextDir: 'context-dir',
};

/** The value the user set for one key (folder over workspace over user settings), or undefined. */
function explicitValue(inspected) {
  if (!inspected) return undefined;
  for (const value of [inspected.workspaceFolderValue, inspected.workspaceValue, inspected.globalValue]) {
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

/**
 * The server settings for a scope, from `inspect(name)` (a WorkspaceConfiguration's
 * inspect, bound to our section): {"select": [...], "settings-module": "..."}.
 */
function serverSettings(inspect) {
  const out = {};
  for (const [name, key] of Object.entries(SERVER_KEYS)) {
    const value = explicitValue(inspect(name));
    if (value !== undefined) out[key] = value;
  }
  return out;
}

module.exports = { SECTION, SERVER_KEYS, serverSettings, explicitValue };
