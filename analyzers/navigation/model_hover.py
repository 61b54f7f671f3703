"""What a name in Python code is to the project model: a model's field, relation or manager,
where it is declared (`price = models.DecimalField(...)`), read on the class
(`Book.objects`, `Book.price`) or on an instance the code can be followed to (`self.price`,
`book.price` after `book = Book.objects.get(...)`). The hover shows the field's Django facts
(type, options, column, relation target, reverse accessor) instead of jedi's guess; any
other name is left to jedi.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from django_expert.analyzers.navigation.cursor import context_at

if TYPE_CHECKING:
    from django_expert.analyzers.facts.types import FileFacts
    from django_expert.analyzers.project.model import ProjectModel
    from django_expert.analyzers.project.models import ModelInfo

_DECLARED = re.compile(r"[ \t]*(\w+)[ \t]*(?::[^=\n]*)?=(?!=)")


class NameAt:
    """The identifier at an offset: its text and offsets, and the dotted receiver before it."""

    def __init__(self, text: str, offset: int) -> None:
        left = right = offset
        while left > 0 and (text[left - 1].isalnum() or text[left - 1] == "_"):
            left -= 1
        while right < len(text) and (text[right].isalnum() or text[right] == "_"):
            right += 1
        self.name, self.start, self.end = text[left:right], left, right
        before = text[:left].rstrip(" \t")
        self.receiver = ""
        if before.endswith("."):
            match = re.search(r"[A-Za-z_][\w.]*$", before[:-1].rstrip(" \t"))
            self.receiver = match.group() if match else ""


def model_member_at(project: ProjectModel, facts: FileFacts, text: str, offset: int):
    """(model, member name, start, end) of a model field or manager named at `offset`, or None."""
    at = NameAt(text, offset)
    if not at.name or at.name[0].isdigit():
        return None
    line_start = text.rfind("\n", 0, at.start) + 1
    context = context_at(text, at.start)
    classes = _classes(text, line_start)
    if not at.receiver:
        declared = _DECLARED.match(text, line_start)
        if declared is None or declared.start(1) != at.start or not classes:
            return None
        model = project.model(f"{facts.module}.{classes[0]}")
    else:
        model = _receiver_model(project, facts, text, at, classes, context)
    if model is None or not _is_member(model, at.name):
        return None
    return model, at.name, at.start, at.end


def _is_member(model: ModelInfo, name: str) -> bool:
    return model.field(name) is not None or name in model.managers or model.reverse_relation(name) is not None


def _classes(text: str, line_start: int) -> list[str]:
    from django_expert.analyzers.navigation.cursor import _enclosing

    return _enclosing(text.split("\n"), text.count("\n", 0, line_start))[0]


def _receiver_model(project: ProjectModel, facts: FileFacts, text: str, at: NameAt, classes: list[str],
                    context) -> ModelInfo | None:
    from django_expert.analyzers.navigation.targets import qualify_names

    if at.receiver in ("self", "cls") and classes:
        return project.model(f"{facts.module}.{classes[0]}")
    qualify = qualify_names(facts, text)
    model = project.model(qualify(at.receiver))
    if model is not None:
        return model
    return _instance_model(project, facts, text, at)


def _instance_model(project: ProjectModel, facts: FileFacts, text: str, at: NameAt) -> ModelInfo | None:
    """The model of a local name the function assigned from a query (`book = Book.objects.get()`)."""
    if "." in at.receiver:
        return None
    from django_expert.analyzers.navigation.targets import instance_model

    return instance_model(project, facts, text, at.start, ast.Name(id=at.receiver, ctx=ast.Load()))
