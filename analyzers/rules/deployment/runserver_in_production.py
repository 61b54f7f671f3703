"""DJE702 runserver-in-production

## What it does
Finds deployment files that start Django's development server (`manage.py runserver`,
`django-admin runserver`, `runserver_plus`): a `Procfile` process, a Dockerfile's `CMD` or
`ENTRYPOINT`, a docker-compose service's `command`/`entrypoint`, a systemd unit's
`ExecStart`, and the start command of `fly.toml` / `app.yaml`.

Files, folders, build stages and compose services named for development (`Dockerfile.dev`,
`docker-compose.override.yml`, `local/`, a service `web-dev`, a stage `AS dev`, a service
with a `dev` profile) are not production and are left alone.

## Why is this bad?
Django's documentation is explicit that `runserver` is not for production: it has not
gone through security audits or performance tests, serves one request at a time per
thread, reloads code on changes, and serves static files only with `DEBUG`. Production
runs a WSGI or ASGI server (gunicorn, uWSGI, uvicorn, daphne) behind a web server.

## Example
```
web: python manage.py runserver 0.0.0.0:$PORT
```

## Use instead
```
web: gunicorn shop.wsgi --bind 0.0.0.0:$PORT
```

## References
- https://docs.djangoproject.com/en/stable/ref/django-admin/#runserver
- https://docs.djangoproject.com/en/stable/howto/deployment/
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from django_expert.analyzers.project.discovery import is_non_production_name
from django_expert.analyzers.rules.registry import rule
from django_expert.analyzers.source import Span, text_lines

RUNSERVER = re.compile(r"(?:manage\.py|django-admin(?:\.py)?|-m\s+django)\s+(?:[^\n;&|]*?\s)?(runserver(?:_plus)?)\b")
STAGE = re.compile(r"^\s*FROM\s+\S+(?:\s+AS\s+(\S+))?", re.IGNORECASE)
INSTRUCTION = re.compile(r"^\s*(CMD|ENTRYPOINT)\b", re.IGNORECASE)
EXEC_FORM = re.compile(r"[\"',\[\]]")  # CMD ["python", "manage.py", "runserver"]
SERVICE_KEY = re.compile(r"^(\s*)([A-Za-z0-9_.\-]+):\s*(#.*)?$")


@rule("DJE702", "runserver-in-production", tier="recommended", scope="deploy", triggers=("runserver",))
def check(ctx):
    if _not_production(ctx.relative):
        return
    name = ctx.path.name
    lines = text_lines(ctx.text)  # numbered as the editor numbers them
    if name.startswith("Procfile"):
        found = ((i, f"process `{line.split(':')[0].strip()}`") for i, line in enumerate(lines) if ":" in line)
    elif "Dockerfile" in name or name.endswith(".Dockerfile"):
        found = _dockerfile(lines)
    elif name.endswith((".yml", ".yaml")) and ("compose" in name):
        found = _compose(lines)
    elif name.endswith(".service"):
        found = ((i, "ExecStart") for i, line in enumerate(lines) if line.strip().startswith("ExecStart"))
    else:
        found = ((i, "the start command") for i in range(len(lines)))  # fly.toml, app.yaml
    for index, what in found:
        line = lines[index]
        match = RUNSERVER.search(EXEC_FORM.sub(" ", line))  # same length: columns stay right
        if match is None or line.lstrip().startswith("#"):
            continue
        yield ctx.report(
            Span.of(index, match.start(1), index, match.end(1)),
            f"{ctx.relative}: {what} starts Django's development server ({match.group(1)}), which is not built for "
            f"production; run a WSGI/ASGI server such as gunicorn or uvicorn",
        )


def _not_production(relative: str) -> bool:
    """A path whose file or folder names say development, tests, CI or an override."""
    for part in PurePosixPath(relative).parts:
        for token in re.split(r"[^a-z0-9]+", part.lower()):
            if token == "override" or token and is_non_production_name(token):
                return True
    return False


def _dockerfile(lines: list[str]):
    """CMD / ENTRYPOINT lines (with their continuations) outside development stages."""
    stage = kind = ""
    continuing = False
    for index, line in enumerate(lines):
        found = STAGE.match(line)
        if found and not continuing:
            stage = found.group(1) or ""
        instruction = INSTRUCTION.match(line)
        if instruction:
            kind = instruction.group(1).upper()
        if (instruction or continuing) and not _not_production(stage):
            yield index, f"{kind} of stage `{stage}`" if stage else kind
        continuing = (instruction is not None or continuing) and line.rstrip().endswith("\\")


def _compose(lines: list[str]):
    """Lines of each service's `command`/`entrypoint`, for services that are not for development."""
    services_indent = None
    service, service_indent, block = None, None, []
    services: list[tuple[str, list[int]]] = []
    for index, line in enumerate(lines):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        key = SERVICE_KEY.match(line)
        if services_indent is None:
            if key and key.group(2) == "services" and indent == 0:
                services_indent = -1
            continue
        if indent == 0:
            break
        if service_indent is None or indent <= service_indent:
            if key:
                service, service_indent, block = key.group(2), indent, []
                services.append((service, block))
            continue
        block.append(index)
    for name, indexes in services:
        text = "\n".join(lines[i] for i in indexes)
        profiles = re.search(r"profiles:\s*(.*(?:\n\s*-.*)*)", text)
        if _not_production(name) or profiles and _not_production(profiles.group(1).replace(" ", "_")):
            continue
        yield from ((i, f"service `{name}`") for i in indexes)
