"""Which models have receivers of their save and delete signals (`@receiver(post_save,
sender=Order)`): what a bulk write (`bulk_create`, `bulk_update`, `queryset.update`) skips.
One project-wide answer, memoised per model."""

from __future__ import annotations

from django_expert.analyzers.facts.values import Call, Const, Ref, Seq
from django_expert.analyzers.project.model import ProjectModel

RECEIVERS = frozenset({"django.dispatch.receiver", "django.dispatch.dispatcher.receiver"})
SAVE_SIGNALS = frozenset({"django.db.models.signals.pre_save", "django.db.models.signals.post_save"})


def save_receivers(project: ProjectModel, model_qualname: str) -> tuple[str, ...]:
    """The functions (qualified names) that receive `pre_save`/`post_save` for the model."""
    return tuple(receiver for model, receiver in project.memo(_save_receivers) if model == model_qualname)


def _save_receivers(project: ProjectModel) -> tuple[tuple[str, str], ...]:
    found = []
    for module, facts in project.facts.items():
        for function in facts.functions:
            for decorator in function.decorators:
                if not isinstance(decorator, Call) or decorator.func not in RECEIVERS or not decorator.args:
                    continue
                signal = decorator.args[0]
                signals = signal.items if isinstance(signal, Seq) else (signal,)
                if not any(isinstance(s, Ref) and s.name in SAVE_SIGNALS for s in signals):
                    continue
                sender = decorator.kwarg("sender")
                name = sender.name if isinstance(sender, Ref) else sender.value if isinstance(sender, Const) else None
                model = project.model(name, module) if isinstance(name, str) else None
                if model is not None:
                    found.append((model.qualname, f"{module}.{function.name}"))
    return tuple(sorted(set(found)))
