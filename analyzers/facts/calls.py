"""The calls each function of a module makes, found in one walk of its tree and kept with it.

Several rules read function bodies of the same file (SQL, HTML, redirects, shell commands);
walking the tree once for all of them keeps their cost close to the parse. The index is
stored on the tree object, so it lives exactly as long as the tree `RuleContext` holds.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

Function = ast.FunctionDef | ast.AsyncFunctionDef
_ATTRIBUTE = "_django_expert_calls"


@dataclass(slots=True)
class Scope:
    """A function (None: module and class bodies) with its class and the calls in its body
    (not those of nested functions, which have their own scope), in source order."""

    function: Function | None
    owner: ast.ClassDef | None
    calls: list[ast.Call] = field(default_factory=list)


@dataclass(slots=True)
class CallIndex:
    scopes: list[Scope]  # the module scope first, then every function in source order
    nested_imports: list[ast.Import | ast.ImportFrom]  # imports written inside functions or classes

    def functions(self):
        return [s for s in self.scopes if s.function is not None]


def call_index(tree: ast.Module) -> CallIndex:
    """The calls of every scope of `tree` (computed once per tree)."""
    index = getattr(tree, _ATTRIBUTE, None)
    if index is None:
        index = _build(tree)
        setattr(tree, _ATTRIBUTE, index)
    return index


def _build(tree: ast.Module) -> CallIndex:
    module = Scope(None, None)
    scopes = [module]
    imports: list[ast.Import | ast.ImportFrom] = []
    stack: list[tuple[ast.AST, Scope, ast.ClassDef | None, bool]] = [
        (child, module, None, False) for child in reversed(tree.body)]
    while stack:
        node, scope, owner, nested = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for expression in [*node.decorator_list, *node.args.defaults, *node.args.kw_defaults]:
                if expression is not None:
                    stack.append((expression, scope, owner, nested))
            inner = Scope(node, owner)
            scopes.append(inner)
            stack.extend((child, inner, None, True) for child in reversed(node.body))
            continue
        if isinstance(node, ast.ClassDef):
            stack.extend((child, scope, node, True) for child in reversed([*node.decorator_list, *node.body]))
            continue
        if isinstance(node, ast.Call):
            scope.calls.append(node)
        elif nested and isinstance(node, (ast.Import, ast.ImportFrom)):
            imports.append(node)
        stack.extend((child, scope, owner, nested) for child in reversed(list(ast.iter_child_nodes(node))))
    return CallIndex(scopes, imports)
