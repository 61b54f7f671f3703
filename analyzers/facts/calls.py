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
    index = CallIndex([Scope(None, None)], [])
    _scan(tree.body, index.scopes[0], None, False, index)
    return index


# Nodes that hold no call, function, class or import, nor any node that could: never pushed.
# The walk visits every node of the tree, so the nodes skipped (a third) are a third of its cost.
_BARE = frozenset({ast.Name, ast.Constant, ast.alias, ast.Load, ast.Store, ast.Del,
                   *(op for base in (ast.operator, ast.unaryop, ast.cmpop, ast.boolop) for op in base.__subclasses__())})


def _scan(nodes: list[ast.AST], scope: Scope, owner: ast.ClassDef | None, nested: bool, index: CallIndex) -> None:
    """Depth first, in source order, the nodes of one scope (a stack of plain nodes: the
    scope, class and nesting change only at a def or class, which recurses). A function's
    body is its own scope; its decorators and defaults (not its annotations) belong to the
    enclosing one, visited after the body. A class body and its decorators stay in the
    enclosing scope, with the class as their owner; its bases are not visited."""
    calls = scope.calls
    stack = nodes[::-1]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Call):
            calls.append(node)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inner = Scope(node, owner)
            index.scopes.append(inner)
            _scan(node.body, inner, None, True, index)
            stack.extend([e for e in (*node.decorator_list, *node.args.defaults, *node.args.kw_defaults)
                          if e is not None])
            continue
        elif isinstance(node, ast.ClassDef):
            _scan([*node.decorator_list, *node.body], scope, node, True, index)
            continue
        elif nested and isinstance(node, (ast.Import, ast.ImportFrom)):
            index.nested_imports.append(node)
        for name in reversed(node._fields):  # children pushed last first: popped in source order
            value = getattr(node, name, None)
            if type(value) is list:
                stack.extend([v for v in reversed(value) if isinstance(v, ast.AST) and type(v) not in _BARE])
            elif isinstance(value, ast.AST) and type(value) not in _BARE:
                stack.append(value)
