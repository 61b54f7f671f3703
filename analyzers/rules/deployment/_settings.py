"""What the settings rules share: which settings modules they judge, what a setting
certainly is, and where to report it (what it is when the environment leaves it unset is
in `_unset_environment`).

Deploy rules judge a production settings module as Django loads it (star imports followed,
Django's defaults applied) and report once, in that module's file: at the assignment when
it is there, at the star import that brought it (pointing at the base module's assignment)
when it is inherited, and on the first line when the setting is left at Django's default
(lines with a `noqa` for other tools are passed over: a bare `# noqa` on
`from .base import *` is meant for the star import, not for these findings).
A module that star-imports something the analyser cannot read (`try: from .local import *`)
may have any setting overridden, so it is not judged at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django_expert.analyzers.facts.values import Const, Mapping, Seq, Value
from django_expert.analyzers.project.discovery import is_non_production_name
from django_expert.analyzers.project.settings import GLOBAL_SETTINGS, SettingValue
from django_expert.analyzers.source import Span

MW = "django.middleware."
SECURITY_MIDDLEWARE = MW + "security.SecurityMiddleware"
CSRF_MIDDLEWARE = MW + "csrf.CsrfViewMiddleware"
XFRAME_MIDDLEWARE = MW + "clickjacking.XFrameOptionsMiddleware"
SESSION_MIDDLEWARE = "django.contrib.sessions.middleware.SessionMiddleware"
_TEST_PARTS = frozenset({"test", "tests", "testing", "ci", "testsettings", "test_settings"})


# -- which modules -----------------------------------------------------------------------


def opaque(project, module: str, seen: frozenset[str] = frozenset()) -> bool:
    """Whether the module, or one it star-imports, star-imports a module that is not indexed,
    or include()s a file the analyser could not follow (then any setting may be overridden
    by code the analyser never sees). A star import taken only when its module exists, of a
    module the repository does not hold (`local_settings.py`), is not: a fresh deployment
    runs without it, and DJE113 says so."""
    facts = project.module_facts(module)
    if facts is None:
        return module != GLOBAL_SETTINGS
    if not seen and project.settings(module).incomplete:
        return True  # an include() the analyser could not follow
    absent = project.settings(module).absent  # optional modules the repository does not hold: read without them
    return any(
        statement.kind == "star_import" and statement.name not in seen | {module}
        and not (statement.conditional and statement.name in absent)
        and opaque(project, statement.name, seen | {module})
        for statement in facts.statements
    )


def entry_modules(project, *, skip_non_production: bool = False, skip_tests: bool = False) -> list[str]:
    """Settings modules Django may load: the project's settings module, the production ones
    and every other settings module no other one star-imports (a `base` is judged through
    the modules importing it). Modules with an unreadable star import are left out."""
    layout = project.layout
    imported: set[str] = set()
    for module in layout.settings_modules:
        facts = project.module_facts(module)
        imported |= {s.name for s in facts.statements if s.kind == "star_import"} if facts else set()
    found = []
    for module in layout.settings_modules:
        if module in imported and module != layout.settings_module and module not in layout.production_settings:
            continue
        if skip_non_production and is_non_production_name(module) and module not in layout.production_settings:
            continue
        if skip_tests and is_test_module(module):
            continue
        if not opaque(project, module):
            found.append(module)
    return found


def is_test_module(module: str) -> bool:
    parts = module.lower().split(".")
    return any(p in _TEST_PARTS or p.startswith("test_") or p.endswith(("_test", "_tests")) for p in parts)


def set_here(ctx, name: str, entries: list[str]) -> Iterator[tuple[str, SettingValue]]:
    """(entry module, setting) for the setting `name` as each entry module ends up with it,
    when this file set it last (each distinct value once)."""
    seen: set = set()
    for module in entries:
        setting = ctx.project.settings(module).get(name)
        if setting is not None and setting.module == ctx.module and setting.value not in seen:
            seen.add(setting.value)
            yield module, setting


def production(ctx):
    """The evaluated settings of this file when it is a production settings module Django's
    defaults and star imports can be followed for, else None."""
    if not ctx.is_production_settings or opaque(ctx.project, ctx.module):
        return None
    return ctx.project.settings(ctx.module)


# -- values ----------------------------------------------------------------------------


def runs_development(ctx) -> bool:
    """Whether this production settings module is also the one `manage.py` runs (development,
    and the tests unless they name their own): one module for every environment, where a
    setting that needs HTTPS is read from the environment rather than set (paperless-ngx,
    healthchecks)."""
    layout = ctx.project.layout if ctx.project is not None else None
    return layout is not None and ctx.module == layout.settings_module \
        and layout.provenance.get("settings_module", "").startswith("manage.py")


HTTPS_FROM_ENVIRONMENT = ("; this module also runs `manage.py` (development, tests) over plain HTTP, where "
                          "it would break logins or redirects: read it from the environment, on in production")


def certain(setting: SettingValue | None) -> Value | None:
    """The value of a setting set unconditionally to constants (Django's default when unset);
    None when it is read from the environment, conditional, or not a constant."""
    if setting is None or not setting.certain or setting.from_env:
        return None
    value = setting.value
    return value if isinstance(value, (Const, Seq, Mapping)) else None


def truth(value: Value | None) -> bool | None:
    """Python truthiness of a value, None when unknown."""
    if isinstance(value, Const):
        return bool(value.value)
    if isinstance(value, (Seq, Mapping)):
        return bool(value.items)
    return None


@dataclass(frozen=True)
class Listing:
    """A list setting such as MIDDLEWARE or INSTALLED_APPS: its entries for sure, in order
    (None for one the analyser cannot read), and the strings code under a condition may add
    (`if DEBUG: MIDDLEWARE.append("debug_toolbar...")`)."""

    entries: tuple[str | None, ...]
    maybe: frozenset[str] = frozenset()

    def has(self, item: str) -> bool | None:
        if item in self.entries:
            return True
        return None if item in self.maybe or None in self.entries else False


def listing(project, module: str, setting: SettingValue | None) -> Listing | None:
    """The setting as a Listing, or None when it is not a list the analyser can follow (set
    under a condition, read from the environment, built by a call, or changed under a
    condition otherwise than by adding strings). Entries added by a loop or from a list the
    analyser cannot read are None: the known ones still count."""
    if setting is None or not isinstance(setting.value, Seq) or setting.conditional or setting.from_env:
        return None
    entries = tuple(i.value if isinstance(i, Const) and isinstance(i.value, str) else None for i in setting.value.items)
    if not setting.maybe_overridden:
        return Listing(entries)
    maybe = project.settings(module).conditional_additions(setting.name)
    return Listing(entries, maybe) if maybe is not None else None


def has_middleware(ctx, middleware: Listing | None, dotted: str) -> bool | None:
    """Whether MIDDLEWARE holds Django's `dotted` itself (as Django's checks test it): True;
    False when it certainly does not; None when unsure: the value is unknown, an entry is
    unreadable or added under a condition, or an entry is a subclass of it or a class
    named like it (a project's own replacement, which may handle what it does differently)."""
    if middleware is None:
        return None
    if dotted in middleware.entries:
        return True
    short = dotted.rpartition(".")[2]
    if None in middleware.entries or dotted in middleware.maybe:
        return None
    for name in (*(e for e in middleware.entries if e), *middleware.maybe):
        if name.rpartition(".")[2] == short or dotted in ctx.project.mro(name)[1:]:
            return None
    return False


# -- where -----------------------------------------------------------------------------


def first_line(ctx) -> Span:
    """Where a finding about the whole module goes: its first non-blank line without a
    `noqa` meant for other tools."""
    for number in range(ctx.lines.line_count):
        text = ctx.lines.line(number)
        if text.strip() and not _foreign_noqa(text):
            return Span.of(number, 0, number, len(text))
    return Span.of(0, 0, 0, len(ctx.lines.line(0)))


def _foreign_noqa(line: str) -> bool:
    """A `noqa` naming none of our codes (a bare `# noqa` on `from .base import *` is meant
    for the star import); `# noqa: DJE405` is ours, and suppresses as usual."""
    lowered = line.lower()
    return "noqa" in lowered and "dje" not in lowered


def name_span(ctx, index: int, name: str) -> Span | str:
    """The setting's name at the start of statement `index` of this file (its whole span
    when the statement does not start with the name)."""
    span = ctx.locations.get(f"stmt:{index}")
    if span is None:
        return first_line(ctx)
    line = ctx.lines.line(span.start.line)
    if line[span.start.column:].startswith(name):
        return Span.of(span.start.line, span.start.column, span.start.line, span.start.column + len(name))
    return span


def place(ctx, setting: SettingValue | None, name: str):
    """(where, related) for a finding about setting `name` of this production module: at
    its assignment, else at the star import or split-settings include() that brought it."""
    if setting is None or setting.module == GLOBAL_SETTINGS:
        return first_line(ctx), ()
    if setting.module == ctx.module:
        return name_span(ctx, setting.statement_index, name), ()
    related = ctx.related(setting.module, f"stmt:{setting.statement_index}", f"{name} is set here, in `{setting.module}`")
    where: Span = first_line(ctx)
    included = setting.module in ctx.project.settings(ctx.module).included
    for index, statement in enumerate(ctx.facts.statements):
        span = ctx.locations.get(f"stmt:{index}")
        if included and statement.kind == "include" and span is not None:
            return span, (related,) if related else ()  # the include() that ran the file
        if statement.kind == "star_import" and not statement.conditional and span is not None \
                and not _foreign_noqa(ctx.lines.line(span.start.line)):
            other = ctx.project.settings(statement.name).get(name)
            if other is not None and (other.module, other.statement_index) == (setting.module, setting.statement_index):
                where = span
    return where, (related,) if related else ()
