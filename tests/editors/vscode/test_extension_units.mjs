// Plain-Node tests of the VS Code extension's parts that do not need VS Code: where the
// server is found (editors/vscode/src/server.js: serverPath, $VIRTUAL_ENV, the workspace's
// venv on consent, the Python extension's interpreter, PATH, the bundled server; old
// versions refused) and which settings are sent (editors/vscode/src/settings.js).
//
//   node --test tests/editors/vscode/test_extension_units.mjs
// env: DJANGO_EXPERT_VENV (default: the repository's .venv)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const require = createRequire(import.meta.url);
const { resolveServer, expandPath, compareVersions, MODULE, MINIMUM_VERSION } = require(path.join(root, 'editors/vscode/src/server.js'));
const { serverSettings } = require(path.join(root, 'editors/vscode/src/settings.js'));
const venv = process.env.DJANGO_EXPERT_VENV || path.join(root, '.venv');
const venvPython = path.join(venv, 'bin', 'python');
const venvServer = path.join(venv, 'bin', 'django-expert');

function scratch() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'dje-ext-'));
}

function script(file, body) {
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`);
  fs.chmodSync(file, 0o755);
  return file;
}

const noPath = { PATH: '' };

test('the serverPath setting wins, with ${workspaceFolder} expanded', () => {
  const dir = scratch();
  script(path.join(dir, 'django-expert'), 'exit 0');
  const found = resolveServer({ serverPath: '${workspaceFolder}/django-expert', python: [venvPython], workspaceFolder: dir, env: noPath });
  assert.equal(found.command, path.join(dir, 'django-expert'));
  assert.deepEqual(found.args, ['lsp']);
  assert.equal(found.source, 'django-expert.serverPath');
});

test('a serverPath that is not executable is an error, not a silent fallback', () => {
  const found = resolveServer({ serverPath: '/nonexistent/django-expert', python: [venvPython], env: { PATH: path.dirname(venvServer) } });
  assert.equal(found.command, undefined);
  assert.match(found.error, /django-expert\.serverPath points to \/nonexistent\/django-expert/);
});

test('the django-expert next to the selected interpreter', () => {
  const found = resolveServer({ serverPath: '', python: [venvPython], env: noPath });
  assert.equal(found.command, venvServer);
  assert.deepEqual(found.args, ['lsp']);
  assert.match(found.source, /selected interpreter/);
});

test('<python> -I -m django_expert.server.cli lsp when nothing is next to the interpreter, and it runs', () => {
  const dir = scratch();
  const python = script(path.join(dir, 'python'), `exec "${venvPython}" "$@"`); // an interpreter in a folder without django-expert
  const found = resolveServer({ serverPath: '', python: [python], env: noPath });
  assert.equal(found.command, python);
  assert.deepEqual(found.args, ['-I', '-m', MODULE, 'lsp']);
  const run = spawnSync(found.command, [...found.args, '--help'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /usage: .*lsp/);
});

test('an interpreter inside the workspace (a repository .venv) is skipped unless the user opted in', () => {
  const workspace = scratch();
  fs.mkdirSync(path.join(workspace, '.venv', 'bin'), { recursive: true });
  const python = script(path.join(workspace, '.venv', 'bin', 'python'), `exec "${venvPython}" "$@"`);
  const planted = script(path.join(workspace, '.venv', 'bin', 'django-expert'), 'exit 0');
  const skipped = resolveServer({ serverPath: '', python: [python], workspaceFolder: workspace, env: { PATH: path.dirname(venvServer) } });
  assert.equal(skipped.command, venvServer);
  assert.equal(skipped.source, 'PATH');
  assert.match(skipped.tried.join('; '), /inside the workspace: set django-expert\.useWorkspaceEnvironment/);
  const chosen = resolveServer({ serverPath: '', python: [python], workspaceFolder: workspace, useWorkspaceEnvironment: true, env: noPath });
  assert.equal(chosen.command, planted);
});

test('the settings that choose the program cannot be set by a workspace', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'editors/vscode/package.json'), 'utf8'));
  const properties = manifest.contributes.configuration.properties;
  for (const key of ['django-expert.serverPath', 'django-expert.useWorkspaceEnvironment', 'django-expert.importStrategy']) {
    assert.equal(properties[key].scope, 'machine', key);
  }
});

test('an interpreter without django-expert falls back to PATH', () => {
  const dir = scratch();
  const python = script(path.join(dir, 'python'), 'exit 3'); // find_spec fails
  const found = resolveServer({ serverPath: '', python: [python], env: { PATH: path.dirname(venvServer) } });
  assert.equal(found.command, venvServer);
  assert.equal(found.source, 'PATH');
  assert.match(found.tried.join('; '), /django-expert is not installed in it/);
});

test('nothing found: no command, and what was tried', () => {
  const found = resolveServer({ serverPath: '', python: undefined, env: noPath });
  assert.equal(found.command, undefined);
  assert.equal(found.error, undefined);
  assert.equal(found.tried.length, 5);
  assert.match(found.tried.join('; '), /serverPath \(not set\).*VIRTUAL_ENV.*Python extension.*on PATH \(not found\).*bundled server \(this build of the extension has none\)/);
});

test('an activated virtualenv ($VIRTUAL_ENV) is found with nothing on PATH and no Python extension', () => {
  const found = resolveServer({ serverPath: '', python: undefined, env: { PATH: '', VIRTUAL_ENV: venv } });
  assert.equal(found.command, venvServer);
  assert.deepEqual(found.args, ['lsp']);
  assert.equal(found.source, `the activated virtualenv $VIRTUAL_ENV=${venv}`);
  assert.match(found.version, /^\d+\.\d+/);
});

test("the workspace's .venv is used only when the user opted in", () => {
  const workspace = scratch();
  fs.mkdirSync(path.join(workspace, '.venv', 'bin'), { recursive: true });
  const planted = script(path.join(workspace, '.venv', 'bin', 'django-expert'), 'echo "django-expert 9.9.9"');
  const skipped = resolveServer({ serverPath: '', workspaceFolder: workspace, env: noPath });
  assert.equal(skipped.command, undefined);
  assert.match(skipped.tried.join('; '), /\.venv\/bin\/django-expert \(inside the workspace: set django-expert\.useWorkspaceEnvironment/);
  const chosen = resolveServer({ serverPath: '', workspaceFolder: workspace, useWorkspaceEnvironment: true, env: noPath });
  assert.equal(chosen.command, planted);
  assert.equal(chosen.source, "the workspace's .venv");
  assert.equal(chosen.version, '9.9.9');
});

test('a server older than the extension expects is refused, with a message, and the search goes on', () => {
  const old = scratch();
  fs.mkdirSync(path.join(old, 'bin'));
  script(path.join(old, 'bin', 'django-expert'), 'echo "django-expert 0.0.1"');
  const found = resolveServer({ serverPath: '', env: { PATH: path.dirname(venvServer), VIRTUAL_ENV: old } });
  assert.equal(found.command, venvServer);
  assert.equal(found.source, 'PATH');
  assert.deepEqual(found.refused, [`django-expert 0.0.1 from the activated virtualenv $VIRTUAL_ENV=${old} (${path.join(old, 'bin', 'django-expert')}) is older than ${MINIMUM_VERSION}, which this extension needs`]);
  const alone = resolveServer({ serverPath: '', env: { PATH: '', VIRTUAL_ENV: old } });
  assert.equal(alone.command, undefined);
  assert.equal(alone.refused.length, 1);
});

test('versions compare by their numbers', () => {
  assert.equal(compareVersions('0.10.0', '0.9.1'), 1);
  assert.equal(compareVersions('0.1', '0.1.0'), 0);
  assert.equal(compareVersions('0.0.9', '0.1.0'), -1);
});

// A bundled/ folder as build.sh lays it out: tool/server.py and libs/<SOABI>/django_expert/.
function fakeBundle(tag) {
  const bundled = scratch();
  fs.mkdirSync(path.join(bundled, 'tool'));
  fs.copyFileSync(path.join(root, 'editors/vscode/bundled/tool/server.py'), path.join(bundled, 'tool', 'server.py'));
  fs.mkdirSync(path.join(bundled, 'libs', tag, 'django_expert'), { recursive: true });
  return bundled;
}
const soabi = spawnSync(venvPython, ['-c', 'import sysconfig; print(sysconfig.get_config_var("SOABI"))'], { encoding: 'utf8' }).stdout.trim();

test('nothing installed: the bundled server, run isolated (-I) by a Python >= 3.11 from PATH', () => {
  const bin = scratch();
  fs.symlinkSync(venvPython, path.join(bin, 'python3'));
  const bundled = fakeBundle(soabi);
  const found = resolveServer({ serverPath: '', env: { PATH: bin }, bundledDir: bundled });
  assert.equal(found.command, path.join(bin, 'python3'));
  assert.deepEqual(found.args, ['-I', path.join(bundled, 'tool', 'server.py'), 'lsp']);
  assert.equal(found.bundled, true);
  assert.match(found.source, /^the bundled server, run by .*python3 \(Python 3\.\d+\)$/);
  // importStrategy useBundled skips the installed servers
  const forced = resolveServer({ serverPath: '', env: { PATH: path.dirname(venvServer) }, bundledDir: bundled, useBundled: true });
  assert.equal(forced.bundled, true);
});

test('the bundled server is not run by a Python older than 3.11, nor one of another ABI', () => {
  const bin = scratch();
  script(path.join(bin, 'python3'), 'echo "3 10 cpython-310-x86_64-linux-gnu"');
  const old = resolveServer({ serverPath: '', env: { PATH: bin }, bundledDir: fakeBundle(soabi) });
  assert.equal(old.command, undefined);
  assert.match(old.tried.join('; '), /Python 3\.10; it needs 3\.11 or later/);
  const bin2 = scratch();
  fs.symlinkSync(venvPython, path.join(bin2, 'python3'));
  const other = resolveServer({ serverPath: '', env: { PATH: bin2 }, bundledDir: fakeBundle('cpython-399-sparc') });
  assert.equal(other.command, undefined);
  assert.match(other.tried.join('; '), /this VSIX bundles libraries for cpython-399-sparc/);
});

test('the bundled server is not run by an interpreter inside the workspace without consent', () => {
  const workspace = scratch();
  fs.mkdirSync(path.join(workspace, 'bin'));
  fs.symlinkSync(venvPython, path.join(workspace, 'bin', 'python3'));
  const found = resolveServer({ serverPath: '', workspaceFolder: workspace, env: { PATH: path.join(workspace, 'bin') }, bundledDir: fakeBundle(soabi) });
  assert.equal(found.command, undefined);
});

test('~ is the home folder', () => {
  assert.equal(expandPath('~/bin/django-expert', '/ws'), path.join(os.homedir(), 'bin/django-expert'));
  assert.equal(expandPath('bin/django-expert', '/ws'), '/ws/bin/django-expert');
});

test('only the settings the user set are sent, in [tool.django-expert] kebab case', () => {
  const values = {
    select: { defaultValue: null, globalValue: ['DJE2'] },
    ignore: { defaultValue: null, globalValue: ['DJE202'], workspaceFolderValue: ['DJE301'] },
    settingsModule: { defaultValue: null, workspaceValue: 'shop.settings.prod' },
    perFileIgnores: { defaultValue: null, workspaceValue: { '*/migrations/*': ['DJE2'] } },
    contextBudget: { defaultValue: null, globalValue: 0 },
    memoryDir: { defaultValue: null },
  };
  const sent = serverSettings((name) => values[name]);
  assert.deepEqual(sent, {
    select: ['DJE2'],
    ignore: ['DJE301'],
    'settings-module': 'shop.settings.prod',
    'per-file-ignores': { '*/migrations/*': ['DJE2'] },
    'context-budget': 0,
  });
});

test('every setting of package.json is either sent to the server or client-only', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'editors/vscode/package.json'), 'utf8'));
  const { SERVER_KEYS } = require(path.join(root, 'editors/vscode/src/settings.js'));
  const clientOnly = ['serverPath', 'useWorkspaceEnvironment', 'importStrategy', 'trace.server'];
  const names = Object.keys(manifest.contributes.configuration.properties).map((k) => k.replace(/^django-expert\./, ''));
  assert.deepEqual(names.filter((n) => !clientOnly.includes(n)).sort(), Object.keys(SERVER_KEYS).sort());
});

test('the server accepts every key the extension sends', () => {
  const { SERVER_KEYS } = require(path.join(root, 'editors/vscode/src/settings.js'));
  const probe = `from django_expert.analyzers.config import Config\nimport sys\nprint(sorted(set(sys.argv[1:]) - set(Config.model_fields[n].alias or n for n in Config.model_fields)))`;
  const run = spawnSync(venvPython, ['-c', probe, ...Object.values(SERVER_KEYS)], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), '[]', `keys the server does not know: ${run.stdout}`);
});
