"""DJE608 json-fixtures-with-factories

## What it does
Finds tests that load a JSON fixture file (a test class's `fixtures = [...]`, or
`call_command("loaddata", ...)`) holding rows of a model the project already builds with a
factory (a factory_boy `DjangoModelFactory` whose `Meta.model` is that model, or any model
when the project uses model_bakery). Each fixture file is reported once for the whole
project, at its first use (the first `fixtures` list or `loaddata` call of the first test
module, by name, loading it), naming how many test modules load it: replacing a fixture is
decided per file (wagtail's shared page tree `test.json`, loaded by 67 test modules, was
190 findings, one per test class). Fixtures whose models no factory builds (groups, sites,
reference data), and files that are not found or not JSON, are left alone. Pedantic:
fixtures are not wrong, only a second way to make the same rows.

## Why is this bad?
A JSON fixture is a snapshot of the schema on the day it was dumped: a new non-null field
makes `loaddata` fail (or load rows production cannot have), hard-coded primary keys clash
with rows the test creates, and a reader has to open the file to see what the test
depends on. The factory already knows how to build a valid row and stays in step with the
model.

## Example
```python
class AuthorTests(TestCase):
    fixtures = ["authors.json"]  # catalog.author rows; AuthorFactory exists
```

## Use instead
```python
class AuthorTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.author = AuthorFactory(name="Susanna Clarke")
```

## References
- https://docs.djangoproject.com/en/stable/topics/testing/tools/#fixture-loading
- https://factoryboy.readthedocs.io/en/stable/orms.html#django
"""

from __future__ import annotations

import ast

from django_expert.analyzers.findings import Severity
from django_expert.analyzers.project.test_map import (
    factories, fixture_file, fixture_models, fixture_users, is_test_module, uses_model_bakery,
)
from django_expert.analyzers.rules.registry import rule


@rule("DJE608", "json-fixtures-with-factories", tier="pedantic", severity=Severity.INFO,
      triggers=("fixtures", "loaddata"))
def check(ctx):
    project = ctx.project
    if project is None or not is_test_module(ctx.module):
        return
    built = {}
    for factory in factories(project):
        if factory.model:
            built.setdefault(factory.model.lower(), factory.qualname.rpartition(".")[2])
    bakery = uses_model_bakery(project)
    if not built and not bakery:
        return
    users = fixture_users(project)
    reported: set[str] = set()
    for node, names in sorted(_loads(ctx.tree), key=lambda load: (load[0].lineno, load[0].col_offset)):
        covered, files = [], []
        for name in names:
            path = fixture_file(project, ctx.module, name)
            modules = users.get(str(path), ()) if path is not None else ()
            if not modules or modules[0] != ctx.module or str(path) in reported:
                continue  # reported at its first use: the first test module loading it, its first load there
            models = [m for m in fixture_models(project, path) if m in built or bakery]
            if models:
                reported.add(str(path))
                covered += [(name, m) for m in models]
                files.append((path.name, len(modules)))
        if covered:
            yield ctx.report(node, _message(covered, files, built))


def _message(covered: list[tuple[str, str]], files: list[tuple[str, int]], built: dict) -> str:
    what = ", ".join(f"{m} in {n} ({built.get(m, 'model_bakery')})" for n, m in covered[:3])
    used = "; ".join(f"{name} is loaded by {count} test module{'s' if count > 1 else ''}" for name, count in files)
    return (f"A JSON fixture loads rows the project's factories already build — {what}: build them with "
            f"the factory in the test (or setUpTestData), so they follow the model ({used}; reported once, "
            f"at its first use)")


def _loads(tree: ast.Module):
    """(node, fixture names) of the `fixtures = [...]` class attributes and `loaddata` calls."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "fixtures"
                                                        for t in item.targets):
                    items = item.value.elts if isinstance(item.value, (ast.List, ast.Tuple)) else [item.value]
                    yield item, [i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)]
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and node.args[0].value == "loaddata":
            yield node, [a.value for a in node.args[1:] if isinstance(a, ast.Constant) and isinstance(a.value, str)]
