'use strict';
// The markdown-it plugin the extension gives VS Code's built-in Markdown preview
// (package.json contributes "markdown.markdownItPlugins"): a ```mermaid fenced block, such as
// the ER diagram of the engagement report, becomes <pre class="mermaid django-expert-mermaid">
// with the diagram's source, which media/preview-mermaid.js (a "markdown.previewScripts"
// entry, next to the bundled mermaid.min.js) draws. Other fences render as before.

const LANGUAGE = 'mermaid';

function extendMarkdownIt(md) {
  const previous = md.renderer.rules.fence ||
    ((tokens, idx, options, env, self) => self.renderToken(tokens, idx, options));
  md.renderer.rules.fence = (tokens, idx, options, env, self) => {
    const token = tokens[idx];
    const language = (token.info || '').trim().split(/\s+/)[0].toLowerCase();
    if (language !== LANGUAGE) return previous(tokens, idx, options, env, self);
    // data-line keeps the preview's scroll sync with the editor
    const line = token.map ? ` data-line="${token.map[0]}"` : '';
    return `<pre class="mermaid django-expert-mermaid"${line}>${md.utils.escapeHtml(token.content)}</pre>\n`;
  };
  return md;
}

module.exports = { extendMarkdownIt };
