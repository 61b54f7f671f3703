'use strict';
// The status bar item: the server's state, indexing progress ($/progress) and the
// engagement step, read from <workspace>/.django-expert/engagement.json (the file the server
// keeps the engagement's state in, DESIGN.md section 6).

const fs = require('fs');
const path = require('path');
const vscode = require('vscode');

const STATE_FILE = path.join('.django-expert', 'engagement.json');
const NAME = 'Django Expert';

class StatusBar {
  constructor(command) {
    this.item = vscode.window.createStatusBarItem('django-expert.status', vscode.StatusBarAlignment.Left, 10);
    this.item.name = NAME;
    this.item.command = command;
    this.state = 'starting';   // starting | running | stopped | missing
    this.source = undefined;
    this.busy = undefined;     // title of a running engagement command
    this.tasks = new Map();    // progress token -> {title, message, percentage}
    this.engagement = undefined;
    this.folders = [];
    this.watchers = [];
    this.render();
    this.item.show();
  }

  setStarting() { this.state = 'starting'; this.render(); }
  setRunning(source) { this.state = 'running'; this.source = source; this.render(); }
  setStopped() { this.state = 'stopped'; this.tasks.clear(); this.render(); }
  setMissing() { this.state = 'missing'; this.tasks.clear(); this.render(); }
  setBusy(title) { this.busy = title; this.render(); }
  setIdle() { this.busy = undefined; this.render(); }

  /** A $/progress value (begin/report/end) for `token`. */
  progress(token, value) {
    const key = String(token);
    if (!value || value.kind === 'end') {
      this.tasks.delete(key);
    } else {
      const task = this.tasks.get(key) || { title: '' };
      if (value.title !== undefined) task.title = value.title;
      if (value.message !== undefined) task.message = value.message;
      if (value.percentage !== undefined) task.percentage = value.percentage;
      this.tasks.set(key, task);
    }
    this.render();
  }

  watchEngagement(folders) {
    for (const watcher of this.watchers) watcher.dispose();
    this.folders = folders;
    this.watchers = folders.map((folder) => {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '.django-expert/engagement.json'));
      const refresh = () => this.refreshEngagement();
      watcher.onDidCreate(refresh);
      watcher.onDidChange(refresh);
      watcher.onDidDelete(refresh);
      return watcher;
    });
    this.refreshEngagement();
  }

  refreshEngagement() {
    this.engagement = undefined;
    for (const folder of this.folders) {
      try {
        const document = JSON.parse(fs.readFileSync(path.join(folder, STATE_FILE), 'utf8'));
        const steps = Array.isArray(document.steps) ? document.steps : [];
        const done = steps.filter((step) => step && step.done).length;
        const next = steps.find((step) => step && !step.done);
        this.engagement = { done, total: steps.length || 6, next: next && (next.title || next.name), complete: !!document.complete, report: document.report, steps };
        break;
      } catch {
        // no engagement in this folder (or the file is being written): try the next
      }
    }
    this.render();
  }

  describe() {
    const parts = [`${NAME}: ${this.stateText()}`];
    if (this.engagement) parts.push(this.engagementText());
    return parts.join(' · ');
  }

  stateText() {
    switch (this.state) {
      case 'starting': return 'starting the server';
      case 'missing': return 'server not found';
      case 'stopped': return 'server stopped';
      default: return this.source ? `running (from ${this.source})` : 'running';
    }
  }

  engagementText() {
    const e = this.engagement;
    if (!e) return 'no engagement yet';
    if (e.complete) return `engagement complete${e.report ? ` (${e.report})` : ''}`;
    return `engagement ${e.done}/${e.total}${e.next ? `, next: ${e.next}` : ''}`;
  }

  render() {
    const item = this.item;
    const task = [...this.tasks.values()].pop();
    let text;
    if (this.state === 'missing') {
      text = `$(error) ${NAME}: server not found`;
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    } else if (this.state === 'stopped') {
      text = `$(error) ${NAME}: stopped`;
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    } else {
      item.backgroundColor = undefined;
      if (this.state === 'starting') {
        text = `$(loading~spin) ${NAME}`;
      } else if (task) {
        const percentage = task.percentage !== undefined ? ` ${task.percentage}%` : '';
        const what = task.title.replace(/^django-expert:\s*/i, '');
        text = `$(sync~spin) ${NAME}${what ? `: ${what}` : ''}${percentage}`;
      } else if (this.busy) {
        text = `$(loading~spin) ${NAME}: ${this.busy}`;
      } else if (this.engagement) {
        const e = this.engagement;
        text = e.complete ? `$(pass-filled) ${NAME}: engagement complete` : `$(checklist) ${NAME}: engagement ${e.done}/${e.total}`;
      } else {
        text = `$(check) ${NAME}`;
      }
    }
    item.text = text;
    const lines = [`**${NAME}** — ${this.stateText()}`];
    if (task) lines.push('', `${task.title}${task.message ? `: ${task.message}` : ''}`);
    if (this.engagement && this.engagement.steps.length) {
      lines.push('', 'Engagement:');
      for (const step of this.engagement.steps) lines.push(`- ${step.done ? '✓' : '○'} ${step.title || step.name}`);
    } else {
      lines.push('', 'No engagement yet: run "Django Expert: Scope engagement" or "Complete engagement".');
    }
    lines.push('', 'Click for the Django Expert commands.');
    item.tooltip = new vscode.MarkdownString(lines.join('\n'));
  }

  dispose() {
    for (const watcher of this.watchers) watcher.dispose();
    this.item.dispose();
  }
}

module.exports = { StatusBar };
