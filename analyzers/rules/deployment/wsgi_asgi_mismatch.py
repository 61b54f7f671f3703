"""DJE703 wsgi-asgi-mismatch

## What it does
Finds `WSGI_APPLICATION` and `ASGI_APPLICATION` settings that name a module of the project
that does not exist, or a name that module does not define (`"config.wsgi.application"`
when the file is `shop/wsgi.py`, or defines `app`). A package an installed library provides,
and modules that star-import names, are left alone.

## Why is this bad?
`runserver` loads `WSGI_APPLICATION` and stops with "WSGI application ... could not be
loaded"; Channels and Daphne load `ASGI_APPLICATION` the same way. It usually happens after
renaming the project package or moving settings, and goes unnoticed until the next deploy
or the next developer's first `runserver`.

## Example
```python
# the project package is `shop`, with shop/wsgi.py
WSGI_APPLICATION = "config.wsgi.application"
```

## Use instead
```python
WSGI_APPLICATION = "shop.wsgi.application"
```

## References
- https://docs.djangoproject.com/en/stable/ref/settings/#wsgi-application
- https://docs.djangoproject.com/en/stable/howto/deployment/wsgi/
- https://channels.readthedocs.io/en/latest/installation.html
"""

from __future__ import annotations

from django_expert.analyzers.facts.values import string
from django_expert.analyzers.findings import Severity
from django_expert.analyzers.rules.deployment._settings import name_span
from django_expert.analyzers.rules.registry import rule

SETTINGS = ("WSGI_APPLICATION", "ASGI_APPLICATION")


@rule("DJE703", "wsgi-asgi-mismatch", tier="recommended", severity=Severity.ERROR, triggers=("_APPLICATION",), scope="settings")
def check(ctx):
    for index, statement in enumerate(ctx.facts.statements):
        if statement.kind != "assign" or statement.path or statement.name not in SETTINGS:
            continue
        dotted = string(statement.value)
        module, _, attr = (dotted or "").rpartition(".")
        if not module or not all(part.isidentifier() for part in dotted.split(".")):
            continue
        problem = _problem(ctx.project, module, attr)
        if problem:
            yield ctx.report(
                name_span(ctx, index, statement.name),
                f"{statement.name} names `{dotted}`, but {problem}: the server cannot load the application",
            )


def _problem(project, module: str, attr: str) -> str | None:
    facts = project.module_facts(module)
    if facts is None:
        top = module.split(".")[0]
        if _on_disk(project, module) or _in_library(project, top):
            return None
        if project.module_facts(top) is None:
            return f"the project has no package `{top}`"
        return f"the project has no module `{module}`"
    if any(i.local == "*" for i in facts.imports):
        return None
    defined = {s.name for s in facts.statements if s.kind == "assign"}
    defined |= {f.name for f in facts.functions} | {c.name for c in facts.classes} | {i.local for i in facts.imports}
    return None if attr in defined else f"`{module}` defines no `{attr}`"


def _in_library(project, top: str) -> bool:
    """Whether an installed library may provide the package (or no environment was found
    to tell)."""
    roots = project.layout.library_roots
    return not roots or any((root / top).exists() or (root / f"{top}.py").exists() for root in roots)


def _on_disk(project, module: str) -> bool:
    """A file the engine could not read (a syntax error, an undecodable file) still exists."""
    parts = module.split(".")
    return any((root.joinpath(*parts).with_suffix(".py")).is_file() or (root.joinpath(*parts) / "__init__.py").is_file()
               for root in project.layout.source_roots)
