"""DJE603 transaction-test-not-needed

## What it does
Finds a `TransactionTestCase` (or a pytest test marked
`pytest.mark.django_db(transaction=True)`) whose source shows nothing that needs real
commits: no `transaction.on_commit`, no `select_for_update`, no threads or processes, no
live server, no async code, no database error caught, no `reset_sequences` or
`serialized_rollback`. Live-server and channels test classes are left alone.

## Why is this bad?
A `TransactionTestCase` empties every table after each test instead of rolling a
transaction back: on a real schema that is one `TRUNCATE` or `DELETE` per table per test,
often ten to a hundred times slower than `TestCase`. Tests that only create rows, call
views and assert on the result get nothing from it. Since Django 3.2,
`TestCase.captureOnCommitCallbacks()` also runs `on_commit` callbacks inside a `TestCase`.

## Example
```python
class OrderTests(TransactionTestCase):
    def test_total(self):
        order = Order.objects.create(total=3)
        self.assertEqual(Order.objects.get().total, 3)
```

## Use instead
```python
class OrderTests(TestCase):
    def test_total(self):
        order = Order.objects.create(total=3)
        self.assertEqual(Order.objects.get().total, 3)
```

## References
- https://docs.djangoproject.com/en/stable/topics/testing/tools/#transactiontestcase
- https://docs.djangoproject.com/en/stable/topics/testing/tools/#django.test.TestCase.captureOnCommitCallbacks
- https://pytest-django.readthedocs.io/en/latest/helpers.html#pytest-mark-django-db-request-database-access
"""

from __future__ import annotations

import ast

from django_expert.analyzers.project.test_map import is_test_module
from django_expert.analyzers.rules.registry import rule
from django_expert.analyzers.rules.testing._suite import (
    LIVE_SERVER,
    NEEDS_COMMIT,
    TEST_CASES,
    TRANSACTION_TEST_CASES,
    test_classes,
    test_methods,
)


@rule("DJE603", "transaction-test-not-needed", tier="pedantic",
      triggers=("TransactionTestCase", "transaction=True"))
def check(ctx):
    if not is_test_module(ctx.module):
        return
    for cls, qualname in test_classes(ctx, *TRANSACTION_TEST_CASES):
        if ctx.project.is_subclass(qualname, *TEST_CASES, *LIVE_SERVER) or not test_methods(cls):
            continue
        if _needs_commits(ctx, cls):
            continue
        yield ctx.report(
            _name_span(ctx, cls),
            f"`{cls.name}` is a TransactionTestCase but none of its tests needs real commits (no on_commit, "
            f"select_for_update, threads or live server): TestCase rolls back instead of emptying every table",
        )
    for node, marker in _transactional_marks(ctx.tree):
        if not _needs_commits(ctx, node):
            yield ctx.report(
                marker,
                f"`{node.name}` asks pytest-django for transaction=True but nothing in it needs real commits: "
                f"plain django_db rolls back instead of emptying every table",
            )


def _needs_commits(ctx, node: ast.AST) -> bool:
    """The node's source, or a fixture or helper of this module it names, shows a need for commits."""
    text = ctx.text if isinstance(node, ast.Module) else ast.get_source_segment(ctx.text, node) or ""
    if NEEDS_COMMIT.search(text):
        return True
    used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} | _arguments(node)
    helpers = [n for n in ctx.tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
               and n.name in used and n is not node]
    return any(NEEDS_COMMIT.search(ast.get_source_segment(ctx.text, h) or "") for h in helpers)


def _arguments(node: ast.AST) -> set[str]:
    """The parameter names of a test function (pytest fixtures it asks for)."""
    if isinstance(node, ast.ClassDef):
        return {a.arg for f in node.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) for a in f.args.args}
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return {a.arg for a in node.args.args}
    return set()


def _transactional_marks(tree: ast.Module):
    """(test function or class, the marker) for `django_db(transaction=True)` decorations;
    a module-level `pytestmark` marks every test of the module (reported once, on itself)."""
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for decorator in node.decorator_list:
                if _is_transactional(decorator) and (isinstance(node, ast.ClassDef) or node.name.startswith("test")):
                    yield node, decorator
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets):
            marks = node.value.elts if isinstance(node.value, (ast.List, ast.Tuple)) else [node.value]
            for mark in marks:
                if _is_transactional(mark):
                    yield _Module(tree, "this module"), mark


class _Module(ast.Module):
    """The whole module, named for the message."""

    def __init__(self, tree: ast.Module, name: str) -> None:
        super().__init__(body=tree.body, type_ignores=[])
        self.name = name


def _is_transactional(node: ast.expr) -> bool:
    return (isinstance(node, ast.Call) and ast.unparse(node.func).endswith("django_db")
            and any(k.arg == "transaction" and isinstance(k.value, ast.Constant) and k.value.value is True
                    for k in node.keywords))


def _name_span(ctx, cls: ast.ClassDef):
    from django_expert.analyzers.source import Span

    line = cls.lineno - 1
    column = ctx.lines.line(line).find(cls.name)
    return Span.of(line, column, line, column + len(cls.name)) if column >= 0 else cls
