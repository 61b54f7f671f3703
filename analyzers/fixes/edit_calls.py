"""libcst edits the model and serializer fixers share: find a class attribute's call, drop a
keyword, set a Meta option, add a method. Each returns the new module text, or None when
the code no longer has the shape the finding saw (the user edited it meanwhile)."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import libcst as cst

from django_expert.analyzers.fixes import FixSource


def _class(module: cst.Module, name: str) -> cst.ClassDef | None:
    for statement in module.body:
        if isinstance(statement, cst.ClassDef) and statement.name.value == name:
            return statement
    return None


class _ReplaceNode(cst.CSTTransformer):
    def __init__(self, old: cst.CSTNode, new: cst.CSTNode) -> None:
        self.old, self.new = old, new

    def on_leave(self, original, updated):
        return self.new if original is self.old else updated


def _replace(module: cst.Module, old: cst.CSTNode, new: cst.CSTNode) -> str:
    """The module's code with `old` replaced by `new`: only the top-level statement that
    holds `old` is transformed and written again, into its own span of the module's code
    (a whole-module visit, or writing the whole module per fix, costs seconds on big files)."""
    layout = _layout(module)
    index = layout.owners.get(id(old)) if layout is not None else None
    if index is None:
        return _replaced(module, old, new).code
    statement = module.body[index]
    changed = _copied_along(layout, statement, old, new)
    if changed is None:
        changed = statement.visit(_ReplaceNode(old, new))
    start, end = layout.spans[index]
    return layout.code[:start] + module.code_for_node(changed) + layout.code[end:]


def _replaced(module: cst.Module, old: cst.CSTNode, new: cst.CSTNode) -> cst.Module:
    """`_replace`'s new tree, for fixes that make several edits and write the code once."""
    body = list(module.body)
    layout = _LAYOUTS.get(id(module))
    known = layout[1].owners.get(id(old)) if layout is not None and layout[0] is module else None
    for index, statement in enumerate(body):
        if statement is old:
            body[index] = new
            return module.with_changes(body=body)
        if index == known or (known is None and _holds(statement, old)):
            body[index] = statement.visit(_ReplaceNode(old, new))
            return module.with_changes(body=body)
    return module.visit(_ReplaceNode(old, new))


@dataclass
class _Layout:
    """A module's code, each top-level statement's span in it, and which statement holds each
    node (by id): made once per parsed file, shared by the fixes asked for in it."""

    code: str
    spans: list[tuple[int, int]]
    owners: dict[int, int]
    parents: dict[int, cst.CSTNode]  # id(node) -> the node whose child it is


# The layouts of the last few modules, with the module itself (its nodes' ids stay theirs).
_LAYOUTS: OrderedDict[int, tuple[cst.Module, _Layout | None]] = OrderedDict()
_KEPT = 4


def _layout(module: cst.Module) -> _Layout | None:
    """`module`'s layout, or None when its code is not the plain sequence of its parts
    (no trailing newline: libcst drops the last statement's)."""
    entry = _LAYOUTS.get(id(module))
    if entry is not None and entry[0] is module:
        _LAYOUTS.move_to_end(id(module))
        return entry[1]
    layout = _made_layout(module) if module.has_trailing_newline else None
    _LAYOUTS[id(module)] = (module, layout)
    while len(_LAYOUTS) > _KEPT:
        _LAYOUTS.popitem(last=False)
    return layout


def _made_layout(module: cst.Module) -> _Layout | None:
    if not module.body:
        return None
    parts = [module.code_for_node(line) for line in module.header]
    offset = sum(map(len, parts))
    spans = []
    for statement in module.body:
        text = module.code_for_node(statement)
        parts.append(text)
        spans.append((offset, offset + len(text)))
        offset += len(text)
    parts += [module.code_for_node(line) for line in module.footer]
    code = "".join(parts)
    owners: dict[int, int] = {}
    parents: dict[int, cst.CSTNode] = {}
    for index, statement in enumerate(module.body):
        stack = [statement]
        while stack:
            current = stack.pop()
            owners[id(current)] = index
            children = current.children
            for child in children:
                parents[id(child)] = current
            stack.extend(children)
    return _Layout(code, spans, owners, parents)


def _copied_along(layout: _Layout, statement: cst.CSTNode, old: cst.CSTNode, new: cst.CSTNode) -> cst.CSTNode | None:
    """`statement` with `old` replaced by `new`, copying only the nodes from `old` up to it
    (a transformer visits, and copies, the whole statement: a large class per fix). None
    when a parent does not hold its child in a field or a sequence of one."""
    node, replacement = old, new
    while node is not statement:
        parent = layout.parents.get(id(node))
        if parent is None:
            return None
        changes = _field_holding(parent, node, replacement)
        if changes is None:
            return None
        node, replacement = parent, parent.with_changes(**changes)
    return replacement


def _field_holding(parent: cst.CSTNode, child: cst.CSTNode, replacement: cst.CSTNode) -> dict | None:
    for name in parent.__dataclass_fields__:
        value = getattr(parent, name)
        if value is child:
            return {name: replacement}
        if isinstance(value, (tuple, list)):
            for position, item in enumerate(value):
                if item is child:
                    items = list(value)
                    items[position] = replacement
                    return {name: type(value)(items) if isinstance(value, tuple) else items}
    return None


def _holds(root: cst.CSTNode, node: cst.CSTNode) -> bool:
    """Whether `node` is inside `root` (identity), without a transformer's copying."""
    stack = [root]
    while stack:
        current = stack.pop()
        if current is node:
            return True
        stack.extend(current.children)
    return False


def _attribute_call(cls: cst.ClassDef, attr: str) -> cst.Call | None:
    for line in cls.body.body:
        if isinstance(line, cst.SimpleStatementLine):
            for small in line.body:
                if (isinstance(small, cst.Assign) and isinstance(small.value, cst.Call)
                        and any(isinstance(t.target, cst.Name) and t.target.value == attr for t in small.targets)):
                    return small.value
    return None


def remove_keyword(source: FixSource, class_name: str, attr: str, keyword: str) -> str | None:
    """`attr = Field(a, keyword=x, b=y)` in class `class_name` -> `attr = Field(a, b=y)`."""
    cls = _class(source.module, class_name)
    call = _attribute_call(cls, attr) if cls else None
    if call is None:
        return None
    args = list(call.args)
    index = next((i for i, a in enumerate(args) if a.keyword and a.keyword.value == keyword), None)
    if index is None:
        return None
    removed = args.pop(index)
    if args and index == len(args):
        # The last argument went: the new last one takes over its trailing comma (or none).
        args[-1] = args[-1].with_changes(comma=removed.comma)
    return _replace(source.module, call, call.with_changes(args=args))


def meta_assignment(cls: cst.ClassDef, name: str) -> cst.Assign | None:
    for item in cls.body.body:
        if isinstance(item, cst.ClassDef) and item.name.value == "Meta":
            for line in item.body.body:
                if isinstance(line, cst.SimpleStatementLine):
                    for small in line.body:
                        if isinstance(small, cst.Assign) and any(
                            isinstance(t.target, cst.Name) and t.target.value == name for t in small.targets
                        ):
                            return small
    return None


def set_meta_value(source: FixSource, class_name: str, name: str, value_code: str) -> str | None:
    """Replace the value of `Meta.<name>` in class `class_name` by `value_code`."""
    cls = _class(source.module, class_name)
    assignment = meta_assignment(cls, name) if cls else None
    if assignment is None:
        return None
    return _replace(source.module, assignment, assignment.with_changes(value=cst.parse_expression(value_code)))


def add_method(source: FixSource, class_name: str, method_code: str) -> str | None:
    """Append a method to class `class_name`, after its fields and its Meta (Django's order)."""
    cls = _class(source.module, class_name)
    if cls is None or not isinstance(cls.body, cst.IndentedBlock):
        return None
    indent = cls.body.indent if cls.body.indent is not None else source.module.default_indent
    method = cst.parse_statement(method_code, config=source.module.config_for_parsing)
    method = _reindent(method, indent, source.module)
    body = list(cls.body.body)
    # Django's coding style: fields, custom managers, Meta, __str__, then other methods.
    position = len(body)
    for index, item in enumerate(body):
        if isinstance(item, (cst.FunctionDef,)) and item.name.value != "__str__":
            position = index
            break
    method = method.with_changes(leading_lines=[cst.EmptyLine(indent=False)])
    body.insert(position, method)
    if position < len(body) - 1 and not body[position + 1].leading_lines:
        body[position + 1] = body[position + 1].with_changes(leading_lines=[cst.EmptyLine(indent=False)])
    return _replace(source.module, cls, cls.with_changes(body=cls.body.with_changes(body=body)))


def _reindent(statement: cst.BaseStatement, indent: str, module: cst.Module) -> cst.BaseStatement:
    """Give a parsed function the module's indentation unit inside its body."""
    if isinstance(statement, cst.FunctionDef) and isinstance(statement.body, cst.IndentedBlock):
        return statement.with_changes(body=statement.body.with_changes(indent=indent))
    return statement
