"""Django-aware navigation: what is at a position of a Python file or template (an ORM
lookup path, a URL name, a template name, a setting) and what the project knows of it —
for completion, hover, go-to-definition, symbols and the rules that validate those names.

Pure analysis: positions are analyser positions (0-based lines, code-point columns);
`server/lsp/` turns the answers into LSP values.
"""
