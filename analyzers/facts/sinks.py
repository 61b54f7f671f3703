"""Where data becomes code: the calls that run SQL or a shell command, and whether a value
the taint analysis tracks reaches the dangerous part of them.

Shared by the rules that report it in one function (DJE407 raw-sql-injection, DJE411
command-injection) and by function summaries (`facts/summaries.py`), which record which
parameters of a function reach a sink, so a view passing request data to a helper that
builds the SQL is found across functions and files.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from django_expert.analyzers.facts.names import argument, keyword
from django_expert.analyzers.facts.taint import Taint, built_parts, definitions, literal_text

RAW_SQL = {"django.db.models.expressions.RawSQL", "django.db.models.RawSQL"}
SQL = re.compile(r"\b(select|insert|update|delete|where|from|values|order\s+by|set|create|drop|alter|join)\b",
                 re.IGNORECASE)
SHELL = {"os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput",
         "asyncio.create_subprocess_shell", "commands.getoutput"}
SUBPROCESS = {"subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
              "subprocess.Popen"}


def sql_arguments(call: ast.Call, name: str | None) -> Iterator[tuple[ast.expr, str]]:
    """(SQL expression, kind) for each SQL text a call takes; `name` is the call's qualified
    callee. kind: "sql" (RawSQL), "maybe" (`.execute()`/`.raw()` on anything: SQL only if its
    text says so), "extra" (`.extra(where=[...])`)."""
    func = call.func
    if name in RAW_SQL:
        sql = argument(call, 0, "sql")
        yield from [(sql, "sql")] if sql is not None else []
    elif isinstance(func, ast.Attribute) and func.attr in ("execute", "executemany", "raw"):
        sql = argument(call, 0, "sql" if func.attr != "raw" else "raw_query")
        yield from [(sql, "maybe")] if sql is not None else []
    elif isinstance(func, ast.Attribute) and func.attr == "extra":
        for key in ("where", "select", "tables", "order_by"):
            value = keyword(call, key)
            items = value.elts if isinstance(value, (ast.List, ast.Tuple)) else \
                [v for v in value.values if v is not None] if isinstance(value, ast.Dict) else []
            yield from ((item, "extra") for item in items)


def command_argument(call: ast.Call, name: str | None) -> ast.expr | None:
    """What the shell (or the OS) will run, for the calls that run commands."""
    if name in SHELL:
        return argument(call, 0, "cmd")
    if name not in SUBPROCESS:
        return None
    command = argument(call, 0, "args")
    shell = keyword(call, "shell")
    if isinstance(shell, ast.Constant) and shell.value is True:
        return command
    if isinstance(command, (ast.List, ast.Tuple)) and command.elts and not isinstance(command.elts[0], ast.Starred):
        return command.elts[0]  # without a shell only the program name is dangerous
    return None


def sql_built_from(taint: Taint, sql: ast.expr, kind: str) -> bool:
    """Whether the SQL text at a sink is built from a tracked value (a `.execute()` of
    text that does not read as SQL is not counted)."""
    values = definitions(taint, sql)
    parts = [p for value in values for p in built_parts(value) or ()]
    if not any(taint.untrusted(p) for p in parts):
        return False
    return kind != "maybe" or bool(SQL.search(" ".join(literal_text(v) for v in values)))


def whole_sql(taint: Taint, sql: ast.expr) -> bool:
    """The SQL text is a tracked value itself (`cursor.execute(query)`, `query` a parameter)."""
    return isinstance(sql, ast.Name) and sql.id in taint.untrusted_names and not any(
        v is not None for v in taint.assignments.get(sql.id, ()))


def command_built_from(taint: Taint, command: ast.expr) -> bool:
    return any(taint.untrusted(v) for v in [command, *definitions(taint, command)])


def reached(call: ast.Call, name: str | None, taint: Taint) -> Iterator[str]:
    """The sink kinds ("sql", "shell") a tracked value reaches through `call`."""
    for sql, kind in sql_arguments(call, name):
        if sql_built_from(taint, sql, kind) or kind != "extra" and whole_sql(taint, sql):
            yield "sql"
            break
    command = command_argument(call, name)
    if command is not None and command_built_from(taint, command):
        yield "shell"
