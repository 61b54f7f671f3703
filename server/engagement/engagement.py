"""The expert engagement (DESIGN.md section 6): six steps, in order, none skipped.

    engagement = Engagement(workspace_root, engine, goal="security")
    engagement.scope()          # step 1 (each method runs the earlier steps not yet done)
    engagement.load_memory()    # step 2
    engagement.load_context()   # step 3
    engagement.analyze()        # step 4
    engagement.guidance()       # step 5
    report = engagement.complete()  # every remaining step, then the report and the memory update

Each step records when it ran, its inputs and a summary in `engagement.state`, saved to
`<workspace>/.django-expert/engagement.json` after every step (atomically, under the memory
lock), so an engagement started in one session can be completed in another. The results
are plain JSON-ready data: the report and its JSON twin are rendered from them alone.

Call the methods from one thread at a time (the language server's analysis thread): they
read the engine. `ask(question, options) -> choice | None` is called for an ambiguous
scope (goal, project, production settings); `progress(message, percentage)` is called as
the steps advance.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from django_expert.analyzers.findings import Applicability, Finding
from django_expert.analyzers.project.discovery import main_project
from django_expert.analyzers.source import printable, printable_data
from django_expert.analyzers.secrets import Scrubber
from django_expert.memory import (
    MEMORY_FILES,
    LibraryContextProvider,
    MarkdownMemoryStore,
    atomic_write,
    next_report_path,
    safe_join,
    slugify_project,
)
from django_expert.memory.paths import LOCK_NAME, REPORT_DIR, FileLock, remove_stale_temp_files
from django_expert.server.engagement import architecture as arch
from django_expert.server.engagement import guidance as guide
from django_expert.server.engagement import memory_notes, report, scope as scoping, security, summary
from django_expert.server.engagement import state as states
from django_expert.server.engagement.decisions import (
    SKILL,
    decision_of,
    presented,
    project_name,
    project_slug,
    symbol_of,
)
from django_expert.server.engagement.inventory import Inventory
from django_expert.server.engagement.patch import unified_diff
from django_expert.server.engagement.results import (
    AnalyzedFinding,
    ContextCall,
    ContextDoc,
    ContextResult,
    Deployment,
    EngagementError,
    GuidanceResult,
    IndexEntry,
    MemoryResult,
    MemoryUpdates,
    OtherSkill,
    OutputResult,
    PlanStep,
    ProjectType,
    RecordedDecision,
    ScopedApp,
    ScopeResult,
)

log = logging.getLogger(__name__)

Ask = Callable[[str, list[str]], "str | None"]
Progress = Callable[[str, "int | None"], None]
MAX_FIXES = 500
_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2, "hint": 3}
_AREA_RANK = {area: i for i, area in enumerate(scoping.AREAS)}
STALE_AFTER = 60.0  # seconds: a temporary file this old has no writer left (a write takes milliseconds)
_PERCENT = {"scope": 0, "memory": 15, "context": 25, "analyze": 35, "guidance": 80, "output": 90}


def tool_version() -> str:
    try:
        from importlib.metadata import version

        return version("django-expert")
    except Exception:  # noqa: BLE001 - a source tree that is not installed
        from django_expert.analyzers.version import ANALYZER_VERSION

        return ANALYZER_VERSION


class Engagement:
    STEPS = states.STEPS

    def __init__(self, workspace_root, engine, config=None, goal: str | None = None, project: str | None = None,
                 ask: Ask | None = None, progress: Progress | None = None, *, resume: bool = True,
                 clock: Callable[[], _dt.datetime] | None = None, goal_asked: bool = False) -> None:
        """`goal_asked`: the front end asked the user for `goal` (the editor asks before the
        engagement starts), so the report says "asked", not "argument"."""
        self.workspace = Path(workspace_root).resolve()
        self.engine = engine
        self.config_override = config
        try:
            self.goal_argument = scoping.normalise_goal(goal)
        except ValueError as error:
            raise EngagementError(str(error)) from None
        self.goal_asked = goal_asked and self.goal_argument is not None
        self.project_argument = project
        self.ask = ask
        self.progress = progress
        self.clock = clock or states.now
        self._project_state = None
        self._inventory: Inventory | None = None
        self._scrubber: Scrubber | None = None
        self._scrubber_names: tuple[str | None, str | None] = (None, None)
        self._store: MarkdownMemoryStore | None = None
        self.state = self._resumed() if resume else None
        if self.state is None:
            self.state = states.EngagementState()

    # -- the public API: one method per step -----------------------------------------------------

    def scope(self) -> ScopeResult:
        """Step 1: versions, project type, deployment target, apps, goal and plan."""
        return self._run("scope")

    def load_memory(self) -> MemoryResult:
        """Step 2: the project's memory (decisions, conventions, known issues)."""
        return self._run("memory")

    def load_context(self) -> ContextResult:
        """Step 3: guidance documents within the configured budget."""
        return self._run("context")

    def analyze(self) -> dict:
        """Step 4: the whole project through the engine and every rule, and its architecture."""
        return self._run("analyze")

    def guidance(self) -> GuidanceResult:
        """Step 5: recommendations, security controls, test strategy, observability."""
        return self._run("guidance")

    def complete(self) -> Path:
        """Every remaining step in order, then the report, its JSON twin and the memory update.
        Returns the report's path."""
        self._run("output")
        return self.workspace / self.state.report

    @property
    def report_path(self) -> Path | None:
        return self.workspace / self.state.report if self.state.report else None

    def status(self) -> dict:
        """The state as shown to a client (steps, times, inputs; without the bulky results)."""
        return self.state.to_dict(with_data=False)

    # -- running steps ---------------------------------------------------------------------------------

    def _resumed(self) -> states.EngagementState | None:
        previous = states.load(self.workspace, strict=True)
        if previous is None or previous.complete or not previous.steps["scope"].done:
            return None
        if self.goal_argument is not None and previous.goal != self.goal_argument:
            return None
        if self.project_argument is not None:
            try:
                if slugify_project(self.project_argument) != previous.slug:
                    return None
            except ValueError:
                return None
        return previous

    def _run(self, name: str) -> dict:
        for step in self.STEPS[: self.STEPS.index(name) + 1]:
            if not self.state.steps[step].done:
                self._run_one(step)
        return self.state.data[name]

    def _run_one(self, name: str) -> None:
        record = self.state.steps[name]
        started = self.clock()
        record.started, record.finished, record.seconds, record.error = states.iso(started), None, None, None
        self._report_progress(f"Step {self.STEPS.index(name) + 1}/6: {states.STEP_TITLES[name]}", _PERCENT[name])
        try:
            result = getattr(self, f"_step_{name}")(record)
        except Exception as error:
            record.error = " ".join(str(error).split()) or type(error).__name__
            self._save_quietly()
            raise
        if name != "output":  # step 6 finishes itself before the report is rendered
            finished = self.clock()
            record.finished, record.seconds = states.iso(finished), round((finished - started).total_seconds(), 3)
            record.done = True
            self.state.data[name] = result
            self._save()

    def _report_progress(self, message: str, percentage: int | None) -> None:
        if self.progress is not None:
            try:
                self.progress(message, percentage)
            except Exception:  # noqa: BLE001 - a client that cannot show progress never stops the engagement
                log.debug("progress callback failed", exc_info=True)

    # -- the project -------------------------------------------------------------------------------------

    def _ensure_index(self) -> None:
        if not self.engine.files and not self.engine.projects:
            self.engine.index(lambda done, total: self._report_progress(f"Indexing {done}/{total} files", None))

    def _candidates(self) -> list:
        found = []
        for project in self.engine.projects:
            root = Path(project.layout.root).resolve()
            if root == self.workspace or self.workspace in root.parents:
                found.append(project)
        return sorted(found, key=lambda p: (len(Path(p.layout.root).parts), str(p.layout.root)))

    def _select_project(self, assumptions: list[str]):
        candidates = self._candidates()
        if not candidates:
            raise EngagementError(f"{self.workspace}: no Django project found (no manage.py or settings module)")
        recorded = self.state.project_root
        if recorded is not None:
            for project in candidates:
                if self._relative_root(project) == recorded:
                    return project
        if len(candidates) == 1:
            return candidates[0]
        names = [self._relative_root(p) for p in candidates]
        if self.project_argument is not None:
            for project in candidates:
                layout = project.layout
                keys = {layout.name, self._relative_root(project), (layout.settings_module or "").split(".")[0]}
                if self.project_argument in keys:
                    return project
        # The main project first: deployable before library code before a sandbox, then by entry points.
        main = main_project([p.layout for p in candidates])
        candidates.sort(key=lambda p: p.layout is not main)
        names = [self._relative_root(p) for p in candidates]
        choice = self.ask("Several Django projects are in this workspace. Which one is the engagement about?",
                          names) if self.ask else None
        if choice in names:
            assumptions.append(f"project: {choice} (chosen among {', '.join(names)})")
            return candidates[names.index(choice)]
        why = "the library code outside the others" if main is not None and main.kind == "library" else \
            "the one with the most entry points"
        assumptions.append(f"several Django projects in the workspace ({', '.join(names)}); this engagement covers "
                           f"{names[0]}, {why} (pass another folder as PATH to choose it)")
        return candidates[0]

    def _relative_root(self, project) -> str:
        root = Path(project.layout.root).resolve()
        return root.relative_to(self.workspace).as_posix() if root != self.workspace else "."

    @property
    def project_state(self):
        if self._project_state is None:
            self._ensure_index()
            if self.state.project_root is not None:
                for project in self._candidates():
                    if self._relative_root(project) == self.state.project_root:
                        self._project_state = project
                        break
                else:
                    raise EngagementError(f"{self.state.project_root}: the project of this engagement is gone")
            else:
                raise EngagementError("the engagement has no project yet (scope first)")
        return self._project_state

    @property
    def config(self):
        return self.config_override or self.project_state.config

    @property
    def root(self) -> Path:
        return Path(self.project_state.layout.root).resolve()

    @property
    def inventory(self) -> Inventory:
        if self._inventory is None or self._inventory.model is not self.project_state.model:
            self._inventory = Inventory(self.engine, self.project_state)
            self._scrubber = None
        return self._inventory

    @property
    def scrubber(self) -> Scrubber:
        names = (self.state.project, self.state.slug)
        if self._scrubber is None or self._scrubber_names != names:
            self._scrubber = Scrubber.for_project(self.inventory.model, names)
            self._scrubber_names = names
        return self._scrubber

    @property
    def store(self) -> MarkdownMemoryStore:
        if self._store is None:
            try:
                self._store = MarkdownMemoryStore(self.root, self.config.memory_dir)
            except ValueError as error:
                raise EngagementError(f"memory-dir {self.config.memory_dir!r}: {error}") from None
        return self._store

    def _lock(self) -> FileLock:
        self._refuse_links_leading_outside()
        return self.store.lock(SKILL, self.state.slug)

    def _refuse_links_leading_outside(self) -> None:
        """Every file the engagement writes (state, memory, lock, report), checked before the
        lock, the first write, is taken: a symbolic link leading out of the workspace stops
        the engagement with nothing written, as an EngagementError naming the path."""
        store = self.store
        memory = store.root.relative_to(store.workspace).as_posix()
        folder = f"{memory}/{slugify_project(SKILL)}/{self.state.slug}"
        targets = [(self.workspace, states.STATE_FILE), (self.workspace, f"{Path(states.STATE_FILE).parent}/.gitignore"),
                   (store.workspace, f"{memory}/.gitignore"), (store.workspace, f"{folder}/{LOCK_NAME}"),
                   *((store.workspace, f"{folder}/{name}") for name in MEMORY_FILES), (self.root, REPORT_DIR)]
        for base, relative in targets:
            try:
                safe_join(base, relative)
            except ValueError:
                raise EngagementError(f"{base / relative}: a symbolic link leads outside the workspace; "
                                      "refusing to write there (nothing was written)") from None

    def _save(self) -> None:
        if self.state.slug is None:
            return
        with self._lock():
            self._write_state()

    def _write_state(self) -> None:
        # Another project's engagement may be saving the same file under its own lock: spare
        # temporary files young enough to be in flight.
        remove_stale_temp_files(states.state_path(self.workspace).parent, of=Path(states.STATE_FILE).name,
                                older_than=STALE_AFTER)
        states.save(self.workspace, self.state, self.scrubber.data)
        gitignore = safe_join(self.workspace, ".django-expert/.gitignore")
        if not gitignore.exists() and not gitignore.is_symlink():
            try:
                atomic_write(gitignore, "# Written by django-expert: the engagement's session state.\n"
                                        "engagement.json\n.*.tmp\n")
            except OSError:
                pass

    def _save_quietly(self) -> None:
        try:
            self._save()
        except Exception:  # noqa: BLE001 - the step's own error is the one to report
            log.debug("engagement state not saved", exc_info=True)

    # -- step 1 ---------------------------------------------------------------------------------------------

    def _step_scope(self, record) -> ScopeResult:
        self._ensure_index()
        assumptions: list[str] = []
        self.state.project_root = None
        self._project_state = None
        project = self._select_project(assumptions)
        self.state.project_root = self._relative_root(project)
        self._project_state = project
        self._inventory = None
        try:
            safe_join(self.workspace, self.state.project_root)
        except ValueError as error:
            raise EngagementError(str(error)) from None
        layout = project.layout
        config = self.config
        try:
            name = project_name(layout, config, self.project_argument)
            slug = project_slug(layout, config, self.project_argument, self.workspace)
        except ValueError as error:
            raise EngagementError(f"project name: {error}") from None
        if self.project_argument is None and getattr(config, "project_name", None) is None and \
                slug != project_slug(layout, config, name, self.workspace):
            name = slug  # the name a previous engagement chose, kept for its memory
        self._store = None
        store = self.store  # validates memory-dir now: a path leaving the project stops the run here
        if config.context_dir:
            try:
                safe_join(self.root, config.context_dir)
            except ValueError as error:
                raise EngagementError(f"context-dir {config.context_dir!r}: {error}") from None
        self.state.project, self.state.slug = name, slug
        self._refuse_links_leading_outside()  # now that the paths are known, before any is read or written
        started = self.clock()
        self.state.started = self.state.started or states.iso(started)
        self.state.date = self.state.date or started.date().isoformat()
        goal, goal_source = self.goal_argument, "asked" if self.goal_asked else "argument"
        if goal is None:
            answer = self.ask("What is the goal of this engagement?", list(scoping.GOALS)) if self.ask else None
            try:
                goal = scoping.normalise_goal(answer) if answer else None
            except ValueError:
                goal = None
            goal_source = "asked"
        if goal is None:
            goal, goal_source = scoping.DEFAULT_GOAL, "default: no goal given (whole-project review in the " \
                                                      "canonical focus-area order)"
        self.state.goal = goal
        inv = self.inventory
        production = scoping.choose_production(layout, self.ask, assumptions)
        if layout.kind == "library":
            assumptions.append("library code outside every Django project: apps are inferred from its packages "
                               "(AppConfig, migrations, models); it has no settings of its own, so settings-based "
                               "checks are skipped")
        elif not layout.settings_module:
            assumptions.append("no settings module found: settings-based checks are skipped")
        elif layout.kind == "sandbox":
            assumptions.append(f"`{layout.settings_module}` is a sandbox's or tests' settings module: it tells which "
                               f"apps exist, never what is deployed")
        versions = scoping.detect_versions(inv)
        drf_used = scoping.uses_drf(inv, versions)
        kind = scoping.project_type(inv)
        deployment = scoping.deployment(inv)
        apps = tuple(ScopedApp(a.label, a.name, "project" if a.resolved and any(
            m == a.name or m.startswith(a.name + ".") for m in inv.files) else "library") for a in inv.apps())
        django = versions.get("django", {}).get("display", "unknown") if versions.get("django") else "unknown"
        drf = (versions.get("djangorestframework", {}).get("display", "version unknown")
               if versions.get("djangorestframework") else "version unknown") if drf_used else "not used"
        record.inputs = {"goal": goal, "project": slug}
        record.outputs = {"type": kind["type"], "deployment": deployment["target"]}
        return ScopeResult(
            project=name, slug=slug, project_root=self.state.project_root, date=self.state.date, goal=goal,
            goal_source=goal_source, versions=versions, django=django, drf=drf, drf_used=drf_used,
            type=ProjectType(**kind), deployment=Deployment(**{k: tuple(v) if isinstance(v, list) else v
                                                               for k, v in deployment.items()}),
            apps=apps, settings_module=layout.settings_module,
            settings_provenance=layout.provenance.get("settings_module"),
            settings_modules=tuple(layout.settings_modules), production_settings=tuple(production),
            plan=tuple(PlanStep(**step) for step in scoping.plan(goal, inv, kind, drf_used, deployment)),
            assumptions=tuple(assumptions), problems=tuple(dict.fromkeys([*self.engine.problems, *layout.problems])),
            memory_directory=store.directory(SKILL, slug).relative_to(self.root).as_posix(),
        )

    # -- step 2 ---------------------------------------------------------------------------------------------

    def _decisions(self):
        return list(self.store.get_skill_memory(SKILL, self.state.slug).decisions)

    def _step_memory(self, record) -> MemoryResult:
        store, slug = self.store, self.state.slug
        memory = store.get_skill_memory(SKILL, slug)
        others = store.get_by_project(slug)
        directory = store.directory(SKILL, slug).relative_to(self.root).as_posix()
        decisions = tuple(RecordedDecision(d.code, d.status, d.reason, d.target, d.date.isoformat() if d.date else None,
                                           f"{directory}/{d.source}" if d.source else None) for d in memory.decisions)
        record.inputs = {"skill": SKILL, "project": slug}
        record.outputs = {"files": len(memory.files), "decisions": len(decisions)}
        return MemoryResult(
            directory=directory, slug=slug, files=tuple(sorted(memory.files)), decisions=decisions,
            conventions=_clip(memory.conventions), known_issues=_clip(memory.known_issues),
            problems=tuple(memory.problems),
            other_skills=tuple(OtherSkill(skill, tuple(sorted(m.files))) for skill, m in others.items() if skill != SKILL),
        )

    # -- step 3 ---------------------------------------------------------------------------------------------

    def _step_context(self, record) -> ContextResult:
        config = self.config
        try:
            provider = LibraryContextProvider(self.root, config.context_dir, budget=config.context_budget)
        except ValueError as error:
            raise EngagementError(f"context-dir {config.context_dir!r}: {error}") from None
        scope = self.state.data["scope"]
        inv = self.inventory
        index = provider.get_domain_index("python")
        provider.get_conditional_context("python", "django")
        conditions = ["django"]
        if scope.drf_used:
            provider.get_conditional_context("python", "drf")
            conditions.append("drf")
        if any(t.framework == "celery" for t in inv.tasks.values()):
            provider.get_conditional_context("python", "celery")
            conditions.append("celery")
        if any(v.is_async for v in inv.views.values()) or scope.deployment.target == "ASGI":
            provider.get_conditional_context("python", "async")
            conditions.append("async")
        provider.get_cross_domain_context("python", ["auth", "input", "database"])
        loaded = provider.record()
        catalogue = {meta.id: meta for meta in provider.catalogue()}
        rules: dict[str, ContextDoc] = {}
        for meta in catalogue.values():
            for code in meta.rules:
                if code not in rules:
                    found = provider.guidance_for_rule(code)
                    if found is not None:
                        rules[code] = self._doc(found, found.id in loaded.loaded)
        record.inputs = {"budget": loaded.budget, "conditions": ", ".join(conditions)}
        record.outputs = {"loaded": len(loaded.loaded), "skipped": len(loaded.skipped)}
        return ContextResult(
            budget=loaded.budget, index_size=len(index),
            index=tuple(IndexEntry(m.id, m.title, m.source) for m in index),
            loaded=tuple(self._doc(catalogue[doc_id], True) for doc_id in loaded.loaded if doc_id in catalogue),
            skipped=tuple(loaded.skipped),
            calls=tuple(ContextCall(c.method, tuple(c.arguments), tuple(c.returned), tuple(c.skipped))
                        for c in loaded.calls),
            problems=tuple(loaded.problems), overrides=tuple(loaded.overrides), rules=rules,
        )

    def _doc(self, meta, loaded: bool) -> ContextDoc:
        source = meta.source
        path = None
        if source == "project":
            try:
                path = Path(meta.path).resolve().relative_to(self.root).as_posix()
            except ValueError:
                path = None
        return ContextDoc(meta.id, meta.title, "project" if source == "project" else "library", path, loaded)

    # -- step 4 ---------------------------------------------------------------------------------------------

    def project_findings(self) -> list[Finding]:
        """The engine's current findings of this project's own files."""
        project = self.project_state
        found: list[Finding] = []
        for path, findings in self.engine.all_findings().items():
            state = self.engine.state(path)
            if state is not None and state.project is project:
                found.extend(findings)
        return found

    def analyzed(self, findings: list[Finding], *, fixes: int = MAX_FIXES) -> list[AnalyzedFinding]:
        """`findings` of this project as step 4 presents them, in the report's order (severity,
        area, path, position, code): the recorded decisions in force now applied, the fixes of
        the first `fixes` fixable ones computed (0: none, as a quick look asks)."""
        root = self.root
        decisions = self._decisions()
        docs = self.state.data["context"].rules
        name = _namer(root)
        ordered = sorted(findings, key=lambda f: (_SEVERITY_RANK.get(f.severity.value, 9), _AREA_RANK.get(
            f.category.value, 9), name(f.path), f.span.start.line, f.span.start.column, f.code))
        out = []
        for finding in ordered:
            symbol = symbol_of(self.engine, finding)
            decision = decision_of(finding, decisions, root, symbol)
            fix = None
            if (finding.fix is not None or finding.fixable is not Applicability.NONE) and fixes > 0:
                fixes -= 1
                try:
                    fix = self.engine.fix(finding)
                except Exception:  # noqa: BLE001 - a fixer that fails leaves the finding without a patch
                    log.warning("fix for %s at %s failed", finding.code, name(finding.path), exc_info=True)
            out.append(AnalyzedFinding(finding, presented(finding, decision), fix, decision,
                                       docs[finding.code].id if finding.code in docs else None, symbol))
        return out

    def _step_analyze(self, record) -> dict:
        inv = self.inventory
        root = self.root
        analyzed = self.analyzed(self.project_findings())
        fixes_computed = min(MAX_FIXES, sum(1 for a in analyzed if a.original.fix is not None
                                            or a.original.fixable is not Applicability.NONE))
        name = _namer(root)
        records = [a.to_json(name, self.state.data["memory"].directory) for a in analyzed]
        self._report_progress("Step 4/6: architecture", 70)
        mentioned = set()
        modules = {inv.place(module).path: module for module in inv.files}
        for item in analyzed:
            symbol = item.symbol or ""
            module = modules.get(name(item.path))
            if symbol.count(".") == 1 and module:
                info = inv.model.model(symbol.split(".")[0], module)
                if info is not None:
                    mentioned.add((info.label, symbol.split(".")[1]))
        scope = self.state.data["scope"]
        settings = arch.settings_layout(inv, list(scope.production_settings))
        middleware = arch.middleware(inv)
        middleware["path"] = inv.place(middleware["module"]).path if middleware.get("module") else None
        architecture = {
            "settings": settings,
            "apps": arch.apps(inv),
            "middleware": middleware,
            "models": arch.models(inv, mentioned),
            "api_map": arch.api_map(inv),
            "background": arch.background(inv),
            "test_modules": [inv.place(module).path for module in inv.test_modules],
            "deployment": scope.deployment.to_json(),
        }
        by_severity = Counter(item.severity for item in analyzed)
        by_area = Counter(item.area for item in analyzed)
        record.inputs = {"files": len(inv.files), "rules": _rule_count()}
        record.outputs = {"findings": len(records), "decided": sum(1 for item in analyzed if item.decision)}
        return {"files": len(inv.files), "findings": records, "fixes_computed": fixes_computed,
                "counts": {"by_severity": dict(by_severity), "by_area": dict(by_area)},
                "architecture": architecture}

    # -- step 5 ---------------------------------------------------------------------------------------------

    def _step_guidance(self, record) -> GuidanceResult:
        inv = self.inventory
        scope = self.state.data["scope"]
        analysis = self.state.data["analyze"]
        order = scope.order
        production = list(scope.production_settings)
        controls = security.controls(inv, production, analysis["architecture"]["api_map"],
                                     analysis["findings"])
        patches = self._patches(analysis["findings"], order)
        docs = self.state.data["context"].rules
        recs = guide.recommendations(order, analysis["findings"], patches, inv, analysis["architecture"], controls, docs)
        tests = guide.test_strategy(order, inv, analysis["findings"], controls, scope.versions)
        observability = guide.observability(inv, production, scope.versions)
        risks = summary.top_risks(order, analysis["findings"], recs, patches)
        testing = self._testing(analysis["findings"], risks)
        record.inputs = {"goal": scope.goal}
        record.outputs = {"recommendations": len(recs), "patches": len(patches), "tests": len(tests),
                          "top risks": len(risks)}
        return GuidanceResult(summary=tuple(risks), recommendations=recs, security=controls, test_strategy=tests,
                              observability=observability, testing=testing)

    def _testing(self, findings: list[dict], risks) -> dict | None:
        """The test map and the tests written for the top risks (issue 17); None if it failed."""
        from django_expert.server.engagement import test_writer

        try:
            return test_writer.testing_section(self.inventory, findings, risks)
        except Exception:  # noqa: BLE001 - the rest of the guidance stands without it
            log.exception("the testing section could not be written")
            return None

    def _patches(self, records: list[dict], order: tuple[str, ...]) -> dict[int, dict]:
        from django_expert.analyzers.findings import Edit, Fix
        from django_expert.analyzers.source import Span

        rank = {area: i for i, area in enumerate(order)}
        candidates = [i for i, r in enumerate(records) if r.get("fix") and not (
            r.get("decision") and r["decision"]["status"] in ("accepted", "rejected"))]
        candidates.sort(key=lambda i: (rank.get(records[i]["category"], 99), i))
        patches: dict[int, dict] = {}
        per_code: Counter[str] = Counter()
        for index in candidates:
            item = records[index]
            if len(patches) >= guide.MAX_PATCHES or per_code[item["code"]] >= guide.MAX_PATCHES_PER_CODE:
                continue
            fix = item["fix"]
            try:
                edits = tuple(Edit(str(self.root / e["filename"]), Span.of(
                    e["location"]["row"] - 1, e["location"]["column"] - 1,
                    e["end_location"]["row"] - 1, e["end_location"]["column"] - 1), e["content"]) for e in fix["edits"])
                diff = unified_diff(Fix(fix["title"], Applicability(fix["applicability"]), edits), self.root)
            except (KeyError, TypeError, ValueError):
                diff = None
            if not diff:
                continue
            per_code[item["code"]] += 1
            patches[index] = {"path": item["filename"], "line": item["location"]["row"], "title": fix["title"],
                              "applicability": fix["applicability"], "diff": diff}
        return patches

    # -- step 6 ---------------------------------------------------------------------------------------------

    def _step_output(self, record) -> OutputResult:
        data = self.state.data
        slug = self.state.slug
        scrub = self.scrubber
        store = self.store
        files = memory_notes.sections(data)
        files = {name: type(content)({key: scrub.text(body) for key, body in content.sections.items()}, content.title)
                 for name, content in files.items()}
        result = store.update(SKILL, slug, files)
        directory = store.directory(SKILL, slug).relative_to(self.root).as_posix()
        updates = MemoryUpdates(
            directory=directory, written=tuple(result.written), unchanged=tuple(result.unchanged),
            refused=dict(result.refused), replaced=dict(result.replaced), added=dict(result.added),
            rescued_decisions=tuple(d.to_line() for d in result.rescued_decisions), problems=tuple(result.problems),
        )
        data["output"] = OutputResult(updates)
        day = _dt.date.fromisoformat(self.state.date)
        version = tool_version()
        with self._lock():
            # A run killed while writing left its temporary report; this project's lock is held.
            remove_stale_temp_files(safe_join(self.root, REPORT_DIR), of=f"django_{slug}_")
            path = next_report_path(self.root, slug, day)
            twin_path = path.with_suffix(".json")
            relative = path.relative_to(self.workspace).as_posix()
            finished = self.clock()
            record.finished = states.iso(finished)
            started = _dt.datetime.fromisoformat(record.started)
            record.seconds = round((finished - started).total_seconds(), 3)
            record.done = True
            record.inputs = {"report": path.name}
            record.outputs = {"memory files written": len(result.written)}
            self.state.finished = record.finished
            self.state.report = relative
            output = data["output"] = OutputResult(updates, relative, twin_path.relative_to(self.workspace).as_posix())
            checklist = self.state.checklist()
            markdown = scrub.text(report.render(data, checklist, version))
            document = scrub.data(report.twin(data, self.state, checklist, version))
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                atomic_write(path, printable(markdown))
                atomic_write(twin_path, json.dumps(printable_data(document), indent=2, ensure_ascii=False) + "\n")
            except OSError:
                record.done, record.finished, record.seconds = False, None, None
                self.state.report = None
                raise
            self._write_state()
        self._report_progress("Engagement complete", 100)
        return output


# -- helpers ---------------------------------------------------------------------------------------------


def _namer(root: Path):
    def name(path: str) -> str:
        try:
            return Path(path).relative_to(root).as_posix()
        except ValueError:
            return Path(path).as_posix()

    return name


def _rule_count() -> int:
    from django_expert.analyzers.rules.registry import all_rules

    return len(all_rules())


def _clip(text: str | None, limit: int = 4000) -> str | None:
    if text is None:
        return None
    return text if len(text) <= limit else text[:limit].rstrip() + "\n…"
