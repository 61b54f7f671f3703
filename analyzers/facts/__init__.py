"""Per-file facts: extraction from `ast`, frozen values, and their types."""
