"""libcst edits the DRF and form fixers share: rename a Meta option, add to a Meta list or
dict, add a class attribute or a decorator, and import a name once. Each returns the new
module text, or None when the code no longer has the shape the finding saw."""

from __future__ import annotations

import libcst as cst
from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.edit_calls import _class, _replace, _replaced, meta_assignment


def _meta(cls: cst.ClassDef) -> cst.ClassDef | None:
    return next((i for i in cls.body.body if isinstance(i, cst.ClassDef) and i.name.value == "Meta"), None)


def replace_meta_option(source: FixSource, class_name: str, old: str, new: str, value_code: str) -> str | None:
    """`Meta.<old> = ...` of class `class_name` becomes `<new> = <value_code>` (same line)."""
    cls = _class(source.module, class_name)
    assignment = meta_assignment(cls, old) if cls else None
    if assignment is None or len(assignment.targets) != 1:
        return None
    target = assignment.targets[0].with_changes(target=cst.Name(new))
    changed = assignment.with_changes(targets=[target], value=cst.parse_expression(value_code))
    return _replace(source.module, assignment, changed)


def add_to_meta_list(source: FixSource, class_name: str, option: str, item: str) -> str | None:
    """Add the string `item` to `Meta.<option>` (a list or tuple literal), or add the option
    as a one-item list at the end of Meta."""
    cls = _class(source.module, class_name)
    meta = _meta(cls) if cls else None
    if meta is None or not isinstance(meta.body, cst.IndentedBlock):
        return None
    assignment = meta_assignment(cls, option)
    literal = cst.SimpleString(f'"{item}"')
    if assignment is None:
        return _append_to_block(source, meta, f'{option} = ["{item}"]\n')
    value = assignment.value
    if not isinstance(value, (cst.List, cst.Tuple)):
        return None
    opening = value.lbracket.whitespace_after if isinstance(value, cst.List) else (
        value.lpar[0].whitespace_after if value.lpar else None)
    elements = _appended(list(value.elements), cst.Element(literal), opening)
    if isinstance(value, cst.Tuple) and len(elements) == 1:
        elements[0] = elements[0].with_changes(comma=cst.Comma())
    return _replace(source.module, value, value.with_changes(elements=elements))


def add_meta_dict_entry(source: FixSource, class_name: str, option: str, key: str, entry_code: str) -> str | None:
    """Add `"key": <entry_code>` to the dict literal `Meta.<option>` (which must not have the
    key yet), or add the option with that one entry at the end of Meta."""
    cls = _class(source.module, class_name)
    meta = _meta(cls) if cls else None
    if meta is None or not isinstance(meta.body, cst.IndentedBlock):
        return None
    assignment = meta_assignment(cls, option)
    if assignment is None:
        return _append_to_block(source, meta, f'{option} = {{"{key}": {entry_code}}}\n')
    value = assignment.value
    if not isinstance(value, cst.Dict):
        return None
    if any(isinstance(e, cst.DictElement) and isinstance(e.key, cst.SimpleString)
           and e.key.evaluated_value == key for e in value.elements):
        return None
    entry = cst.DictElement(cst.SimpleString(f'"{key}"'), cst.parse_expression(entry_code))
    elements = _appended(list(value.elements), entry, value.lbrace.whitespace_after)
    return _replace(source.module, value, value.with_changes(elements=elements))


def _appended(elements: list, new, opening: cst.BaseParenthesizableWhitespace | None = None):
    """`elements` + `new`, keeping the layout: on one line `a, b`; in a literal written one
    item per line, the new item on its own line (with a trailing comma if the last had one)."""
    if not elements:
        return [new]
    last = elements[-1]
    commas = [e.comma for e in elements if isinstance(e.comma, cst.Comma)]
    multi = next((c for c in commas if isinstance(c.whitespace_after, cst.ParenthesizedWhitespace)), None)
    if multi is None and isinstance(opening, cst.ParenthesizedWhitespace):
        multi = cst.Comma(whitespace_after=opening)
    if multi is not None:
        return [*elements[:-1], last.with_changes(comma=multi), new.with_changes(comma=last.comma)]
    return [*elements[:-1], last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))), new]


def _append_to_block(source: FixSource, owner: cst.ClassDef, code: str) -> str:
    line = cst.parse_statement(code, config=source.module.config_for_parsing)
    body = [item for item in owner.body.body if not _is_pass(item)] + [line]
    return _replace(source.module, owner, owner.with_changes(body=owner.body.with_changes(body=body)))


def _is_pass(item: cst.BaseStatement) -> bool:
    return isinstance(item, cst.SimpleStatementLine) and all(isinstance(s, cst.Pass) for s in item.body)


def _is_docstring(item: cst.BaseStatement) -> bool:
    return (isinstance(item, cst.SimpleStatementLine) and len(item.body) == 1 and isinstance(item.body[0], cst.Expr)
            and isinstance(item.body[0].value, (cst.SimpleString, cst.ConcatenatedString)))


def add_class_attribute(source: FixSource, class_name: str, code: str) -> str | None:
    """Add `code` (one statement) to class `class_name`, after its docstring and the class
    attributes that open its body (before the first method or nested class)."""
    tree = class_attribute_added(source.module, class_name, code)
    return tree.code if tree is not None else None


def class_attribute_added(tree: cst.Module, class_name: str, code: str) -> cst.Module | None:
    """`add_class_attribute` on a tree, returning the new tree."""
    cls = _class(tree, class_name)
    if cls is None or not isinstance(cls.body, cst.IndentedBlock):
        return None
    line = cst.parse_statement(code, config=tree.config_for_parsing)
    body = [item for item in cls.body.body if not _is_pass(item)]
    position = 0
    while position < len(body) and isinstance(body[position], cst.SimpleStatementLine):
        position += 1
    body.insert(position, line)
    return _replaced(tree, cls, cls.with_changes(body=cls.body.with_changes(body=body)))


def add_decorator_after(source: FixSource, function_name: str, after: str, code: str) -> str | None:
    """Put decorator `code` right below the decorator whose name ends with `after` on the
    module-level function `function_name`."""
    tree = decorator_added_after(source.module, function_name, after, code)
    return tree.code if tree is not None else None


def decorator_added_after(tree: cst.Module, function_name: str, after: str, code: str) -> cst.Module | None:
    """`add_decorator_after` on a tree, returning the new tree."""
    function = next((s for s in tree.body if isinstance(s, cst.FunctionDef)
                     and s.name.value == function_name), None)
    if function is None:
        return None
    decorators = list(function.decorators)
    for index, decorator in enumerate(decorators):
        expression = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
        if tree.code_for_node(expression).endswith(after):
            decorators.insert(index + 1, cst.Decorator(cst.parse_expression(code)))
            return _replaced(tree, function, function.with_changes(decorators=decorators))
    return None


def ensure_import(text: str, module: str, name: str) -> tuple[str, str]:
    """Make `name` of `module` usable in `text`; returns (new text, the expression to write).

    Reuses `from module import name`, `import module`/`from package import module` where
    present; else adds `name` to an existing `from module import ...`; else adds
    `from module import name` after the last top-level import.
    """
    tree = cst.parse_module(text)
    new, written = import_ensured(tree, module, name)
    return (text if new is tree else new.code), written


def _dotted(tree: cst.Module, node: cst.CSTNode) -> str:
    """`tree.code_for_node(node)` of an import's name, without generating code for a plain name."""
    if isinstance(node, cst.Name) and not node.lpar and not node.rpar:
        return node.value
    return tree.code_for_node(node)


def import_ensured(tree: cst.Module, module: str, name: str) -> tuple[cst.Module, str]:
    """`ensure_import` on a tree: (the tree, itself when nothing was added, and the
    expression to write). Fixes that edit a file in several places parse it once and write
    its code once."""
    package, _, short = module.rpartition(".")
    last_import = -1
    extendable: cst.ImportFrom | None = None
    for index, statement in enumerate(tree.body):
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.ImportFrom) and not small.relative and not isinstance(small.names, cst.ImportStar):
                last_import = index
                source_module = _dotted(tree, small.module) if small.module else ""
                if source_module == module and extendable is None:
                    extendable = small
                for alias in small.names:
                    imported = _dotted(tree, alias.name)
                    local = alias.asname.name.value if alias.asname else imported
                    if source_module == module and imported == name:
                        return tree, local
                    if source_module == package and imported == short:
                        return tree, f"{local}.{name}"
            elif isinstance(small, (cst.Import, cst.ImportFrom)):
                last_import = index
                for alias in small.names if isinstance(small, cst.Import) else ():
                    if _dotted(tree, alias.name) == module:
                        local = alias.asname.name.value if alias.asname else module
                        return tree, f"{local}.{name}"
    if extendable is not None:
        names = _appended(list(extendable.names), cst.ImportAlias(cst.Name(name)))
        return _replaced(tree, extendable, extendable.with_changes(names=names)), name
    line = cst.parse_statement(f"from {module} import {name}\n")
    body = list(tree.body)
    position = last_import + 1 if last_import >= 0 else (1 if body and _is_docstring(body[0]) else 0)
    body.insert(position, line)
    return tree.with_changes(body=body), name
