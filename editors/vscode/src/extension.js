'use strict';
// Django Expert for VS Code: starts the django-expert language server over stdio with
// vscode-languageclient, passes the settings, offers the engagement commands and shows
// indexing progress and the engagement step in the status bar.

const fs = require('fs');
const path = require('path');
const vscode = require('vscode');
const { LanguageClient, State, ExecuteCommandRequest, DidChangeConfigurationNotification, CompletionRequest } = require('vscode-languageclient/node');
const { resolveServer } = require('./server');
const { SECTION, serverSettings } = require('./settings');
const { StatusBar } = require('./status');
const { extendMarkdownIt } = require('./markdown');

const CLIENT_ID = 'django-expert';
const CLIENT_NAME = 'Django Expert';
const PYTHON_EXTENSION = 'ms-python.python';
const INSTALL_DOC = 'README.md';
// The documents the server works on: Python files, and templates. A template is `html` in
// plain VS Code (then only under a templates/ folder, as the server reads them), or
// `django-html` / `htmldjango` / `jinja-html` when a Django extension is installed.
const DOCUMENT_SELECTOR = [
  { scheme: 'file', language: 'python' },
  { scheme: 'file', language: 'django-html' },
  { scheme: 'file', language: 'htmldjango' },
  { scheme: 'file', language: 'jinja-html' },
  { scheme: 'file', language: 'html', pattern: '**/templates/**' },
];
// Completion also opens on these characters, beside those the server declares: `(` starts
// the arguments of filter(/get(/reverse( (lookups, URL names) and `{` a template tag.
const EXTRA_TRIGGERS = ['(', '{'];

/** palette command -> [server command, title] (DESIGN.md section 2 names the server commands) */
const ENGAGEMENT_COMMANDS = {
  'django-expert.engagement.scope': ['django-expert.scopeEngagement', 'Scope engagement'],
  'django-expert.engagement.loadMemory': ['django-expert.loadMemory', 'Load memory'],
  'django-expert.engagement.loadContext': ['django-expert.loadContext', 'Load context'],
  'django-expert.engagement.analyze': ['django-expert.analyzeProject', 'Analyze project'],
  'django-expert.engagement.guidance': ['django-expert.provideGuidance', 'Provide guidance'],
  'django-expert.engagement.complete': ['django-expert.completeEngagement', 'Complete engagement'],
  'django-expert.engagement.recordDecision': ['django-expert.recordDecision', 'Record decision'],
};

let client;            // the running LanguageClient, or undefined
let output;            // LogOutputChannel (vscode-languageclient >= 10 calls .error()/.info() on it)
let status;            // StatusBar
let serverSource;      // where the running server came from ('PATH', 'the selected interpreter ...')
let starting;          // the pending start, so that two restarts do not race
let extensionContext;

// -- activation -------------------------------------------------------------------------------

async function activate(context) {
  extensionContext = context;
  output = vscode.window.createOutputChannel(CLIENT_NAME, { log: true });
  status = new StatusBar('django-expert.menu');
  context.subscriptions.push(output, status);

  const register = (id, fn) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  for (const [id, [command, title]] of Object.entries(ENGAGEMENT_COMMANDS)) {
    register(id, (...args) => runEngagementCommand(command, title, args));
  }
  register('django-expert.restartServer', () => restart('restart requested'));
  register('django-expert.showOutput', () => output.show(true));  // "Show logs"
  register('django-expert.howToInstall', () => showInstallHelp());
  register('django-expert.menu', () => showMenu());

  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration(onConfigurationChanged));
  context.subscriptions.push(vscode.workspace.onDidChangeWorkspaceFolders(() => status.watchEngagement(workspaceFolders())));
  watchPythonInterpreter(context);
  status.watchEngagement(workspaceFolders());
  // Not awaited: the Markdown preview activates the extension for its markdown-it plugin and
  // waits for activate(), which must not hang on a server start (or on its error message).
  start().catch((error) => output.error(`the server did not start: ${error && error.message ? error.message : error}`));
  // VS Code's Markdown preview calls extendMarkdownIt (package.json: markdown.markdownItPlugins)
  return { extendMarkdownIt };
}

async function deactivate() {
  if (extraTriggers) {
    extraTriggers.dispose();
    extraTriggers = undefined;
  }
  if (client) {
    const stopping = client;
    client = undefined;
    await stopping.stop(2000).catch(() => undefined);
  }
}

// -- starting the server ----------------------------------------------------------------------

function workspaceFolders() {
  return (vscode.workspace.workspaceFolders || []).map((folder) => folder.uri.fsPath);
}

function firstFolder() {
  const folders = vscode.workspace.workspaceFolders;
  return folders && folders.length ? folders[0] : undefined;
}

async function start() {
  if (starting) return starting;
  starting = startClient().finally(() => { starting = undefined; });
  return starting;
}

async function restart(reason) {
  output.info(`restarting the server: ${reason}`);
  await deactivate();
  await start();
}

async function startClient() {
  status.setStarting();
  const folder = firstFolder();
  const python = await selectedInterpreter(folder && folder.uri);
  const configuration = vscode.workspace.getConfiguration(SECTION, folder && folder.uri);
  const found = resolveServer({
    serverPath: configuration.get('serverPath'),
    python,
    workspaceFolder: folder && folder.uri.fsPath,
    useWorkspaceEnvironment: configuration.get('useWorkspaceEnvironment') === true,
    bundledDir: path.join(extensionContext.extensionPath, 'bundled'),
    useBundled: configuration.get('importStrategy') === 'useBundled',
  });
  output.info(`looked for the server: ${found.tried.join('; ') || 'the first place was it'}`);
  for (const refusal of found.refused) {
    output.warn(`refused ${refusal}`);
    vscode.window.showWarningMessage(`Django Expert: ${refusal}. Upgrade it (python -m pip install --upgrade <your django-expert clone>)${found.command ? `; using ${found.source} instead` : ''}.`, 'Show logs')
      .then((choice) => { if (choice) output.show(true); });
  }
  if (!found.command) {
    status.setMissing();
    output.error(`django-expert language server not found; tried: ${found.tried.join('; ')}`);
    showServerMissing(found);
    return;
  }
  serverSource = found.source;
  output.info(`starting django-expert ${found.version || '(version unknown)'}: ${[found.command, ...found.args].join(' ')} (from ${found.source})`);

  const serverOptions = {
    command: found.command,
    args: found.args,
    // no `transport`: with TransportKind.stdio the client appends `--stdio` to the arguments
    options: { cwd: folder ? folder.uri.fsPath : undefined, env: process.env },
  };
  const clientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    diagnosticCollectionName: CLIENT_ID,
    outputChannel: output,
    traceOutputChannel: output,
    initializationOptions: settingsFor(folder && folder.uri),
    middleware: {
      workspace: {
        // The server pulls its section with workspace/configuration: answer with what the
        // user set, in [tool.django-expert]'s kebab case (never VS Code's defaults).
        configuration: async (params, token, next) => {
          const answers = await next(params, token);
          return params.items.map((item, i) =>
            item.section === SECTION ? settingsFor(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined) : (Array.isArray(answers) ? answers[i] : null));
        },
      },
      handleWorkDoneProgress: (token, params, next) => {
        status.progress(token, params);
        next(token, params);
      },
    },
  };
  const newClient = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  newClient.onDidChangeState((event) => {
    if (event.newState === State.Running) status.setRunning(serverSource);
    else if (event.newState === State.Stopped) status.setStopped();
  });
  client = newClient;
  try {
    await newClient.start();
    const info = newClient.initializeResult && newClient.initializeResult.serverInfo;
    output.info(`server running: ${info ? `${info.name} ${info.version || ''}`.trim() : `django-expert ${found.version || ''}`} (from ${found.source})`);
    registerExtraTriggers(newClient);
  } catch (error) {
    output.error(`the server did not start: ${error && error.message ? error.message : error}`);
    status.setStopped();
    const choice = await vscode.window.showErrorMessage(
      `Django Expert: the language server (${found.command}) did not start: ${error && error.message ? error.message : error}`,
      'Show logs', 'How to install');
    if (choice === 'Show logs') output.show(true);
    if (choice === 'How to install') showInstallHelp();
  }
}

let extraTriggers; // the Disposable of the provider below

/**
 * Completion on EXTRA_TRIGGERS: VS Code asks a provider only for its own trigger
 * characters, so this one answers only those (the client's own provider answers the
 * server's characters and Ctrl+Space), forwarding to the same server.
 */
function registerExtraTriggers(languageClient) {
  if (extraTriggers) extraTriggers.dispose();
  const declared = ((languageClient.initializeResult || {}).capabilities || {}).completionProvider;
  const own = new Set((declared && declared.triggerCharacters) || []);
  const extra = EXTRA_TRIGGERS.filter((c) => !own.has(c));
  if (!declared || !extra.length) return;
  extraTriggers = vscode.languages.registerCompletionItemProvider(DOCUMENT_SELECTOR, {
    async provideCompletionItems(document, position, token, context) {
      if (context.triggerKind !== vscode.CompletionTriggerKind.TriggerCharacter || !extra.includes(context.triggerCharacter)) return undefined;
      if (!languageClient.isRunning()) return undefined;
      const params = languageClient.code2ProtocolConverter.asCompletionParams(document, position, context);
      const result = await languageClient.sendRequest(CompletionRequest.type, params, token);
      return languageClient.protocol2CodeConverter.asCompletionResult(result, undefined, token);
    },
  }, ...extra);
  extensionContext.subscriptions.push(extraTriggers);
}

function settingsFor(scope) {
  const configuration = vscode.workspace.getConfiguration(SECTION, scope);
  return serverSettings((name) => configuration.inspect(name));
}

async function onConfigurationChanged(event) {
  if (!event.affectsConfiguration(SECTION)) return;
  if (['serverPath', 'useWorkspaceEnvironment', 'importStrategy'].some((key) => event.affectsConfiguration(`${SECTION}.${key}`))) {
    await restart('the server\'s location settings changed');
    return;
  }
  if (client && client.isRunning()) {
    const folder = firstFolder();
    // The server re-reads every folder's settings with workspace/configuration (answered by
    // the middleware above); the pushed value serves clients that cannot be asked.
    await client.sendNotification(DidChangeConfigurationNotification.type, { settings: { [SECTION]: settingsFor(folder && folder.uri) } });
  }
}

// -- the Python extension -----------------------------------------------------------------------

/** The interpreter the Python extension selected, as a command array, or undefined. */
async function selectedInterpreter(resource) {
  const api = await pythonApi();
  if (!api) return undefined;
  try {
    if (api.environments && api.environments.getActiveEnvironmentPath) {
      const environmentPath = api.environments.getActiveEnvironmentPath(resource);
      const environment = environmentPath && await api.environments.resolveEnvironment(environmentPath);
      const executable = environment && environment.executable && environment.executable.uri;
      if (executable && executable.fsPath) return [executable.fsPath];
    }
    if (api.settings && api.settings.getExecutionDetails) {
      const details = api.settings.getExecutionDetails(resource);
      if (details && Array.isArray(details.execCommand) && details.execCommand.length) return details.execCommand;
    }
  } catch (error) {
    output.warn(`could not ask the Python extension for its interpreter: ${error && error.message ? error.message : error}`);
  }
  return undefined;
}

async function pythonApi() {
  const extension = vscode.extensions.getExtension(PYTHON_EXTENSION);
  if (!extension) return undefined;
  try {
    if (!extension.isActive) await extension.activate();
    const api = extension.exports;
    if (api && api.ready) await Promise.race([api.ready, new Promise((resolve) => setTimeout(resolve, 15000))]);
    return api;
  } catch (error) {
    output.warn(`the Python extension did not activate: ${error && error.message ? error.message : error}`);
    return undefined;
  }
}

function watchPythonInterpreter(context) {
  pythonApi().then((api) => {
    if (!api) return;
    const changed = () => {
      // only a server that came from the interpreter (or was not found) follows it
      if (!client || !serverSource || /^the (selected interpreter|bundled server)/.test(serverSource)) restart('the Python interpreter changed');
    };
    // the environments API when the extension has it, else the older settings API
    const event = (api.environments && api.environments.onDidChangeActiveEnvironmentPath)
      || (api.settings && api.settings.onDidChangeExecutionDetails);
    if (event) context.subscriptions.push(event(changed));
  }, () => undefined);
}

// -- the server is missing --------------------------------------------------------------------------

async function showServerMissing(found) {
  const message = found.error
    ? `Django Expert: ${found.error}.`
    : 'Django Expert: the django-expert language server is not installed, and the one bundled with the extension needs Python 3.11 or later, which was not found. '
      + 'Install Python 3.11+ (or the server: python -m pip install <your django-expert clone>), then "Django Expert: Restart server"; or set django-expert.serverPath. "Show logs" lists where it looked.';
  const choice = await vscode.window.showErrorMessage(message, 'How to install', 'Show logs', 'Open settings');
  if (choice === 'How to install') await showInstallHelp();
  else if (choice === 'Show logs') output.show(true);
  else if (choice === 'Open settings') await vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.serverPath`);
}

async function showInstallHelp() {
  // vsce stores README.md as readme.md in the VSIX
  const name = fs.readdirSync(extensionContext.extensionPath).find((n) => n.toLowerCase() === INSTALL_DOC.toLowerCase()) || INSTALL_DOC;
  const readme = vscode.Uri.file(path.join(extensionContext.extensionPath, name));
  try {
    await vscode.commands.executeCommand('markdown.showPreview', readme);
  } catch {
    await vscode.window.showTextDocument(readme);
  }
}

// -- commands ---------------------------------------------------------------------------------------

async function runEngagementCommand(command, title, args) {
  if (!client || !client.isRunning()) {
    const choice = await vscode.window.showErrorMessage(`Django Expert: the language server is not running, so "${title}" cannot run.`, 'Restart server', 'Show logs');
    if (choice === 'Restart server') await restart('for ' + title);
    if (choice === 'Show logs') output.show(true);
    return undefined;
  }
  // From the palette: the document (or folder) to work on, so that the server picks the
  // right workspace folder; from a code action or code lens: the arguments it carries.
  let argumentsToSend = args.filter((a) => a !== undefined && !(a instanceof vscode.Uri));
  if (command === 'django-expert.recordDecision' && argumentsToSend.length === 0) {
    argumentsToSend = await askDecision();
    if (!argumentsToSend) return undefined;
  } else if (argumentsToSend.length === 0) {
    const target = targetUri(args.find((a) => a instanceof vscode.Uri));
    if (target) argumentsToSend = [target];
  }
  output.info(`${title}: workspace/executeCommand ${command} ${JSON.stringify(argumentsToSend)}`);
  status.setBusy(title);
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Django Expert: ${title}` },
      () => client.sendRequest(ExecuteCommandRequest.type, { command, arguments: argumentsToSend }));
    output.info(`${title}: ${JSON.stringify(result)}`);
    showResult(title, result); // not awaited: the notification waits for the user
    return result;
  } catch (error) {
    const message = error && error.message ? error.message : String(error);
    output.error(`${title} failed: ${message}`);
    vscode.window.showErrorMessage(`Django Expert: ${title} failed: ${message}`, 'Show logs')
      .then((choice) => { if (choice) output.show(true); });
    return undefined;
  } finally {
    status.setIdle();
    status.refreshEngagement();
  }
}

/** The URI an engagement command is about: the given one, the active file, else the first folder. */
function targetUri(given) {
  if (given) return given.toString();
  const editor = vscode.window.activeTextEditor;
  if (editor && editor.document.uri.scheme === 'file') return editor.document.uri.toString();
  const folder = firstFolder();
  return folder ? folder.uri.toString() : undefined;
}

/** Arguments of recordDecision for the django-expert diagnostic under the cursor. */
async function askDecision() {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    vscode.window.showWarningMessage('Django Expert: put the cursor on a django-expert finding to record a decision about it.');
    return undefined;
  }
  const position = editor.selection.active;
  const ours = vscode.languages.getDiagnostics(editor.document.uri)
    // on the cursor's line (a finding's range is its name, not where the cursor happens to be)
    .filter((d) => d.source === CLIENT_ID && d.range.start.line <= position.line && position.line <= d.range.end.line);
  if (!ours.length) {
    vscode.window.showWarningMessage('Django Expert: there is no django-expert finding on this line.');
    return undefined;
  }
  let diagnostic = ours[0];
  if (ours.length > 1) {
    const picked = await vscode.window.showQuickPick(ours.map((d) => ({ label: String(codeOf(d)), description: d.message, diagnostic: d })),
      { placeHolder: 'Which finding?' });
    if (!picked) return undefined;
    diagnostic = picked.diagnostic;
  }
  const statusPick = await vscode.window.showQuickPick([
    { label: 'accepted', description: 'intended: show it as a hint with the reason' },
    { label: 'rejected', description: 'not a problem here: show it as a hint with the reason' },
    { label: 'todo', description: 'to be fixed later: keep it, with the reason' },
  ], { placeHolder: `Decision about ${codeOf(diagnostic)}` });
  if (!statusPick) return undefined;
  const reason = await vscode.window.showInputBox({ prompt: `Why (${statusPick.label})? This goes to the project's memory.`, ignoreFocusOut: true });
  if (reason === undefined) return undefined;
  return [{
    uri: editor.document.uri.toString(),
    code: String(codeOf(diagnostic)),
    line: diagnostic.range.start.line,
    column: diagnostic.range.start.character,
    status: statusPick.label,
    reason,
  }];
}

function codeOf(diagnostic) {
  const code = diagnostic.code;
  return code && typeof code === 'object' ? code.value : code;
}

/** A one-line summary of a command's result (the report, the engagement's progress, a decision). */
function describeResult(title, result) {
  if (typeof result === 'string') return result;
  if (!result || typeof result !== 'object') return `${title}: done.`;
  if (typeof result.message === 'string') return result.message;
  if (typeof result.report === 'string') return `report written to ${relative(result.report)}`;
  if (typeof result.recorded === 'string') return `decision recorded: ${result.recorded}`;
  if (Array.isArray(result.steps)) {
    const done = result.steps.filter((step) => step && step.done).length;
    const next = result.steps.find((step) => step && !step.done);
    return `${title}: done; engagement ${done}/${result.steps.length}${next ? `, next: ${next.title || next.name}` : ', complete'}.`;
  }
  return `${title}: done.`;
}

function relative(file) {
  const folder = firstFolder();
  if (!folder || !path.isAbsolute(file)) return file;
  const rel = path.relative(folder.uri.fsPath, file);
  return rel.startsWith('..') ? file : rel;
}

async function showResult(title, result) {
  const message = `Django Expert: ${describeResult(title, result)}`;
  const report = result && typeof result === 'object' && typeof result.report === 'string' ? result.report : undefined;
  if (!report) {
    vscode.window.showInformationMessage(message);
    return;
  }
  // The server opens the report's text (window/showDocument); the rendered report, with its
  // ER diagrams drawn (src/markdown.js), opens in the Markdown preview beside it. The button
  // reopens the preview.
  const folder = firstFolder();
  const uri = vscode.Uri.file(path.isAbsolute(report) || !folder ? report : path.join(folder.uri.fsPath, report));
  await openReportPreview(uri);
  const choice = await vscode.window.showInformationMessage(message, 'Open report');
  if (choice) await openReportPreview(uri);
}

async function openReportPreview(uri) {
  try {
    await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
  } catch (error) {
    output.warn(`could not open the report's preview: ${error && error.message ? error.message : error}`);
    await vscode.window.showTextDocument(uri);
  }
}

async function showMenu() {
  const items = [
    ...Object.entries(ENGAGEMENT_COMMANDS).map(([id, [, title]]) => ({ label: title, id })),
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: 'Show logs', id: 'django-expert.showOutput' },
    { label: 'Restart server', id: 'django-expert.restartServer' },
    { label: 'How to install the server', id: 'django-expert.howToInstall' },
  ];
  const picked = await vscode.window.showQuickPick(items, { placeHolder: status.describe() });
  if (picked && picked.id) await vscode.commands.executeCommand(picked.id);
}

module.exports = { activate, deactivate };
