"""django-expert analyzers: the Django knowledge (facts, project model, rules, fixes). Pure: no LSP."""
