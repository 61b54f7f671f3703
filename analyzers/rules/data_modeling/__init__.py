"""Data modeling rules (DJE2xx): models, fields, relations, migrations."""
