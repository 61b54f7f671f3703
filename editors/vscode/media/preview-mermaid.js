// Draws the ```mermaid blocks of a Markdown preview (the engagement report's ER diagrams) in
// VS Code's built-in preview. The extension's markdown-it plugin (extendMarkdownIt in
// src/markdown.js) turns each block into <pre class="mermaid">SOURCE</pre>; this script runs
// in the preview's webview after mermaid.min.js (bundled in the VSIX from the npm package
// `mermaid`, nothing is fetched) and renders them, again whenever the preview's content
// changes. A diagram mermaid cannot parse keeps its source and shows the error under it.
(function () {
  'use strict';
  let rendering = Promise.resolve();

  function theme() {
    const classes = document.body.classList;
    if (classes.contains('vscode-high-contrast')) return 'neutral';
    return classes.contains('vscode-dark') ? 'dark' : 'default';
  }

  async function renderAll() {
    if (typeof mermaid === 'undefined') return;
    const pending = Array.from(document.querySelectorAll('pre.django-expert-mermaid:not([data-processed])'));
    if (!pending.length) return;
    mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: theme() });
    for (const node of pending) {
      const source = node.textContent;
      try {
        await mermaid.run({ nodes: [node] });
      } catch (error) {
        node.setAttribute('data-processed', 'error');
        node.textContent = source;
        const note = document.createElement('div');
        note.className = 'django-expert-mermaid-error';
        note.textContent = `Mermaid could not draw this diagram: ${(error && error.message) || error}`;
        node.after(note);
      }
    }
  }

  function schedule() {
    rendering = rendering.then(renderAll, renderAll);
  }

  window.addEventListener('vscode.markdown.updateContent', schedule);
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', schedule);
  else schedule();
})();
