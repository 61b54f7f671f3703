"""Edits the data-modeling and app fixers share: set a keyword on a model field's call,
swap a field's class, move a Meta option to another, add a reverse step to `RunPython`,
point settings imports at `django.conf.settings`.

Each returns the new module text, or None when the code no longer has the shape the
finding saw. Edits of a class body use libcst (comments and layout kept); edits located by
an ast position (a call inside a migration, an import) work on the text directly.
"""

from __future__ import annotations

import ast

import libcst as cst
from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.edit_calls import (
    _attribute_call,
    _class,
    _replace,
    meta_assignment,
)
from django_expert.analyzers.parsing import parse_module

# -- model fields (libcst) -------------------------------------------------------------------


def set_keyword(source: FixSource, class_name: str, attr: str, keyword: str, value_code: str) -> str | None:
    """`attr = Field(...)` in `class_name`: set `keyword=value_code`, replacing its value or
    appending it as the last argument."""
    cls = _class(source.module, class_name)
    call = _attribute_call(cls, attr) if cls else None
    if call is None:
        return None
    value = cst.parse_expression(value_code)
    args = list(call.args)
    for index, arg in enumerate(args):
        if arg.keyword is not None and arg.keyword.value == keyword:
            args[index] = arg.with_changes(value=value)
            return _replace(source.module, call, call.with_changes(args=args))
    new = cst.Arg(value=value, keyword=cst.Name(keyword),
                  equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                        whitespace_after=cst.SimpleWhitespace("")))
    if args:
        last = args[-1]
        if isinstance(last.comma, cst.Comma):
            # A trailing comma (one argument per line): the new argument takes the same layout.
            new = new.with_changes(comma=last.comma)
        else:
            args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        if any(a.star for a in args):
            return None  # after **kwargs a keyword would still be valid, but keep it simple
    args.append(new)
    return _replace(source.module, call, call.with_changes(args=args))


def replace_field_class(source: FixSource, class_name: str, attr: str, old: str, new: str,
                        keywords: tuple[tuple[str, str], ...] = ()) -> str | None:
    """`attr = models.<old>(...)` -> `models.<new>(..., k=v)` for the `keywords` not given yet."""
    cls = _class(source.module, class_name)
    call = _attribute_call(cls, attr) if cls else None
    if call is None:
        return None
    func = call.func
    if isinstance(func, cst.Attribute) and func.attr.value == old:
        func = func.with_changes(attr=cst.Name(new))
    elif isinstance(func, cst.Name) and func.value == old:
        func = cst.Name(new)
    else:
        return None
    updated = call.with_changes(func=func)
    present = {a.keyword.value for a in call.args if a.keyword is not None}
    text = _replace(source.module, call, updated)
    for keyword, value in keywords:
        if keyword not in present:
            step = set_keyword(FixSource(source.path, text, source.project), class_name, attr, keyword, value)
            if step is None:
                return None
            text = step
    return text


# -- Meta options (libcst) -------------------------------------------------------------------


def move_meta_option(source: FixSource, class_name: str, old: str, new: str, items_code: list[str]) -> str | None:
    """Drop `Meta.<old>` of `class_name` and add `items_code` to `Meta.<new>`: appended to
    its list when it is a literal list or tuple, else a new `<new> = [...]` where `old` was."""
    cls = _class(source.module, class_name)
    meta = next((i for i in cls.body.body if isinstance(i, cst.ClassDef) and i.name.value == "Meta"), None) \
        if cls is not None else None
    old_assignment = meta_assignment(cls, old) if cls is not None else None
    if meta is None or old_assignment is None or not isinstance(meta.body, cst.IndentedBlock):
        return None
    existing = meta_assignment(cls, new)
    # libcst adds the enclosing blocks' indentation to the lines of a bracketed expression,
    # so the new lines are indented relative to the statement.
    item_indent, statement_indent = meta.body.indent or source.module.default_indent, ""
    body = []
    for line in meta.body.body:
        is_old = isinstance(line, cst.SimpleStatementLine) and any(small is old_assignment for small in line.body)
        is_new = existing is not None and isinstance(line, cst.SimpleStatementLine) and any(
            small is existing for small in line.body)
        if is_new:
            value = existing.value
            if not isinstance(value, (cst.List, cst.Tuple)):
                return None
            code = source.module.code_for_node(value)
            merged = _append_items(code, items_code, item_indent, statement_indent)
            if merged is None:
                return None
            line = line.with_changes(body=[existing.with_changes(value=cst.parse_expression(merged))
                                           if small is existing else small for small in line.body])
        if is_old:
            if existing is not None:
                if len(line.body) > 1:
                    return None
                continue
            listing = "[\n" + "".join(f"{item_indent}{item},\n" for item in items_code) + statement_indent + "]"
            line = line.with_changes(body=[cst.Assign(targets=[cst.AssignTarget(cst.Name(new))],
                                                      value=cst.parse_expression(listing))
                                           if small is old_assignment else small for small in line.body])
        body.append(line)
    new_meta = meta.with_changes(body=meta.body.with_changes(body=body))
    return _replace(source.module, meta, new_meta)


def _append_items(code: str, items: list[str], indent: str, closing_indent: str) -> str | None:
    """A list/tuple literal's code with `items` added before its closing bracket."""
    code = code.rstrip()
    closing = code[-1]
    inner = code[1:-1].rstrip()
    added = "".join(f"{indent}{item},\n" for item in items)
    if not inner:
        return f"{code[0]}\n{added}{closing_indent}{closing}"
    separator = "" if inner.endswith(",") else ","
    if "\n" in code:
        return f"{code[0]}{inner}{separator}\n{added}{closing_indent}{closing}"
    if closing == ")" and len(inner.split(",")) == 1 and not separator:
        separator = ","
    return code[0] + inner + separator + " " + ", ".join(items) + closing


# -- calls located by an ast position (text) --------------------------------------------------


def _tree(text: str) -> ast.Module | None:
    try:
        return parse_module(text)
    except (SyntaxError, ValueError, RecursionError):
        return None


def text_offset(text: str, line: int, byte_column: int) -> int:
    """The string offset of an ast position (1-based line, UTF-8 byte column)."""
    start = 0
    for _ in range(line - 1):
        start = text.index("\n", start) + 1
    row = text[start:].split("\n", 1)[0]
    return start + len(row.encode("utf-8")[:byte_column].decode("utf-8", "ignore"))


def _call_at(tree: ast.Module, line: int, column: int) -> ast.Call | None:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.lineno == line and node.col_offset == column:
            return node
    return None


def add_reverse_code(source: FixSource, line: int, column: int) -> str | None:
    """`RunPython(forward)` at (line, column) -> `RunPython(forward, RunPython.noop)`, spelled
    the way the call names RunPython (`migrations.RunPython.noop`)."""
    text = source.text
    tree = _tree(text)
    call = _call_at(tree, line, column) if tree is not None else None
    if call is None or len(call.args) > 1 or any(k.arg in (None, "reverse_code") for k in call.keywords):
        return None
    callee = ast.get_source_segment(text, call.func)
    if not callee:
        return None
    last = max([*call.args, *(k.value for k in call.keywords)], key=lambda n: (n.end_lineno, n.end_col_offset),
               default=None)
    if last is None:
        return None
    at = text_offset(text, last.end_lineno, last.end_col_offset)
    addition = f", {callee}.noop" if call.args and not call.keywords else f", reverse_code={callee}.noop"
    return text[:at] + addition + text[at:]


# -- settings imports (text) -------------------------------------------------------------------

_DJANGO_SETTINGS = "from django.conf import settings"


def _statement_at(tree: ast.Module, line: int, column: int) -> ast.Import | ast.ImportFrom | None:
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)) and node.lineno == line and node.col_offset == column:
            return node
    return None


def _bindings(tree: ast.Module, skip: ast.stmt) -> dict[str, int]:
    """How often each name is bound in the file other than by `skip` (assignments,
    parameters, definitions, imports, global declarations)."""
    counts: dict[str, int] = {}

    def bind(name: str) -> None:
        counts[name] = counts.get(name, 0) + 1

    for node in ast.walk(tree):
        if node is skip:
            continue
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bind(node.id)
        elif isinstance(node, ast.arg):
            bind(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bind(node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            for name in node.names:
                bind(name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if not (isinstance(node, ast.ImportFrom) and node.module == "django.conf" and alias.name == "settings"
                        and alias.asname in (None, "settings")):
                    bind(alias.asname or alias.name.split(".")[0])
    return counts


def rewrite_settings_import(source: FixSource, line: int, column: int, module: str, names: bool) -> str | None:
    """Point the import at (line, column) of settings module `module` at django.conf.settings:
    `from m import A, B as C` -> `from django.conf import settings` with `A` -> `settings.A`
    and `C` -> `settings.B`; `from pkg import settings` / `import m as s` -> the same import
    from django.conf. None when a name is rebound or used in a way the rewrite cannot keep."""
    text = source.text
    tree = _tree(text)
    node = _statement_at(tree, line, column) if tree is not None else None
    if node is None:
        return None
    tail = text[text_offset(text, node.end_lineno, node.end_col_offset):].split("\n", 1)[0].strip()
    if tail and not tail.startswith("#"):
        return None  # `import x; y()`: not a statement of its own
    bindings = _bindings(tree, node)
    edits: list[tuple[int, int, str]] = []
    if names:
        renames = {alias.asname or alias.name: alias.name for alias in node.names}
        if not all(name.isupper() for name in renames.values()) or any(n in bindings for n in renames) \
                or "settings" in bindings:
            return None
        for found in ast.walk(tree):
            if isinstance(found, ast.Name) and found.id in renames:
                edits.append((text_offset(text, found.lineno, found.col_offset),
                              text_offset(text, found.end_lineno, found.end_col_offset), f"settings.{renames[found.id]}"))
        replacement = _DJANGO_SETTINGS
    else:
        if len(node.names) != 1:
            return None
        alias = node.names[0]
        if isinstance(node, ast.Import) and alias.asname is None and "." in alias.name:
            return None  # uses read `pkg.settings.X`: more than an import to change
        local = alias.asname or alias.name
        if bindings.get(local):
            return None
        values = {id(a.value) for a in ast.walk(tree) if isinstance(a, ast.Attribute)}
        for found in ast.walk(tree):
            if isinstance(found, ast.Name) and found.id == local and id(found) not in values:
                return None  # the module object itself is passed around
            if isinstance(found, ast.Attribute) and isinstance(found.value, ast.Name) and found.value.id == local \
                    and not found.attr.isupper():
                return None  # a helper of the settings file, which django.conf.settings does not have
        replacement = _DJANGO_SETTINGS + ("" if local == "settings" else f" as {local}")
    edits.append((text_offset(text, node.lineno, node.col_offset),
                  text_offset(text, node.end_lineno, node.end_col_offset), replacement))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text
