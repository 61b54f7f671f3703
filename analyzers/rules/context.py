"""What a rule sees of one file, and the loop that runs the rules over it.

Rules read facts first; the ast is parsed only if a rule asks for `ctx.tree` (the engine
keeps facts, not trees). Every rule runs inside its own guard: an exception is logged with
the rule's code and the file, and the other rules still report.
"""

from __future__ import annotations

import ast
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from django_expert.analyzers.config import Config
from django_expert.analyzers.facts.types import FileFacts, Locations
from django_expert.analyzers.findings import Applicability, Finding, Related, Severity
from django_expert.analyzers.parsing import parse_module
from django_expert.analyzers.project.model import ProjectModel
from django_expert.analyzers.rules.registry import Guards, Rule, guards
from django_expert.analyzers.source import LineIndex, Span

log = logging.getLogger(__name__)

_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+\d+(?:[,\s]+[A-Z]+\d+)*))?", re.IGNORECASE)
_HEADER = re.compile(r"(?:async[ \t]+)?(?:def|class)[ \t]+(\w+)")


@dataclass
class RuleContext:
    path: Path
    relative: str  # path relative to the project root, for per-file-ignores and messages
    text: str
    facts: FileFacts
    locations: Locations
    project: ProjectModel | None
    config: Config
    rule: Rule | None = field(default=None, repr=False)
    crashed: bool = False  # set when a rule raised: these findings must not be cached

    @cached_property
    def lines(self) -> LineIndex:
        return LineIndex(self.text)

    @cached_property
    def tree(self) -> ast.Module:
        if self.is_deploy_file:
            raise TypeError(f"{self.path.name} is not Python: deploy rules read ctx.text")
        return parse_module(self.text, str(self.path))

    @property
    def module(self) -> str:
        return self.facts.module

    # -- what kind of file this is --------------------------------------------------------

    @cached_property
    def is_deploy_file(self) -> bool:
        return self.path.suffix != ".py"

    @property
    def is_migration(self) -> bool:
        return ".migrations." in f".{self.module}." and not self.facts.is_package

    @cached_property
    def is_settings(self) -> bool:
        """A settings module, or a file one of them include()s (django-split-settings)."""
        if self.project is None:
            return False
        layout = self.project.layout
        if self.module in layout.settings_modules:
            return True
        # Only files under a settings package can be included ones: the others never read the
        # settings, so that editing the settings does not re-check them.
        facts = self.project.facts  # not module_facts(): deciding this must record no fact key
        packages = {m if m in facts and facts[m].is_package else m.rpartition(".")[0] for m in layout.settings_modules}
        if not any(self.module.startswith(p + ".") for p in packages if p):
            return False
        return any(self.module in self.project.settings(m).included for m in layout.settings_modules)

    @property
    def is_production_settings(self) -> bool:
        return self.project is not None and self.module in self.project.layout.production_settings

    # -- project questions about this file ------------------------------------------------

    def models_here(self):
        """The models declared in this file (abstract ones included), asking the project only
        about these classes so the findings depend on nothing else. Asked once per file (a
        model file's rules ask it ~6 times): the fact keys it reads are recorded for the whole
        file's check, so the later askers record nothing new."""
        if self.project is None:
            return iter(())
        asked = self.__dict__.setdefault("_asked_here", {})
        found = asked.get("models")  # the other keys are tuples of bases
        if found is None:
            found = asked["models"] = tuple(self._models_here())
        return iter(found)

    def _models_here(self):
        for cls in self.facts.classes:
            qualname = f"{self.module}.{cls.name}"
            if "django.db.models.Model" in self.project.mro(qualname):
                model = self.project.model(qualname)
                if model is not None:
                    yield model

    def classes_here(self, *bases: str):
        """(ClassFact, qualname) of the classes in this file that subclass one of `bases`
        (asked once per file and `bases`, like `models_here`)."""
        if self.project is None:
            return iter(())
        asked = self.__dict__.setdefault("_asked_here", {})
        found = asked.get(bases)
        if found is None:
            found = asked[bases] = tuple(self._classes_here(bases))
        return iter(found)

    def _classes_here(self, bases: tuple[str, ...]):
        for cls in self.facts.classes:
            qualname = f"{self.module}.{cls.name}"
            if self.project.is_subclass(qualname, *bases):
                yield cls, qualname

    # -- reporting ------------------------------------------------------------------------

    def span(self, where: ast.AST | Span | str) -> Span:
        """A span from an ast node, a Span, or a Locations key of this file."""
        if isinstance(where, Span):
            return where
        if isinstance(where, str):
            return self.locations.get(where) or Span.of(0, 0, 0, 0)
        return self.lines.span(where)

    def at_name(self, span: Span) -> Span:
        """A class or function reported as a whole is reported at its name: an editor then
        underlines one word instead of a 145-line model, and the findings inside the class
        stay visible (issue 16). Other spans are kept."""
        match = _HEADER.match(self.lines.line(span.start.line), span.start.column)
        if match is None:
            return span
        return Span.of(span.start.line, match.start(1), span.start.line, match.end(1))

    def report(
        self,
        where: ast.AST | Span | str,
        message: str,
        *,
        fix_title: str = "",
        fix_data: tuple = (),
        related: tuple[Related, ...] = (),
    ) -> Finding:
        rule = self.rule
        assert rule is not None, "report() is for use inside a rule"
        severity = Severity(self.config.severity.get(rule.code, rule.severity.value))
        return Finding(
            code=rule.code,
            name=rule.name,
            message=message,
            path=str(self.path),
            span=self.at_name(self.span(where)),
            severity=severity,
            related=related,
            fixable=rule.fix if fix_title else Applicability.NONE,
            fix_title=fix_title,
            fix_data=fix_data,
        )

    def related(self, module: str, key: str, message: str) -> Related | None:
        """A pointer at a fact of another module (for `relatedInformation`)."""
        if self.project is None:
            return None
        path = self.project.path_of(module)
        span = self.project.locations_of(module).get(key)
        return Related(str(path), span, message) if path and span else None

    def suppressed(self, finding: Finding) -> bool:
        """`# noqa` or `# noqa: CODE[, CODE]` on the finding's first line."""
        line = self.lines.line(finding.span.start.line)
        if "noqa" not in line.lower():
            return False
        for match in _NOQA.finditer(line):
            codes = match.group("codes")
            if codes is None or finding.code in re.split(r"[,\s]+", codes.upper()):
                return True
        return False


def applicable_rules(ctx: RuleContext) -> Iterator[Rule]:
    """The enabled rules whose cheap guards pass for this file."""
    deploy = ctx.is_deploy_file
    # The scopes this file is not in (every rule was asked these of each file: asked once).
    blocked = () if deploy else ("deploy",) + (() if ctx.is_settings else ("settings",)) \
        + (() if ctx.is_migration else ("migration",))
    # The cheap guards first: of ~70 rules a file's text admits a few. The triggers found
    # in the text pick the candidates; most files share a handful of trigger sets, so the
    # candidates of each set are worked out once per run.
    index = guards()
    found = tuple(filter(ctx.text.__contains__, index.by_trigger))
    config, relative = ctx.config, ctx.relative
    for rule in _candidates(index, found, blocked, deploy):
        if _enabled(config, rule.code, relative):
            yield rule


_CANDIDATES: tuple[Guards | None, dict] = (None, {})


def _candidates(index: Guards, found: tuple[str, ...], blocked: tuple[str, ...], deploy: bool) -> tuple[Rule, ...]:
    """The rules without triggers and those of the `found` triggers, in code order, outside
    the `blocked` scopes (and only deploy-scoped ones in a deploy file)."""
    global _CANDIDATES
    if _CANDIDATES[0] is not index:
        _CANDIDATES = (index, {})
    cache = _CANDIDATES[1]
    key = (found, blocked, deploy)
    rules = cache.get(key)
    if rules is None:
        admitted = set(index.untriggered)
        for trigger in found:
            admitted.update(index.by_trigger[trigger])
        rules = tuple(rule for position in sorted(admitted) if (rule := index.rules[position]).scope not in blocked
                      and (not deploy or rule.scope == "deploy"))
        if len(cache) >= 4096:
            cache.clear()
        cache[key] = rules
    return rules


# select/ignore answers by configuration and code: without per-file-ignores a rule's answer
# is the same in every file (a Config is frozen), so it is asked once per run, not per file.
_ENABLED: dict[int, tuple[Config, dict[str, bool]]] = {}


def _enabled(config: Config, code: str, relative: str) -> bool:
    if config.per_file_ignores:
        return config.enabled(code, relative)
    entry = _ENABLED.get(id(config))
    if entry is None or entry[0] is not config:
        if len(_ENABLED) >= 64:
            _ENABLED.clear()
        entry = _ENABLED[id(config)] = (config, {})
    answer = entry[1].get(code)
    if answer is None:
        answer = entry[1][code] = config.enabled(code, relative)
    return answer


def run_rules(ctx: RuleContext) -> Iterator[Finding]:
    for rule in applicable_rules(ctx):
        ctx.rule = rule
        try:
            findings = list(rule.check(ctx))
        except SyntaxError:
            return  # facts came from the last good text; the parse error is reported instead
        except Exception:
            log.exception("rule %s failed on %s; its findings for this file are skipped", rule.code, ctx.path)
            ctx.crashed = True
            continue
        for finding in findings:
            if not ctx.suppressed(finding):
                yield finding
    ctx.rule = None
