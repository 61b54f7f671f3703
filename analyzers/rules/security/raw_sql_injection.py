"""DJE407 raw-sql-injection

## What it does
Finds raw SQL — `cursor.execute()`, `Model.objects.raw()`, `RawSQL()`, `.extra()` — whose
SQL text is built with an f-string, `%`, `.format()` or `+` from data the HTTP client
sent: `request.GET`/`POST`/`data`/`query_params`/`body`/`headers`/`COOKIES`/`META`, a URL
parameter of the view, a form's `cleaned_data` or a serializer's `validated_data`, or a
local variable holding one of those. Also across functions and files: a view passing such
a value to a project function that builds SQL from that parameter, itself or in a function
it passes the value on to (up to four calls deep); the finding is on the call, and names
the function holding the SQL.

Values the analyser cannot trace to the request (table names from `_meta`, settings,
constants) are left alone.

## Why is this bad?
The value becomes part of the SQL statement instead of being sent as a parameter, so a
client who puts `' OR 1=1 --` in it changes the query: it can read other users' rows,
bypass checks or modify the database. Django's ORM and query parameters escape values;
string formatting does not.

## Example
```python
def search(request):
    term = request.GET["q"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM shop_product WHERE name = '{term}'")
```

## Use instead
```python
def search(request):
    term = request.GET["q"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM shop_product WHERE name = %s", [term])
```
The fix moves the values into a parameter list (for an f-string or a `%` format written
in the call); check the placeholders and types before applying it (unsafe fix).

## References
- https://docs.djangoproject.com/en/stable/topics/db/sql/#passing-parameters-into-raw
- https://docs.djangoproject.com/en/stable/topics/security/#sql-injection-protection
- https://owasp.org/www-community/attacks/SQL_Injection
"""

from __future__ import annotations

import ast
import re

from django_expert.analyzers.facts.calls import call_index
from django_expert.analyzers.facts.names import Names
from django_expert.analyzers.facts.sinks import sql_arguments, sql_built_from
from django_expert.analyzers.facts.taint import Taint
from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.span_edits import quote_of, replace_checked, string_literal
from django_expert.analyzers.project.tainted_calls import findings_across
from django_expert.analyzers.rules.registry import fixer, rule

PLACEHOLDER = re.compile(r"%.")
FIX_TITLE = "Pass the values as query parameters"


@rule("DJE407", "raw-sql-injection", tier="recommended", fix=Applicability.UNSAFE,
      triggers=(".execute(", ".executemany(", ".raw(", "RawSQL(", ".extra(", "request"))
def check(ctx):
    names = Names(ctx.facts, ctx.tree)
    if ctx.project is not None:
        yield from _across_functions(ctx)
    for scope in call_index(ctx.tree).functions():
        function, owner = scope.function, scope.owner
        sinks = [(node, sql, kind) for node in scope.calls
                 for sql, kind in sql_arguments(node, names.call(node))]
        if not sinks:
            continue
        taint = Taint(function, names.qualify, owner, module=ctx.module)
        for call, sql, kind in sinks:
            if not sql_built_from(taint, sql, kind):
                continue
            fix = _parameterised(ctx, call, sql) if kind != "extra" else None
            yield ctx.report(
                call,
                f"SQL passed to `{_callee(call)}` is built from request data in `{function.name}`: a client "
                f"can change the query (SQL injection); pass the values as parameters",
                fix_title=FIX_TITLE if fix else "",
                fix_data=fix or (),
            )


def _callee(call: ast.Call) -> str:
    return call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "RawSQL")


def _parameterised(ctx, call: ast.Call, sql: ast.expr):
    """fix_data replacing the SQL argument by `"...%s...", [values]`, when that is mechanical."""
    if len(call.args) != 1 or call.keywords or call.args[0] is not sql:
        return None
    segment = ast.get_source_segment(ctx.text, sql)
    if isinstance(sql, ast.JoinedStr):
        pieces, values = _from_fstring(sql)
    elif isinstance(sql, ast.BinOp) and isinstance(sql.left, ast.Constant) and isinstance(sql.left.value, str):
        pieces, values = _from_percent(sql.left.value, sql.right)
    else:
        return None
    quote = quote_of(segment or "")
    if pieces is None or quote is None:
        return None
    text = "".join(pieces)
    arguments = ", ".join(ast.get_source_segment(ctx.text, v) or ast.unparse(v) for v in values)
    span = ctx.lines.span(sql)
    new = f"{string_literal(text, quote)}, [{arguments}]"
    return (span.start.line, span.start.column, span.end.line, span.end.column, segment, new)


def _from_fstring(node: ast.JoinedStr):
    pieces: list[str] = []
    values = []
    for value in node.values:
        if isinstance(value, ast.Constant):
            pieces.append(value.value.replace("%", "%%"))
        elif value.conversion != -1 or value.format_spec is not None:
            return None, []
        else:
            pieces.append("%s")
            values.append(value.value)
    return _unquote(pieces), values


def _from_percent(template: str, right: ast.expr):
    values = list(right.elts) if isinstance(right, ast.Tuple) else [right]
    placeholders = [p for p in PLACEHOLDER.findall(template) if p != "%%"]
    if any(p != "%s" for p in placeholders) or len(placeholders) != len(values) or isinstance(right, ast.Dict):
        return None, []
    pieces = []
    for index, chunk in enumerate(re.split(r"(?<!%)%s", template)):
        pieces += [chunk] if index == 0 else ["%s", chunk]
    return _unquote(pieces), values


def _unquote(pieces: list[str]) -> list[str] | None:
    """'%s' -> %s (the driver quotes parameters); None when a placeholder sits inside a
    longer quoted literal ('%{x}%'), which needs a human."""
    pieces = list(pieces)
    for index, piece in enumerate(pieces):
        if piece != "%s":
            continue
        before, after = pieces[index - 1] if index else "", pieces[index + 1] if index + 1 < len(pieces) else ""
        if before.endswith("'") and after.startswith("'"):
            pieces[index - 1], pieces[index + 1] = before[:-1], after[1:]
        elif "".join(pieces[:index]).count("'") % 2:
            return None
    return pieces


@fixer("DJE407")
def fix(source: FixSource, finding):
    if not finding.fix_data:
        return None
    *span, expected, new = finding.fix_data
    text = replace_checked(source, tuple(span), expected, new)
    return source.fix(FIX_TITLE, Applicability.UNSAFE, text) if text else None


def _across_functions(ctx):
    """Request data handed to a project function that puts it in this rule's sink."""
    return findings_across(
        ctx, "sql",
        "request data passed to `{callee}()` in `{function}` reaches SQL text{where}: a client can change"
        " the query (SQL injection); pass the values as query parameters there",
        "uses it here",
    )
