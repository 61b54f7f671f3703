"""Django judges the lookup paths: completion and DJE209 against the runtime.

For each workspace project, paths are generated over every registered model: random walks
that pick each next segment among what completion offers (fields, relations both ways,
transforms, lookups), and invalid variants of them (typos, the instance accessor instead of
the query name, a text lookup after a relation, a transform of another type, a lookup after
a lookup). `lookup_probe.py`, in a subprocess running Django with the workspace's settings,
says which paths Django accepts. The test asserts:

- every path built from completion items is accepted by Django;
- on every path the analyser can judge (not *open*), it reports a problem (DJE209) exactly
  when Django rejects the path.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from django_expert.analyzers.engine import load_projects
from django_expert.analyzers.navigation import lookups
from django_expert.analyzers.navigation.lookups import FILTER, LOOKUP, ORDER, SELECT, SEP

WORKSPACES = Path(__file__).resolve().parents[1] / "workspaces"
PROBE = Path(__file__).resolve().with_name("lookup_probe.py")
PROJECTS = [("shop", "shop.settings.dev"), ("blog", "config.settings"), ("multi/backend", "api_project.settings")]
WALKS = {FILTER: 160, ORDER: 40, SELECT: 25}  # per project
_TYPOS = ("drop", "swap", "double", "case")


def _project(folder: str, settings_module: str):
    for project in load_projects(WORKSPACES / folder):
        if project.layout.settings_module == settings_module:
            return project
    raise AssertionError(f"no project with settings {settings_module} under {folder}")


def _walk(project, model, mode: str, rng: random.Random) -> list[str]:
    """The paths of one random walk: each prefix that completion built."""
    paths, prefix = [], ""
    for _ in range(5):
        options = lookups.options_at(project, model, prefix + SEP if prefix else "", mode)
        if not options:
            break
        option = rng.choice(options)
        prefix = f"{prefix}{SEP}{option.label}" if prefix else option.label
        paths.append(prefix)
        if option.kind == LOOKUP or rng.random() < 0.3:
            break
    return paths


def _typo(name: str, rng: random.Random) -> str:
    kind = rng.choice(_TYPOS)
    if len(name) > 2 and kind == "drop":
        index = rng.randrange(len(name))
        return name[:index] + name[index + 1:]
    if len(name) > 2 and kind == "swap":
        index = rng.randrange(len(name) - 1)
        return name[:index] + name[index + 1] + name[index] + name[index + 2:]
    if kind == "case":
        return name.capitalize() if name != name.capitalize() else name + "x"
    index = rng.randrange(len(name))
    return name[:index] + name[index] + name[index:]


def _variants(path: str, model, mode: str, rng: random.Random) -> list[str]:
    parts = path.split(SEP)
    index = rng.randrange(len(parts))
    found = [SEP.join([*parts[:index], _typo(parts[index], rng), *parts[index + 1:]])]
    if mode == FILTER:
        found += [f"{path}{SEP}exact", f"{path}{SEP}icontains", f"{path}{SEP}year", f"{path}{SEP}in{SEP}in",
                  f"{path}{SEP}date{SEP}month"]
        accessors = [r.accessor for r in model.reverse_relations() if r.accessor and r.accessor != r.name
                     and not r.hidden]
        if accessors:
            found.append(rng.choice(accessors))
    return found


def _cases(project, rng: random.Random) -> tuple[list[dict], set[str]]:
    models = [m for m in project.models() if m.registered]
    cases: dict[tuple[str, str, str], dict] = {}
    offered: set[str] = set()
    for mode, walks in WALKS.items():
        for _ in range(walks):
            model = rng.choice(models)
            for path in _walk(project, model, mode, rng):
                key = (model.label, mode, path)
                cases.setdefault(key, {"id": "|".join(key), "model": model.label, "mode": mode, "path": path})
                offered.add("|".join(key))
                for variant in _variants(path, model, mode, rng):
                    key = (model.label, mode, variant)
                    cases.setdefault(key, {"id": "|".join(key), "model": model.label, "mode": mode, "path": variant})
    return list(cases.values()), offered


def _ask_django(folder: str, settings_module: str, cases: list[dict]) -> dict[str, str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    proc = subprocess.run([sys.executable, str(PROBE), str(WORKSPACES / folder), settings_module],
                          check=False, input=json.dumps(cases), capture_output=True, text=True, timeout=300, env=env,
                          cwd=str(WORKSPACES / folder))
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


_TOTALS: dict[str, int] = {}


@pytest.mark.parametrize(("folder", "settings_module"), PROJECTS, ids=[p[0] for p in PROJECTS])
def test_lookup_paths_match_django(folder: str, settings_module: str) -> None:
    project = _project(folder, settings_module)
    rng = random.Random(f"lookups-{folder}")
    cases, offered = _cases(project, rng)
    verdicts = _ask_django(folder, settings_module, cases)
    by_label = {m.label: m for m in project.models()}
    wrong_offers, disagreements = [], []
    counts = {"paths": len(cases), "offered": len(offered), "judged": 0, "valid": 0, "invalid": 0, "open": 0}
    for case in cases:
        verdict = verdicts[case["id"]]
        rejected = verdict.startswith("rejected")
        counts["invalid" if rejected else "valid"] += 1
        if case["id"] in offered and rejected:
            wrong_offers.append(f"{case['id']}: {verdict}")
        resolution = lookups.resolve(project, by_label[case["model"]], case["path"], case["mode"])
        if resolution.problem is None and resolution.open:
            counts["open"] += 1
            continue
        counts["judged"] += 1
        if (resolution.problem is not None) != rejected:
            said = resolution.problem.message if resolution.problem else "accepted"
            disagreements.append(f"{case['id']}: django {verdict!r}, analyser {said!r}")
    for key, value in counts.items():
        _TOTALS[key] = _TOTALS.get(key, 0) + value
    print(f"\n{folder}: {counts} totals so far: {_TOTALS}")
    assert not wrong_offers, "completion offered paths Django rejects:\n" + "\n".join(wrong_offers)
    assert not disagreements, "DJE209 disagrees with Django:\n" + "\n".join(disagreements)
    assert counts["judged"] >= 200
