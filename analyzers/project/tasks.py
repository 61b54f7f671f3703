"""Background tasks of a project: which functions are tasks (one notion of a task decorator
for the rules and the report), and which of them a schedule runs (Celery beat, huey and
Celery's `periodic_task`), so a task run by the beat is never called "never enqueued".

`task_framework` reads decorators from FileFacts; schedules are read from the settings
(`CELERY_BEAT_SCHEDULE`) and from the text of the files that mention one, parsed once.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from django_expert.analyzers.facts.values import Call, Mapping, Ref, Value, string

# The decorators that make a function a task, as their last dotted part or full name.
TASK_DECORATORS = ("shared_task", "celery.task", "celery.decorators.task", "celery.decorators.periodic_task",
                   "celery.task.periodic_task", "dramatiq.actor", "django_rq.job", "rq.decorators.job",
                   "huey.contrib.djhuey.task", "huey.contrib.djhuey.db_task", "huey.contrib.djhuey.periodic_task",
                   "huey.contrib.djhuey.db_periodic_task")
PERIODIC_DECORATORS = ("periodic_task", "db_periodic_task")
BEAT_SETTINGS = ("CELERY_BEAT_SCHEDULE", "CELERYBEAT_SCHEDULE", "BEAT_SCHEDULE")
SCHEDULE_WORDS = ("beat_schedule", "BEAT_SCHEDULE", "add_periodic_task", "periodic_task")


@dataclass(frozen=True)
class Scheduled:
    """A schedule entry naming a task: `task` is the dotted name or the function name as
    written; `how` says which mechanism (for the report)."""

    task: str
    module: str
    line: int  # 1-based; 1 when only the module is known
    how: str

    @property
    def short(self) -> str:
        return self.task.rpartition(".")[2]

    def to_json(self) -> dict:
        return {"task": self.task, "module": self.module, "line": self.line, "how": self.how}


def task_framework(project, decorator: Value) -> str | None:
    """"celery", "rq", "dramatiq" or "huey" when `decorator` makes a function a task."""
    name = decorator.func if isinstance(decorator, Call) else decorator.name if isinstance(decorator, Ref) else ""
    if not name:
        return None
    last = name.rpartition(".")[2]
    if last == "shared_task" or name in ("celery.task", "celery.decorators.task", "celery.decorators.periodic_task",
                                        "celery.task.periodic_task"):
        return "celery"
    if "huey" in name and last in ("task", "db_task", "periodic_task", "db_periodic_task"):
        return "huey"
    if last == "task" and "." in name:
        return _app_task(project, name.rpartition(".")[0])
    if last == "job" and (name.split(".")[0] == "rq" or name.startswith("django_rq")):
        return "rq"
    if last == "actor" and name.startswith("dramatiq"):
        return "dramatiq"
    return None


def _app_task(project, owner: str) -> str | None:
    """`@app.task`: the framework of the application object `owner` names."""
    module, _, var = owner.rpartition(".")
    facts = project.module_facts(module) if module else None
    for statement in facts.statements if facts is not None else ():
        if statement.kind == "assign" and statement.name == var and isinstance(statement.value, Call):
            callee = statement.value.func.rpartition(".")[2]
            if callee == "Celery":
                return "celery"
            if callee.endswith("Huey") or "huey" in statement.value.func.lower():
                return "huey"
    return "celery" if owner.rpartition(".")[2] in ("app", "celery_app", "celery") else None


def is_periodic(decorator: Value) -> bool:
    name = decorator.func if isinstance(decorator, Call) else decorator.name if isinstance(decorator, Ref) else ""
    return name.rpartition(".")[2] in PERIODIC_DECORATORS


def beat_settings_schedule(project, settings_module: str | None) -> list[Scheduled]:
    """The tasks of CELERY_BEAT_SCHEDULE (or its older names) in the given settings."""
    try:
        settings = project.settings(settings_module)
    except Exception:  # noqa: BLE001 - settings that cannot be read schedule nothing we can see
        return []
    found: list[Scheduled] = []
    for name in BEAT_SETTINGS:
        value = settings.value(name)
        if not isinstance(value, Mapping):
            continue
        binding = settings.get(name)
        module = getattr(binding, "module", None) or settings_module or ""
        for _, entry in value.items:
            task = string(entry.get("task")) if isinstance(entry, Mapping) else None
            if task:
                found.append(Scheduled(task, module, 1, name))
    return found


def schedules_in_tree(tree: ast.Module, module: str) -> list[Scheduled]:
    """Schedule entries written in one file: `{"task": "app.tasks.x", "schedule": ...}` dicts
    (app.conf.beat_schedule, a beat dict in any form), `sender.add_periodic_task(s, task.s())`,
    and functions decorated with `@periodic_task` / `@db_periodic_task`."""
    found: list[Scheduled] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            found.extend(_beat_entry(node, module))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add_periodic_task":
            signature = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "sig"),
                                                                     None)
            task = _signature_task(signature)
            if task:
                found.append(Scheduled(task, module, node.lineno, "add_periodic_task"))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                name = target.attr if isinstance(target, ast.Attribute) else target.id if isinstance(target, ast.Name) \
                    else ""
                if name in PERIODIC_DECORATORS:
                    found.append(Scheduled(f"{module}.{node.name}", module, node.lineno, f"@{name}"))
    return found


def _beat_entry(node: ast.Dict, module: str) -> list[Scheduled]:
    keys = {k.value: v for k, v in zip(node.keys, node.values, strict=True)
            if isinstance(k, ast.Constant) and isinstance(k.value, str)}
    task = keys.get("task")
    if "schedule" not in keys or not isinstance(task, ast.Constant) or not isinstance(task.value, str):
        return []
    return [Scheduled(task.value, module, node.lineno, "beat schedule")]


def _signature_task(node: ast.expr | None) -> str | None:
    """`task.s(...)`, `task.si(...)`, `task.signature(...)`, `signature("name")` → the task."""
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr in ("s", "si", "signature"):
        return ast.unparse(func.value)
    if isinstance(func, ast.Name) and func.id == "signature" and node.args and isinstance(node.args[0], ast.Constant):
        return str(node.args[0].value)
    return None
