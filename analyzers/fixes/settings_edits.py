"""libcst edits the settings fixers share: set a setting (replace its value or add the
assignment), make sure `os` is imported, reorder or extend a list literal such as
MIDDLEWARE, and replace a value inside a nested dict such as DATABASES. Each returns the
new module text, or None when the code no longer has the shape the finding saw."""

from __future__ import annotations

import libcst as cst
from django_expert.analyzers.fixes import FixSource


def _assign_of(statement: cst.CSTNode, name: str) -> cst.Assign | None:
    if isinstance(statement, cst.SimpleStatementLine):
        for small in statement.body:
            if isinstance(small, cst.Assign) and any(
                isinstance(t.target, cst.Name) and t.target.value == name for t in small.targets
            ):
                return small
    return None


def top_assignment(module: cst.Module, name: str) -> cst.Assign | None:
    """The last module-level (not nested) `name = ...`."""
    found = None
    for statement in module.body:
        found = _assign_of(statement, name) or found
    return found


def _is_star_import(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and any(
        isinstance(s, cst.ImportFrom) and isinstance(s.names, cst.ImportStar) for s in statement.body
    )


def set_setting(module: cst.Module, name: str, value_code: str) -> cst.Module:
    """Replace the value of the module-level `name = ...`; without one, add the assignment
    after the last star import (so later statements see it), else at the end."""
    assignment = top_assignment(module, name)
    value = cst.parse_expression(value_code)
    if assignment is not None:
        return module.deep_replace(assignment, assignment.with_changes(value=value))
    line = cst.parse_statement(f"{name} = {value_code}\n", config=module.config_for_parsing)
    body = list(module.body)
    stars = [i for i, statement in enumerate(body) if _is_star_import(statement)]
    position = stars[-1] + 1 if stars else len(body)
    if position == len(body) and body:
        line = line.with_changes(leading_lines=[cst.EmptyLine()])
    body.insert(position, line)
    return module.with_changes(body=body)


def ensure_import_os(module: cst.Module) -> cst.Module:
    """Add `import os` before the first module-level import (after a docstring and
    `from __future__` imports) unless `os` is imported already."""
    body = list(module.body)
    position = None
    for index, statement in enumerate(body):
        if not isinstance(statement, cst.SimpleStatementLine):
            if position is None:
                position = index
            continue
        for small in statement.body:
            if isinstance(small, cst.Import) and any(
                a.asname is None and isinstance(a.name, cst.Name) and a.name.value == "os" for a in small.names
            ):
                return module
        first = statement.body[0]
        is_docstring = index == 0 and isinstance(first, cst.Expr) and isinstance(first.value, cst.SimpleString)
        is_future = isinstance(first, cst.ImportFrom) and isinstance(first.module, cst.Name) \
            and first.module.value == "__future__"
        if position is None and not is_docstring and not is_future:
            position = index
    position = len(body) if position is None else position
    line = cst.parse_statement("import os\n", config=module.config_for_parsing)
    if position < len(body):
        moved = body[position]
        line = line.with_changes(leading_lines=moved.leading_lines)
        body[position] = moved.with_changes(leading_lines=[])
    body.insert(position, line)
    return module.with_changes(body=body)


def set_setting_from_environment(source: FixSource, name: str, value_code: str) -> str | None:
    """`name = <value_code>` (an expression reading os.environ), with `import os` added."""
    return ensure_import_os(set_setting(source.module, name, value_code)).code


# -- list literals ---------------------------------------------------------------------------


def list_strings(node: cst.BaseExpression) -> list[str | None] | None:
    """The items of a list/tuple literal: each a string constant, or None for other items."""
    if not isinstance(node, (cst.List, cst.Tuple)):
        return None
    items: list[str | None] = []
    for element in node.elements:
        value = element.value if isinstance(element, cst.Element) else None
        items.append(value.evaluated_value if isinstance(value, cst.SimpleString) else None)
    return items


def _separator(node: cst.List | cst.Tuple) -> cst.Comma:
    """A comma laid out like the ones between the literal's items."""
    elements = node.elements
    if len(elements) > 1 and isinstance(elements[0].comma, cst.Comma):
        return elements[0].comma
    opening = node.lbracket.whitespace_after if isinstance(node, cst.List) else (
        node.lpar[0].whitespace_after if node.lpar else cst.SimpleWhitespace(""))
    if isinstance(opening, cst.ParenthesizedWhitespace):
        return cst.Comma(whitespace_after=opening)
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def _own_comment(comma) -> cst.TrailingWhitespace | None:
    if isinstance(comma, cst.Comma) and isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace):
        return comma.whitespace_after.first_line
    return None


def rearrange_list(source: FixSource, name: str, order: list[int | str]) -> str | None:
    """Rewrite the list/tuple assigned to module-level `name`: `order` lists, in the new
    order, indices of existing items and the strings to add (quoted like the others). Commas keep their places (the
    layout stays as it was) and an item's own trailing comment moves with it."""
    assignment = top_assignment(source.module, name)
    node = assignment.value if assignment is not None else None
    if not isinstance(node, (cst.List, cst.Tuple)) or (isinstance(node, cst.Tuple) and not node.lpar):
        return None
    old = list(node.elements)
    separator = _separator(node)
    commas = [e.comma for e in old]
    if not old:
        return None
    last = commas[-1]
    slots = commas[:-1] + [separator] * (len(order) - len(old)) + [last]
    if len(order) < len(old):
        slots = commas[: len(order) - 1] + [last]
    new = []
    for position, item in enumerate(order):
        comma = slots[position]
        if isinstance(item, int):
            element = old[item]
            comment = _own_comment(element.comma) or cst.TrailingWhitespace()
        else:
            element = cst.Element(cst.SimpleString(_quoted(item, old)))
            comment = cst.TrailingWhitespace()
        if isinstance(comma, cst.Comma) and isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace):
            comma = comma.with_changes(whitespace_after=comma.whitespace_after.with_changes(first_line=comment))
        new.append(element.with_changes(comma=comma))
    return source.module.deep_replace(node, node.with_changes(elements=new)).code


def _quoted(text: str, elements: list) -> str:
    quote = next((e.value.quote for e in elements if isinstance(e.value, cst.SimpleString)), '"')
    return f"{quote}{text}{quote}" if quote in ("'", '"') and quote not in text else repr(text)


# -- nested dicts ----------------------------------------------------------------------------


def _dict_value(node: cst.BaseExpression, key: str) -> cst.DictElement | None:
    if not isinstance(node, cst.Dict):
        return None
    found = None
    for element in node.elements:
        if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString) \
                and element.key.evaluated_value == key:
            found = element
    return found


def replace_dict_value(source: FixSource, name: str, path: tuple[str, ...], value_code: str) -> str | None:
    """Replace `name[path[0]][path[1]]...` where it is written: inside the dict literal of
    the last module-level `name = {...}`, or as the value of `name["a"]["b"] = ...`."""
    module = source.module
    target: cst.BaseExpression | None = None
    for statement in module.body:
        assignment = _assign_of(statement, name)
        if assignment is not None:
            node: cst.BaseExpression | None = assignment.value
            for key in path:
                element = _dict_value(node, key) if node is not None else None
                node = element.value if element is not None else None
            target = node if node is not None else target
        elif isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Assign) and len(small.targets) == 1 and _subscript_path(small.targets[0].target, name) == path:
                    target = small.value
    if target is None:
        return None
    return ensure_import_os(module.deep_replace(target, cst.parse_expression(value_code))).code


def _subscript_path(node: cst.BaseExpression, name: str) -> tuple[str, ...] | None:
    keys: list[str] = []
    while isinstance(node, cst.Subscript):
        if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
            return None
        key = node.slice[0].slice.value
        if not isinstance(key, cst.SimpleString):
            return None
        keys.append(key.evaluated_value)
        node = node.value
    return tuple(reversed(keys)) if isinstance(node, cst.Name) and node.value == name else None
