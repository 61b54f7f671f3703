// Test double of the Python extension (ms-python.python): the part of its API that
// editors/vscode uses, answering with $DJE_TEST_PYTHON as the selected interpreter.
const vscode = require('vscode');

function activate() {
  const python = process.env.DJE_TEST_PYTHON;
  const changed = new vscode.EventEmitter();
  const environmentPath = { id: python, path: python };
  return {
    ready: Promise.resolve(),
    environments: {
      getActiveEnvironmentPath: () => environmentPath,
      resolveEnvironment: async () => ({ id: python, path: python, executable: { uri: vscode.Uri.file(python) } }),
      onDidChangeActiveEnvironmentPath: changed.event,
    },
    settings: {
      getExecutionDetails: () => ({ execCommand: [python] }),
      onDidChangeExecutionDetails: changed.event,
    },
  };
}

module.exports = { activate, deactivate() {} };
