"""Where data becomes code: the calls that run SQL or a shell command, redirect the
browser, mark HTML safe or build Python objects that can run code (pickle, unsafe YAML),
and whether a value the taint analysis tracks reaches the dangerous part of them.

Shared by the rules that report it in one function (DJE407 raw-sql-injection, DJE408
mark-safe-untrusted, DJE409 open-redirect, DJE410 unsafe-deserialization, DJE411
command-injection) and by function summaries (`facts/summaries.py`), which record which
parameters of a function reach a sink, so a view passing request data to a helper that
builds the SQL is found across functions and files.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from django_expert.analyzers.facts.names import argument, keyword
from django_expert.analyzers.facts.taint import Taint, built_parts, definitions, literal_text, own_nodes
from django_expert.analyzers.facts.values import dotted_name

RAW_SQL = {"django.db.models.expressions.RawSQL", "django.db.models.RawSQL"}
SQL = re.compile(r"\b(select|insert|update|delete|where|from|values|order\s+by|set|create|drop|alter|join)\b",
                 re.IGNORECASE)
MARK_SAFE = {"django.utils.safestring.mark_safe", "django.utils.safestring.SafeString",
             "django.utils.safestring.SafeText", "django.utils.html.mark_safe"}
# What another site can make a visitor's browser send (for HTML); headers and cookies it cannot set.
CROSS_SITE = frozenset({"GET", "POST", "data", "query_params", "body", "FILES"})
SHELL = {"os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput",
         "asyncio.create_subprocess_shell", "commands.getoutput"}
SUBPROCESS = {"subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
              "subprocess.Popen"}


YAML_LOADS = {"yaml.load": "safe_load", "yaml.load_all": "safe_load_all"}  # -> the safe function
UNSAFE_LOADERS = {f"yaml.{name}" for name in ("Loader", "UnsafeLoader", "FullLoader", "CLoader", "CUnsafeLoader",
                                              "CFullLoader")}
CODE_LOADS = {f"{module}.{name}" for module in ("pickle", "cPickle", "_pickle", "dill", "marshal", "cloudpickle")
              for name in ("loads", "load")} | {"jsonpickle.decode", "yaml.unsafe_load", "yaml.unsafe_load_all",
                                                  "pickle.Unpickler"}


def deserialised_argument(call: ast.Call, name: str | None, qualify) -> ast.expr | None:
    """The data a call builds Python objects from, for the loaders that can run code:
    pickle and its kin, and `yaml.load` without a safe loader (`qualify` names the loader)."""
    if name in CODE_LOADS:
        return call.args[0] if call.args and not isinstance(call.args[0], ast.Starred) else None
    if name in YAML_LOADS:
        loader = keyword(call, "Loader") or argument(call, 1)
        dotted = dotted_name(loader) if loader is not None else None
        if loader is None or dotted and qualify(dotted) in UNSAFE_LOADERS:
            return argument(call, 0, "stream")
    return None


def deserialised_from(taint: Taint, data: ast.expr) -> bool:
    return taint.untrusted(data) or any(taint.untrusted(v) for v in definitions(taint, data))


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


def redirect_target(call: ast.Call, name: str | None) -> ast.expr | None:
    """Where a redirect sends the browser, for the calls that redirect."""
    return argument(call, 0, REDIRECTS[name]) if name in REDIRECTS else None


def reached(call: ast.Call, name: str | None, taint: Taint) -> Iterator[str]:
    """The sink kinds ("sql", "shell", "redirect", "html", "code") a tracked value reaches through `call`;
    a redirect counts when the value decides the host (see `controls_host`)."""
    for sql, kind in sql_arguments(call, name):
        if sql_built_from(taint, sql, kind) or kind != "extra" and whole_sql(taint, sql):
            yield "sql"
            break
    command = command_argument(call, name)
    if command is not None and command_built_from(taint, command):
        yield "shell"
    target = redirect_target(call, name)
    if target is not None and controls_host(taint, target, frozenset()):
        yield "redirect"
    if name in MARK_SAFE and call.args and not isinstance(call.args[0], ast.Starred) \
            and html_built_from(taint, call.args[0]):
        yield "html"
    data = deserialised_argument(call, name, taint.qualify)
    if data is not None and deserialised_from(taint, data):
        yield "code"


def html_built_from(taint: Taint, html: ast.expr) -> bool:
    """Whether HTML marked safe is (or is built from) a tracked value."""
    parts = [p for value in definitions(taint, html) for p in built_parts(value) or ()]
    return taint.untrusted(html) or any(taint.untrusted(p) for p in parts)


REDIRECTS = {
    "django.shortcuts.redirect": "to",
    "django.http.HttpResponseRedirect": "redirect_to",
    "django.http.HttpResponsePermanentRedirect": "redirect_to",
    "django.http.response.HttpResponseRedirect": "redirect_to",
    "django.http.response.HttpResponsePermanentRedirect": "redirect_to",
}
CHECKS = ("url_has_allowed_host_and_scheme", "is_safe_url")
# Where a link can put a target. Not the Referer header: it names the page the visitor
# came from, so "redirect back" sends them nowhere they were not already.
PARAMETERS = frozenset({"GET", "POST", "query_params", "data"})
# A literal start that already fixes the host: "/path" (not "//"), "https://host/", "?x=", "#top".
FIXED_HOST = re.compile(r"^(/[^/\\]|[a-z][a-z0-9+.-]*://[^/?#]+[/?#]|[?#]|[^:/?#]*[/?#])", re.IGNORECASE)


def is_url_check(name: str | None) -> bool:
    """`url_has_allowed_host_and_scheme()` & co., by a call's qualified callee."""
    return (name or "").rpartition(".")[2] in CHECKS


def controls_host(taint: Taint, node: ast.expr, seen: frozenset[str]) -> bool:
    """Whether request data can decide where the URL points (its scheme and host): it must
    come first, before any literal that fixes the host. A query string or path appended to a
    URL the code chose (`reverse(...) + "?" + request.GET.urlencode()`) cannot."""
    prefix = ""
    for piece in _pieces(node):
        if isinstance(piece, str):
            prefix += piece
            if FIXED_HOST.match(prefix):
                return False
            continue
        if isinstance(piece, ast.Name) and piece.id in taint.assignments:
            if piece.id in seen:
                continue
            return any(controls_host(taint, value, seen | {piece.id}) for value in definitions(taint, piece))
        if isinstance(piece, (ast.BoolOp, ast.IfExp)):
            options = piece.values if isinstance(piece, ast.BoolOp) else [piece.body, piece.orelse]
            return any(controls_host(taint, option, seen) for option in options)
        return taint.untrusted(piece)
    return False


def _pieces(node: ast.expr) -> list:
    """A string expression as its pieces in order: literal text (str) and expressions."""
    match node:
        case ast.Constant(value=str() as text):
            return [text]
        case ast.JoinedStr(values=values):
            return [v.value for v in values]  # literal text, or the interpolated expression
        case ast.BinOp(op=ast.Add(), left=left, right=right):
            return _pieces(left) + _pieces(right)
        case ast.BinOp(op=ast.Mod(), left=ast.Constant(value=str() as template), right=right):
            values = list(right.elts) if isinstance(right, ast.Tuple) else [right]
            chunks = re.split(r"%[sdr]", template)
            if len(chunks) != len(values) + 1:
                return [node]
            pieces = [item for pair in zip(chunks, values) for item in pair]
            return [*pieces, chunks[-1]]
    return [node]


def guarded(taint: Taint, function) -> bool:
    """Whether a condition passes request data to a function (`if allowed(url):`); a method
    of the value itself (`url.startswith("/")`) is no check (`//evil.example` passes it)."""
    tests = [n.test for n in own_nodes(function) if isinstance(n, (ast.If, ast.IfExp, ast.While, ast.Assert))]
    return any(isinstance(node, ast.Call) and not isinstance(node.func, ast.Attribute)
               and any(taint.untrusted(a) for a in [*node.args, *(k.value for k in node.keywords)])
               for test in tests for node in ast.walk(test))


# The sink functions themselves, by qualified name: a call of one is the rules' direct case.
DIRECT_SINKS = frozenset({*RAW_SQL, *SHELL, *SUBPROCESS, *MARK_SAFE, *REDIRECTS, *CODE_LOADS, *YAML_LOADS})
