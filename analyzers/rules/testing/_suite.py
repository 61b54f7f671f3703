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


_HASHERS = "django.contrib.auth.hashers."
SLOW_HASHERS = frozenset(_HASHERS + name for name in (
    "PBKDF2PasswordHasher", "PBKDF2SHA1PasswordHasher", "Argon2PasswordHasher", "BCryptSHA256PasswordHasher",
    "BCryptPasswordHasher", "ScryptPasswordHasher"))


def first_hasher(project, module: str):
    """(the PASSWORD_HASHERS setting as `module` has it, the first hasher's dotted name or
    None when it cannot be known)."""
    from django_expert.analyzers.facts.values import Const, Seq
    from django_expert.analyzers.rules.deployment._settings import certain, opaque

    setting = project.settings(module).with_default("PASSWORD_HASHERS")
    value = None if opaque(project, module) else certain(setting)
    first = value.items[0] if isinstance(value, Seq) and value.items else None
    return setting, first.value if isinstance(first, Const) and isinstance(first.value, str) else None


def tests_hash_fast(project) -> bool:
    """Whether the tests hash passwords with a fast hasher: a test module sets
    PASSWORD_HASHERS, or every settings module the tests run with names a fast one first
    (False when unknown: a user created in a test then costs a slow hash)."""
    from django_expert.analyzers.project.test_map import test_modules, test_settings_modules

    if any("PASSWORD_HASHERS" in t.overridden_settings for t in test_modules(project)):
        return True
    modules = test_settings_modules(project)
    return bool(modules) and all((hasher := first_hasher(project, m)[1]) is not None and hasher not in SLOW_HASHERS
                                 for m in modules)
