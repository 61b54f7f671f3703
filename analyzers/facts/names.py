"""Qualified names of what a file's code calls: `mark_safe(...)` -> `django.utils.safestring.mark_safe`.

Rules that walk function bodies (`ctx.tree`) need to know which function a call names. The
file's module-level imports are in its facts; imports written inside functions are added
from the tree. A local name bound to two different targets in the same file is left
unqualified: a rule asking about it then sees a name it does not know and stays silent.
"""

from __future__ import annotations

import ast

from django_expert.analyzers.facts.calls import call_index
from django_expert.analyzers.facts.extract import resolve_relative
from django_expert.analyzers.facts.types import FileFacts
from django_expert.analyzers.facts.values import dotted_name

_AMBIGUOUS = "<ambiguous>"


class Names:
    """Qualifies dotted names written in one file through the imports it makes."""

    def __init__(self, facts: FileFacts, tree: ast.Module | None = None) -> None:
        self.module = facts.module
        self.imports: dict[str, str] = {}
        for imported in facts.imports:
            if imported.local != "*":
                self._bind(imported.local, imported.target)
        self.star_modules = tuple(i.target for i in facts.imports if i.local == "*")
        if tree is not None:
            self._nested_imports(tree, facts)

    def _bind(self, local: str, target: str) -> None:
        known = self.imports.get(local)
        self.imports[local] = target if known in (None, target) else _AMBIGUOUS

    def _nested_imports(self, tree: ast.Module, facts: FileFacts) -> None:
        for node in call_index(tree).nested_imports:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self._bind(alias.asname, alias.name)
                    else:
                        head = alias.name.split(".")[0]
                        self._bind(head, head)
            else:
                base = resolve_relative(facts.module, facts.is_package, node.level, node.module)
                for alias in node.names:
                    if alias.name != "*":
                        self._bind(alias.asname or alias.name, f"{base}.{alias.name}" if base else alias.name)

    def qualify(self, dotted: str) -> str:
        """`sf.mark_safe` -> `django.utils.safestring.mark_safe` when `sf` was imported; a name
        the file does not import is returned as written."""
        head, _, rest = dotted.partition(".")
        target = self.imports.get(head)
        if target is None:
            return dotted
        if target == _AMBIGUOUS:
            return _AMBIGUOUS
        return f"{target}.{rest}" if rest else target

    def of(self, node: ast.expr) -> str | None:
        """The qualified name of a Name/Attribute chain, else None."""
        name = dotted_name(node)
        return self.qualify(name) if name else None

    def call(self, node: ast.Call) -> str | None:
        """The qualified name of the function a call names (`subprocess.run`), else None."""
        return self.of(node.func)

    def is_call(self, node: ast.AST, *qualified: str) -> bool:
        """Whether `node` is a call of one of the `qualified` names."""
        return isinstance(node, ast.Call) and self.call(node) in qualified


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    """The value of keyword argument `name` of a call, else None."""
    return next((k.value for k in call.keywords if k.arg == name), None)


def argument(call: ast.Call, index: int, name: str | None = None) -> ast.expr | None:
    """Positional argument `index`, else keyword `name`; None when absent or after a *spread."""
    positional = call.args
    if any(isinstance(a, ast.Starred) for a in positional[: index + 1]):
        return None
    if index < len(positional):
        return positional[index]
    return keyword(call, name) if name else None
