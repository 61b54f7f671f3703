"""django-expert server: the LSP server, the CLI and the engagement workflow."""
