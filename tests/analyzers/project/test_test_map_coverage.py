"""The test map's endpoint coverage against a list derived by hand from the workspace's
test files (testsuite_endpoints.json, each row saying why), for every workspace with tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django_expert.analyzers.engine import Engine
from django_expert.analyzers.project import test_map

HERE = Path(__file__).resolve().parent
WORKSPACES = HERE.parents[1] / "workspaces"
# The workspaces and their hand-derived coverage; every other workspace has no test module.
BY_HAND = {"testsuite": HERE / "testsuite_endpoints.json"}


def model_of(folder: Path):
    engine = Engine([folder], {"select": ["DJE6"]}, use_cache=False)
    engine.index()
    return engine.projects[0].model if isinstance(engine.projects, list) else next(iter(engine.projects)).model


@pytest.mark.parametrize("name", sorted(BY_HAND))
def test_endpoint_coverage_equals_the_list_derived_by_hand(name):
    expected = [{k: v for k, v in row.items() if k != "why"} for row in json.loads(BY_HAND[name].read_text())]
    found = [entry.to_json() for entry in test_map.endpoint_coverage(model_of(WORKSPACES / name))]
    assert found == expected


def test_the_other_workspaces_have_no_tests():
    """So their coverage is empty by construction: a workspace gaining tests must be added to BY_HAND."""
    for folder in sorted(p for p in WORKSPACES.iterdir() if p.is_dir() and p.name not in BY_HAND):
        engine = Engine([folder], {"select": ["DJE6"]}, use_cache=False)
        engine.index()
        for project in engine.projects:
            modules = [t.module for t in test_map.test_modules(project.model)]
            assert all(not c.tests for c in test_map.endpoint_coverage(project.model)), (folder.name, modules)
