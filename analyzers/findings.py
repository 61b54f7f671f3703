"""Findings and fixes: what rules produce, as plain data every front end renders."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from django_expert.analyzers.source import Span


class Category(str, Enum):
    """The seven focus areas of a Django review; the code's hundreds digit names one."""

    ARCHITECTURE = "architecture"
    DATA_MODELING = "data-modeling"
    API_DESIGN = "api-design"
    SECURITY = "security"
    PERFORMANCE = "performance"
    TESTING = "testing"
    DEPLOYMENT = "deployment"

    @classmethod
    def of_code(cls, code: str) -> Category:
        return _BY_DIGIT[code[3]]


_BY_DIGIT = dict(zip("1234567", Category)) | {"0": Category.ARCHITECTURE}  # DJE000: the file itself


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    HINT = "hint"


class Applicability(str, Enum):
    SAFE = "safe"  # keeps behaviour; `check --fix` and fixAll apply it
    UNSAFE = "unsafe"  # changes behaviour; offered as a code action only
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text in `span` of `path` by `content`."""

    path: str  # absolute path
    span: Span
    content: str


@dataclass(frozen=True, slots=True)
class Fix:
    title: str
    applicability: Applicability
    edits: tuple[Edit, ...]


@dataclass(frozen=True, slots=True)
class Related:
    """Another place a finding involves (`relatedInformation` in LSP)."""

    path: str
    span: Span
    message: str


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    name: str
    message: str
    path: str  # absolute path of the file the finding is reported in
    span: Span
    severity: Severity
    fix: Fix | None = None  # set when computed; see `fixable` for fixes computed on demand
    related: tuple[Related, ...] = ()
    # A fix exists and is computed on demand from `fix_data` by the rule's fixer (libcst is
    # slow: a cold check never pays for fixes nobody asked for).
    fixable: Applicability = Applicability.NONE
    fix_title: str = ""
    fix_data: tuple = ()
    # Set when a recorded decision accepts this finding; front ends show it as a hint.
    accepted: str | None = field(default=None, compare=False)

    @property
    def category(self) -> Category:
        return Category.of_code(self.code)

    @property
    def sort_key(self):
        return (self.path, self.span.start.line, self.span.start.column, self.code)
