"""Module-level statements the settings evaluator reads: if guards and split-settings include()."""

from __future__ import annotations

import ast
import textwrap

from django_expert.analyzers.facts.extract import extract
from django_expert.analyzers.facts.values import Call, Const, Env, Ref, Unknown
from django_expert.analyzers.source import LineIndex


def statements(source: str):
    source = textwrap.dedent(source)
    facts, _ = extract(ast.parse(source), "p.settings", False, LineIndex(source))
    return facts.statements


def test_if_else_statements_carry_the_condition_that_runs_them():
    first, second, third = statements("""
        import os
        if not os.environ.get("CI") and DEBUG:
            A = 1
        elif os.getenv("MODE", "dev") == "dev":
            A = 2
        else:
            A = 3
    """)
    unset = Env("CI", Const(None))  # os.environ.get: None when unset, unlike os.environ["CI"]
    condition = Call("and", (Call("not", (unset,), ()), Ref("DEBUG")), ())
    assert first.conditional and first.guard == condition
    mode = Call("==", (Env("MODE", Const("dev")), Const("dev")), ())
    assert second.guard == Call("and", (Call("not", (condition,), ()), mode), ())
    assert third.guard == Call("and", (Call("not", (condition,), ()), Call("not", (mode,), ())), ())


def test_try_for_and_with_leave_no_guard():
    found = statements("""
        try:
            A = 1
        except ImportError:
            A = 2
        for x in Y:
            if x:
                B = 1
        C = 1
    """)
    assert [(s.name, s.conditional, s.guard) for s in found] == [
        ("A", True, None), ("A", True, None), ("B", True, None), ("C", False, None),
    ]


def test_a_test_assigned_to_a_setting_is_kept_as_a_value():
    [debug, other] = statements("""
        import os
        DEBUG = os.environ.get("DEBUG", "") == "1"
        OTHER = -x
    """)
    assert debug.value == Call("==", (Env("DEBUG", Const("")), Const("1")), ())
    assert isinstance(other.value, Unknown)


def test_split_settings_include_is_a_statement_in_order():
    first, include, last = statements("""
        from split_settings.tools import include, optional
        A = 1
        include("components/*.py", optional("local.py"), scope=globals())
        B = 2
    """)
    assert (first.name, last.name) == ("A", "B")
    assert include.kind == "include" and include.args == (
        Const("components/*.py"), Call("split_settings.tools.optional", (Const("local.py"),), ()),
    )
