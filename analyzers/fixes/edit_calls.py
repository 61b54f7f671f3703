"""libcst edits the model and serializer fixers share: find a class attribute's call, drop a
keyword, set a Meta option, add a method. Each returns the new module text, or None when
the code no longer has the shape the finding saw (the user edited it meanwhile)."""

from __future__ import annotations

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
    """The module's code with `old` replaced by `new`, transforming only the top-level
    statement that holds `old` (a whole-module visit costs seconds on big files)."""
    return _replaced(module, old, new).code


def _replaced(module: cst.Module, old: cst.CSTNode, new: cst.CSTNode) -> cst.Module:
    """`_replace`'s new tree, for fixes that make several edits and write the code once."""
    body = list(module.body)
    for index, statement in enumerate(body):
        if statement is old:
            body[index] = new
            return module.with_changes(body=body)
        if _holds(statement, old):
            body[index] = statement.visit(_ReplaceNode(old, new))
            return module.with_changes(body=body)
    return module.visit(_ReplaceNode(old, new))


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
