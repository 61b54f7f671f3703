"""ProjectModel's lifetime: a rebuilt model frees the previous one (issue 15, "no leak").

What is built once per model (the URL index, setting names, the template index, lookup
facts, the migration graph, queryset packages) is kept on the model (`derived`), not in a
module-level `WeakKeyDictionary` keyed by it: such a dictionary's values refer to their own
key, so every model the engine ever built stayed alive (RSS 248 -> 422 MB over 30 field
edits in the server).
"""

from __future__ import annotations

import gc
import shutil
import weakref
from pathlib import Path


from django_expert.analyzers.engine import Engine
from django_expert.analyzers.navigation import features
from django_expert.analyzers.project.migrations import migration_graph
from django_expert.analyzers.project.model import ProjectModel

WORKSPACES = Path(__file__).resolve().parents[2] / "workspaces"
REBUILDS = 50
# Completion, hover and definition at the end of catalog/views.py: a lookup path, a URL
# name, a setting and a template name, so each navigation index is built on every model.
HEAD = ("from django.conf import settings\nfrom django.shortcuts import render\nfrom django.urls import reverse\n"
        "from .models import Category, Product\n")
PROBES = ("Product.objects.filter(category__na", "reverse('catalog:prod", "settings.DEB", "render(request, 'catalog/")
FIELD = "    name = models.CharField(max_length=200)\n"


def _rebuild_many(tmp_path: Path, check: bool) -> tuple[Engine, list[weakref.ref[ProjectModel]]]:
    """Index a copy of the shop, then add a different field to Product 50 times: each edit
    changes the facts, so the engine builds a new ProjectModel, which is then used."""
    root = tmp_path / "shop"
    shutil.copytree(WORKSPACES / "shop", root)
    engine = Engine([root], use_cache=False)
    engine.index()
    models = root / "catalog" / "models.py"
    views = root / "catalog" / "views.py"
    base = models.read_text()
    assert FIELD in base
    built: list[weakref.ref[ProjectModel]] = []
    for i in range(REBUILDS):
        before = engine.project_for(models)
        engine.update(models, base.replace(FIELD, f"{FIELD}    extra_{i} = models.IntegerField()\n", 1))
        project = engine.project_for(models)
        assert project is not None and project is not before
        built.append(weakref.ref(project))
        if check:
            engine.all_findings()
        migration_graph(project)
        facts = engine.state(views).facts
        for probe in PROBES:
            text = HEAD + probe
            target = features.find_target(project, facts, text, len(text))
            assert target is not None, probe
            features.complete(project, target)
            features.hover(project, target)
            features.definition(project, target)
        del project, before
    return engine, built


def _live(built: list[weakref.ref[ProjectModel]]) -> list[ProjectModel]:
    gc.collect()
    return [model for ref in built if (model := ref()) is not None]


def test_navigation_and_project_indexes_release_the_previous_model(tmp_path):
    engine, built = _rebuild_many(tmp_path, check=False)
    live = _live(built)
    assert len(live) == 1
    assert live[0] is engine.projects[0].model


def test_a_checked_project_keeps_one_live_model_after_50_rebuilds(tmp_path):
    engine, built = _rebuild_many(tmp_path, check=True)
    live = _live(built)
    assert len(live) == 1
    assert live[0] is engine.projects[0].model
