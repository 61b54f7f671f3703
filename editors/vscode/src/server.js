'use strict';
// Where the django-expert language server is, in this order:
//   1. the `django-expert.serverPath` setting;
//   2. `$VIRTUAL_ENV/bin/django-expert`: the virtualenv the user activated before starting VS Code;
//   3. the workspace's `.venv`/`venv` — only with `django-expert.useWorkspaceEnvironment`;
//   4. the interpreter the Python extension selected (the `django-expert` beside it, or
//      `<python> -I -m django_expert.server.cli lsp`);
//   5. `django-expert` on PATH;
//   6. the server bundled in the VSIX (bundled/libs), run as `<python> -I bundled/tool/server.py lsp`
//      with an interpreter >= 3.11 whose ABI the bundled libraries were built for.
// Each candidate's `--version` is asked; one older than MINIMUM_VERSION is refused (and said so).
//
// An opened repository must not choose what runs: a program or interpreter inside the
// workspace folder (a `.venv` the repository ships) is used only when the user set
// `django-expert.useWorkspaceEnvironment` (a machine setting: a workspace cannot set it),
// and `-I` keeps the workspace folder off the server's sys.path. `$VIRTUAL_ENV` is the
// user's own choice (they activated it), wherever it lies.
//
// No `vscode` import here, so tests can run this module in plain Node.

const fs = require('fs');
const os = require('os');
const path = require('path');
const cp = require('child_process');

const WINDOWS = process.platform === 'win32';
const BIN = WINDOWS ? 'Scripts' : 'bin';
const EXECUTABLE = WINDOWS ? 'django-expert.exe' : 'django-expert';
const PYTHONS = WINDOWS ? ['python.exe', 'py.exe'] : ['python3', 'python'];
const MODULE = 'django_expert.server.cli';
// the oldest server this extension speaks to (package.json's djangoExpert.minimumServerVersion)
const MINIMUM_VERSION = require('../package.json').djangoExpert.minimumServerVersion;
const MINIMUM_PYTHON = [3, 11];
// -I (isolated): no working folder or PYTHONPATH on sys.path, in the probe as in the launch
const ISOLATED = ['-I'];
const PROBE = `import importlib.util, sys; sys.exit(0 if importlib.util.find_spec(${JSON.stringify(MODULE)}) else 3)`;
// the interpreter's version and the ABI tag of its extension modules (what bundled/libs/<tag> is built for)
const PYTHON_PROBE = 'import sys, sysconfig; print(sys.version_info[0], sys.version_info[1], sysconfig.get_config_var("SOABI") or "")';
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

function run(command, args, env) {
  try {
    return cp.spawnSync(command, args, { env, timeout: PROBE_TIMEOUT_MS, encoding: 'utf8', windowsHide: true, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    return { status: null, error };
  }
}

/** Whether `python` (a command: [program, ...args]) can import django-expert's CLI. */
function hasModule(pythonCommand, env = process.env) {
  const [program, ...args] = pythonCommand;
  return run(program, [...args, ...ISOLATED, '-c', PROBE], env).status === 0;
}

/** {major, minor, soabi} of an interpreter command, or undefined when it does not run. */
function pythonInfo(pythonCommand, env = process.env) {
  const [program, ...args] = pythonCommand;
  const result = run(program, [...args, ...ISOLATED, '-c', PYTHON_PROBE], env);
  const match = result.status === 0 && /^(\d+) (\d+) (\S*)/.exec(result.stdout || '');
  return match ? { major: Number(match[1]), minor: Number(match[2]), soabi: match[3] } : undefined;
}

/** The version a server command prints for `--version` ("django-expert 0.1.0"), or undefined. */
function serverVersion(command, args, env = process.env) {
  const result = run(command, [...args.slice(0, -1), '--version'], env); // args end with 'lsp'
  const match = result.status === 0 && /django-expert\s+(\S+)/.exec(result.stdout || '');
  return match ? match[1] : undefined;
}

/** -1, 0, 1 comparing dotted versions by their numbers ("0.10.0" > "0.9.1"; "1.0.0rc1" ~ "1.0.0"). */
function compareVersions(a, b) {
  const parts = (v) => String(v).split('.').map((p) => parseInt(p, 10) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if ((x[i] || 0) !== (y[i] || 0)) return (x[i] || 0) < (y[i] || 0) ? -1 : 1;
  }
  return 0;
}

/** Whether `file` lies inside `folder` (the folder itself included). */
function isInside(file, folder) {
  if (!file || !folder) return false;
  const relative = path.relative(path.resolve(folder), path.resolve(file));
  return !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** The ABI tags bundled/libs holds ("cpython-311-x86_64-linux-gnu", ...), from bundled/libs/<tag>/. */
function bundledTags(bundledDir) {
  try {
    return fs.readdirSync(path.join(bundledDir, 'libs')).filter((name) => fs.existsSync(path.join(bundledDir, 'libs', name, 'django_expert')));
  } catch {
    return [];
  }
}

/**
 * The candidates of steps 1-5, lazily: each yields {command, args, source} or records in
 * `tried` why it was passed over. `error` is set when the serverPath setting itself is wrong.
 */
function* installedCandidates({ serverPath, python, workspaceFolder, useWorkspaceEnvironment, env }, tried) {
  if (serverPath && String(serverPath).trim()) {
    const file = expandPath(serverPath, workspaceFolder, env);
    if (isExecutableFile(file)) yield { command: file, args: ['lsp'], source: 'django-expert.serverPath' };
    else yield { error: `django-expert.serverPath points to ${file}, which is not an executable file` };
    return;
  }
  tried.push('django-expert.serverPath (not set)');
  if (env.VIRTUAL_ENV) {
    const file = path.join(env.VIRTUAL_ENV, BIN, EXECUTABLE);
    if (isExecutableFile(file)) yield { command: file, args: ['lsp'], source: `the activated virtualenv $VIRTUAL_ENV=${env.VIRTUAL_ENV}` };
    else tried.push(`$VIRTUAL_ENV/${BIN}/${EXECUTABLE} (${file}: not installed there)`);
  } else {
    tried.push('$VIRTUAL_ENV (no virtualenv activated when VS Code started)');
  }
  for (const name of ['.venv', 'venv']) {
    const file = workspaceFolder && path.join(workspaceFolder, name, BIN, EXECUTABLE);
    if (!file || !isExecutableFile(file)) continue;
    if (useWorkspaceEnvironment) yield { command: file, args: ['lsp'], source: `the workspace's ${name}` };
    else tried.push(`${file} (inside the workspace: set django-expert.useWorkspaceEnvironment in your user settings to use it)`);
  }
  if (python && python.length && !useWorkspaceEnvironment && isInside(python[0], workspaceFolder)) {
    tried.push(`the selected interpreter ${python[0]} (inside the workspace: set django-expert.useWorkspaceEnvironment in your user settings to use it)`);
  } else if (python && python.length) {
    const sibling = python.length === 1 && path.join(path.dirname(python[0]), EXECUTABLE);
    if (sibling && isExecutableFile(sibling)) {
      yield { command: sibling, args: ['lsp'], source: `the selected interpreter ${python[0]}` };
    } else if (hasModule(python, env)) {
      yield { command: python[0], args: [...python.slice(1), ...ISOLATED, '-m', MODULE, 'lsp'], source: `the selected interpreter ${python.join(' ')}` };
    } else {
      tried.push(`the Python extension's interpreter ${python.join(' ')} (django-expert is not installed in it)`);
    }
  } else {
    tried.push('the Python extension (not installed, or no interpreter selected)');
  }
  const onPath = findOnPath(EXECUTABLE, env);
  if (onPath) yield { command: onPath, args: ['lsp'], source: 'PATH' };
  else tried.push(`${EXECUTABLE} on PATH (not found)`);
}

/** The bundled server with the first usable interpreter (step 6), or undefined (reasons in `tried`). */
function bundledServer({ bundledDir, python, workspaceFolder, useWorkspaceEnvironment, env }, tried) {
  const script = bundledDir && path.join(bundledDir, 'tool', 'server.py');
  const tags = bundledDir ? bundledTags(bundledDir) : [];
  if (!script || !fs.existsSync(script) || !tags.length) {
    tried.push('the bundled server (this build of the extension has none)');
    return undefined;
  }
  const interpreters = [];
  if (python && python.length && (useWorkspaceEnvironment || !isInside(python[0], workspaceFolder))) interpreters.push(python);
  if (env.VIRTUAL_ENV) interpreters.push([path.join(env.VIRTUAL_ENV, BIN, WINDOWS ? 'python.exe' : 'python')]);
  for (const name of PYTHONS) {
    const file = findOnPath(name, env);
    if (file && (useWorkspaceEnvironment || !isInside(file, workspaceFolder))) interpreters.push([file]);
  }
  const seen = new Set();
  for (const interpreter of interpreters) {
    const key = interpreter.join(' ');
    if (seen.has(key)) continue;
    seen.add(key);
    const info = pythonInfo(interpreter, env);
    if (!info) continue;
    const version = `${info.major}.${info.minor}`;
    if (info.major < MINIMUM_PYTHON[0] || (info.major === MINIMUM_PYTHON[0] && info.minor < MINIMUM_PYTHON[1])) {
      tried.push(`the bundled server with ${key} (Python ${version}; it needs ${MINIMUM_PYTHON.join('.')} or later)`);
    } else if (!tags.includes(info.soabi)) {
      tried.push(`the bundled server with ${key} (Python ${version}, ${info.soabi}; this VSIX bundles libraries for ${tags.join(', ')})`);
    } else {
      return { command: interpreter[0], args: [...interpreter.slice(1), ...ISOLATED, script, 'lsp'], source: `the bundled server, run by ${key} (Python ${version})`, bundled: true };
    }
  }
  if (!seen.size) tried.push(`the bundled server (no Python interpreter: neither selected nor ${PYTHONS.join(' nor ')} on PATH)`);
  return undefined;
}

/**
 * Resolve the server command.
 *   serverPath:    the setting (may be empty)
 *   python:        the Python extension's interpreter as a command array ([python] or
 *                  ['conda', 'run', '-n', 'env', 'python']), or undefined
 *   workspaceFolder, env: for ${workspaceFolder}, the workspace venvs, VIRTUAL_ENV and PATH
 *   useWorkspaceEnvironment: the user's consent to a program inside the workspace
 *   bundledDir:    the extension's bundled/ folder (undefined: no bundled server)
 *   useBundled:    skip steps 1-5 (django-expert.importStrategy = useBundled)
 *   minimumVersion: default MINIMUM_VERSION
 * Returns {command, args, source, version, tried, refused}; command undefined when nothing
 * usable was found, then `error` is set when the setting itself is wrong. `refused` lists
 * the servers passed over for being too old.
 */
function resolveServer({ serverPath, python, workspaceFolder, useWorkspaceEnvironment = false, env = process.env,
  bundledDir, useBundled = false, minimumVersion = MINIMUM_VERSION }) {
  const tried = [];
  const refused = [];
  const options = { serverPath, python, workspaceFolder, useWorkspaceEnvironment, env, bundledDir };
  const candidates = useBundled ? [] : installedCandidates(options, tried);
  if (useBundled) tried.push('django-expert.importStrategy = useBundled: only the bundled server');
  for (const candidate of candidates) {
    if (candidate.error) return { command: undefined, args: [], source: undefined, tried, refused, error: candidate.error };
    const version = serverVersion(candidate.command, candidate.args, env);
    if (version && compareVersions(version, minimumVersion) < 0) {
      const what = `django-expert ${version} from ${candidate.source} (${candidate.command})`;
      refused.push(`${what} is older than ${minimumVersion}, which this extension needs`);
      tried.push(`${what} (too old)`);
      continue;
    }
    return { ...candidate, version, tried, refused };
  }
  const bundled = bundledServer(options, tried);
  if (bundled) return { ...bundled, version: serverVersion(bundled.command, bundled.args, env), tried, refused };
  return { command: undefined, args: [], source: undefined, tried, refused };
}

module.exports = {
  resolveServer, findOnPath, expandPath, hasModule, pythonInfo, serverVersion, compareVersions, isExecutableFile, isInside,
  bundledTags, MODULE, EXECUTABLE, MINIMUM_VERSION,
};
