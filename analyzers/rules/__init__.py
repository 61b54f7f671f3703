"""The rules: one module per rule under <area>/, registered with `@rule`."""
