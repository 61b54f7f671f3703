"""Ask Django which URL patterns a project has.

Usage: python url_probe.py WORKSPACE SETTINGS [SOURCE_ROOT ...]

Runs in its own interpreter (the test never imports Django itself). Puts the source roots
(default: WORKSPACE) first on sys.path, calls django.setup() and walks
`get_resolver().url_patterns` recursively, joining each level's `str(pattern.pattern)` and
each resolver's `namespace` as Django's `reverse()` does. Prints one JSON object:
`{"patterns": [[name or null, pattern], ...]}` in Django's order, or, when Django cannot
load the project on this interpreter at all (its source uses newer syntax),
`{"cannot_run": "SyntaxError: ..."}`.

Normalisation, the same one `test_url_oracle.py` applies to the static side:

* An AdminSite's URLs (a resolver whose `app_name` is "admin") are one entry: name
  `"<namespace>:*"`, pattern the include's prefix followed by `*`. A URL conf module whose
  file lies outside WORKSPACE (a library's: `rest_framework.urls`, `django.contrib.auth.urls`,
  a reusable app installed from elsewhere) is one entry named `"<library>"`, pattern the
  include's prefix followed by `*`: its contents and its `app_name` are the library's, and
  the analyser may not have its source.
* A locale prefix (`i18n_patterns()`) is written `{language}/`: it depends on the request.
* Patterns served by `django.views.static.serve` (`static()`, `staticfiles_urlpatterns()`)
  are left out: they exist only with DEBUG on, and have no name.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

LANGUAGE_PREFIX = "{language}/"
LIBRARY = "<library>"
_SERVE = ("django.views.static.serve", "django.contrib.staticfiles.views.serve")


def main(workspace: str, settings_module: str, roots: list[str]) -> dict:
    for root in reversed(roots or [workspace]):
        sys.path.insert(0, root)
    os.chdir(workspace)
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    try:
        import django

        django.setup()
        from django.urls import get_resolver

        patterns = get_resolver().url_patterns
    except SyntaxError as error:
        return {"cannot_run": f"SyntaxError: {error}"}
    out: list[list] = []
    _walk(patterns, "", "", Path(workspace).resolve(), out)
    return {"patterns": out}


def _walk(patterns, prefix: str, namespace: str, workspace: Path, out: list) -> None:
    from django.urls import URLResolver
    from django.urls.resolvers import LocalePrefixPattern

    for entry in patterns:
        text = LANGUAGE_PREFIX if isinstance(entry.pattern, LocalePrefixPattern) else str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = ":".join(p for p in (namespace, entry.namespace or "") if p)
            if entry.app_name == "admin":
                out.append([f"{inner}:*", prefix + text + "*"])
            elif _outside(entry.urlconf_module, workspace):
                out.append([LIBRARY, prefix + text + "*"])
            else:
                _walk(entry.url_patterns, prefix + text, inner, workspace, out)
            continue
        callback = getattr(entry.callback, "__module__", "") + "." + getattr(entry.callback, "__name__", "")
        if callback in _SERVE:
            continue
        name = ":".join(p for p in (namespace, entry.name) if p) if entry.name else None
        out.append([name, prefix + text])


def _outside(module, workspace: Path) -> bool:
    path = getattr(module, "__file__", None)
    return path is not None and not Path(path).resolve().is_relative_to(workspace)


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], sys.argv[3:])))
