'use strict';
// Where the django-expert language server is: the `django-expert.serverPath` setting, else
// the interpreter the Python extension selected (the `django-expert` beside it, or
// `<python> -I -m django_expert.server.cli lsp`), else `django-expert` on PATH.
//
// An opened repository must not choose what runs: an interpreter or script inside the
// workspace folder (a `.venv` the repository ships) is used only when the user set
// `django-expert.useWorkspaceEnvironment` (a machine setting: a workspace cannot set it),
// and `-I` keeps the workspace folder off the server's sys.path.
//
// No `vscode` import here, so tests can run this module in plain Node.

const fs = require('fs');
const os = require('os');
const path = require('path');
const cp = require('child_process');

const WINDOWS = process.platform === 'win32';
const EXECUTABLE = WINDOWS ? 'django-expert.exe' : 'django-expert';
const MODULE = 'django_expert.server.cli';
// -I (isolated): no working folder or PYTHONPATH on sys.path, in the probe as in the launch
const ISOLATED = ['-I'];
const PROBE = `import importlib.util, sys; sys.exit(0 if importlib.util.find_spec(${JSON.stringify(MODULE)}) else 3)`;
const PROBE_TIMEOUT_MS = 20000;

function isExecutableFile(file) {
  try {
    if (!fs.statSync(file).isFile()) return false;
    if (!WINDOWS) fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `~`, `${workspaceFolder}` and `${env:NAME}` expanded, made absolute against the folder. */
function expandPath(value, workspaceFolder, env = process.env) {
  let out = String(value).trim();
  if (out === '~' || out.startsWith('~/') || out.startsWith('~\\')) out = os.homedir() + out.slice(1);
  out = out.replace(/\$\{workspaceFolder\}/g, workspaceFolder || '');
  out = out.replace(/\$\{env:([^}]+)\}/g, (_, name) => env[name] || '');
  if (!path.isAbsolute(out) && workspaceFolder) out = path.resolve(workspaceFolder, out);
  return out;
}

/** The first `name` on the PATH, or undefined. */
function findOnPath(name, env = process.env) {
  const dirs = (env.PATH || env.Path || '').split(path.delimiter).filter(Boolean);
  for (const dir of dirs) {
    const file = path.join(dir, name);
    if (isExecutableFile(file)) return file;
  }
  return undefined;
}

/** Whether `python` (a command: [program, ...args]) can import django-expert's CLI. */
function hasModule(pythonCommand, env = process.env) {
  const [program, ...args] = pythonCommand;
  try {
    const result = cp.spawnSync(program, [...args, ...ISOLATED, '-c', PROBE], { env, timeout: PROBE_TIMEOUT_MS, stdio: 'ignore', windowsHide: true });
    return result.status === 0;
  } catch {
    return false;
  }
}

/** Whether `file` lies inside `folder` (the folder itself included). */
function isInside(file, folder) {
  if (!file || !folder) return false;
  const relative = path.relative(path.resolve(folder), path.resolve(file));
  return !relative.startsWith('..') && !path.isAbsolute(relative);
}

/**
 * Resolve the server command.
 *   serverPath:    the setting (may be empty)
 *   python:        the Python extension's interpreter as a command array ([python] or
 *                  ['conda', 'run', '-n', 'env', 'python']), or undefined
 *   workspaceFolder, env: for ${workspaceFolder} and the PATH
 *   useWorkspaceEnvironment: the user's consent to an interpreter inside the workspace
 * Returns {command, args, source, tried} — command undefined when nothing was found; then
 * `error` is set when the setting itself is wrong.
 */
function resolveServer({ serverPath, python, workspaceFolder, useWorkspaceEnvironment = false, env = process.env }) {
  const tried = [];
  if (serverPath && String(serverPath).trim()) {
    const file = expandPath(serverPath, workspaceFolder, env);
    if (isExecutableFile(file)) return { command: file, args: ['lsp'], source: 'django-expert.serverPath', tried };
    tried.push(`django-expert.serverPath = ${file} (not an executable file)`);
    return { command: undefined, args: [], source: undefined, tried, error: `django-expert.serverPath points to ${file}, which is not an executable file` };
  }
  tried.push('django-expert.serverPath (not set)');
  if (python && python.length && !useWorkspaceEnvironment && isInside(python[0], workspaceFolder)) {
    tried.push(`the selected interpreter ${python[0]} (inside the workspace: set django-expert.useWorkspaceEnvironment in your user settings to use it)`);
  } else if (python && python.length) {
    if (python.length === 1) {
      const sibling = path.join(path.dirname(python[0]), EXECUTABLE);
      if (isExecutableFile(sibling)) return { command: sibling, args: ['lsp'], source: `the selected interpreter ${python[0]}`, tried };
    }
    if (hasModule(python, env)) {
      return { command: python[0], args: [...python.slice(1), ...ISOLATED, '-m', MODULE, 'lsp'], source: `the selected interpreter ${python.join(' ')}`, tried };
    }
    tried.push(`the Python extension's interpreter ${python.join(' ')} (django-expert is not installed in it)`);
  } else {
    tried.push('the Python extension (not installed, or no interpreter selected)');
  }
  const onPath = findOnPath(EXECUTABLE, env);
  if (onPath) return { command: onPath, args: ['lsp'], source: 'PATH', tried };
  tried.push(`${EXECUTABLE} on PATH (not found)`);
  return { command: undefined, args: [], source: undefined, tried };
}

module.exports = { resolveServer, findOnPath, expandPath, hasModule, isExecutableFile, isInside, MODULE, EXECUTABLE };
