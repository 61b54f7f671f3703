"""What the testing rules share: the test classes of the checked file as ast nodes, and
what in a test's source shows it needs real transactions."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

TEST_CASE = "django.test.testcases.TestCase"
TRANSACTION_TEST_CASE = "django.test.testcases.TransactionTestCase"
# Django's test classes, by the names code imports them under (the class index resolves
# `django.test.TestCase` to the module that defines it).
TEST_CASES = ("django.test.TestCase", TEST_CASE)
TRANSACTION_TEST_CASES = ("django.test.TransactionTestCase", TRANSACTION_TEST_CASE)
LIVE_SERVER = ("django.test.LiveServerTestCase", "django.test.testcases.LiveServerTestCase",
               "django.contrib.staticfiles.testing.StaticLiveServerTestCase")

# What makes a test need real commits: callbacks on commit, row locks, other threads or
# processes seeing the data, errors that break the transaction, a live server, async code
# run on other threads, sequences reset, transaction state inspected.
NEEDS_COMMIT = re.compile(
    r"on_commit|select_for_update|Thread|threading|concurrent\.futures|multiprocessing|Process\(|"
    r"live_server|LiveServer|IntegrityError|DatabaseError|OperationalError|sync_to_async|async_to_sync|"
    r"\basync\s+def\b|reset_sequences|serialized_rollback|in_atomic_block|autocommit|savepoint|"
    r"isolation|advisory|LOCK\s+TABLE|channels|websocket|Communicator|connections?\.close|close_old_connections|"
    r"transactional_db|django_db_serialized_rollback")


def test_classes(ctx, *bases: str) -> Iterator[tuple[ast.ClassDef, str]]:
    """(class node, qualname) of the module-level classes of this file subclassing one of `bases`."""
    wanted = {fact.name: qualname for fact, qualname in ctx.classes_here(*bases)}
    for node in ctx.tree.body:
        if isinstance(node, ast.ClassDef) and node.name in wanted:
            yield node, wanted[node.name]


def methods(cls: ast.ClassDef) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    return {n.name: n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}


def test_methods(cls: ast.ClassDef) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [m for name, m in methods(cls).items() if name.startswith("test")]


def anchor_module(project) -> str | None:
    """The file project-wide testing findings are reported in (the CI and pytest files are
    not Python): the project's settings module, else a conftest at its root."""
    layout = project.layout
    if layout.settings_module and layout.settings_module in project.facts:
        return layout.settings_module
    return "conftest" if "conftest" in project.facts else None
