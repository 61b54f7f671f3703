"""No launch runs the analysed project's code (issue 11, item 1).

A hostile workspace holds, at its root, modules named like those the server and the CLI
import; each writes a marker file when imported. The server is started from that folder in
every way the editors and the tests start it, does a real session (initialize, open a file,
diagnostics, shutdown), and `check` and `engage` run there too: the tools answer, and no
marker is written.

One shadow no code of ours can stop: a project `django_expert.py` (or `django_expert/`)
is found before the installed package under a plain `python -m`, since the package has not
started yet. That is why the editors launch the console script or `python -I -m`, which
the last tests plant it against.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.lsp_wire import WireClient

SCRIPT = Path(sys.executable).with_name("django-expert")

# What the server, the CLI and their libraries import (stdlib and third party), plus our
# own package's first name; the issue found 18-25 of 45 such modules run under `python -m`.
SHADOWED = (
    "secrets uuid email string csv tokenize tempfile hashlib dataclasses jedi libcst pydantic pygls "
    "lsprotocol platformdirs json re typing logging argparse pathlib textwrap shutil subprocess "
    "threading asyncio concurrent enum functools inspect ast difflib fnmatch glob pickle zlib base64 "
    "random weakref copy contextlib heapq bisect struct importlib_metadata attrs cattrs tomllib queue "
    "signal selectors socket traceback warnings linecache cattr typing_extensions parso "
    "pydantic_core annotated_types locale datetime calendar decimal numbers operator keyword "
    "token dis opcode collections_abc hmac unicodedata sqlite3 gettext"
).split()

LAUNCHES = {
    "console script": lambda *args: [str(SCRIPT), *args],
    "python -m (cli)": lambda *args: [sys.executable, "-m", "django_expert.server.cli", *args],
    "python -I -m (cli)": lambda *args: [sys.executable, "-I", "-m", "django_expert.server.cli", *args],
}
ISOLATED = ("console script", "python -I -m (cli)")
SERVER_LAUNCHES = {
    **{name: launch("lsp") for name, launch in LAUNCHES.items()},
    "python -m (server, as the LSP tests)": [sys.executable, "-m", "django_expert.server.lsp"],
}


# A shadow that leaves its marker, then hands over to the real module, so one import that
# ran does not hide the next behind a crash (the count is the count of what ran).
STAND_IN = """\
import importlib, os, sys
open({marker!r}, "w").close()
_path = sys.path[:]
sys.path[:] = [entry for entry in sys.path if entry and os.path.realpath(entry) != os.path.realpath({root!r})]
del sys.modules[__name__]
try:
    sys.modules[__name__] = importlib.import_module(__name__)
finally:
    sys.path[:] = _path
"""


def hostile_workspace(root: Path, markers: Path, own_package: bool = False) -> Path:
    """A small Django project whose root also holds a shadowing module per name in SHADOWED
    (and, with `own_package`, shadows of our own package)."""
    (root / "shop").mkdir(parents=True)
    (root / "catalog").mkdir()
    markers.mkdir()
    (root / "manage.py").write_text("import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')\n")
    (root / "pyproject.toml").write_text('[tool.django-expert]\nselect = ["ALL"]\n')  # DJE201 is the sample
    (root / "shop" / "__init__.py").write_text("")
    (root / "shop" / "settings.py").write_text(textwrap.dedent("""\
        INSTALLED_APPS = ["django.contrib.contenttypes", "catalog"]
        DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
        """))
    (root / "catalog" / "__init__.py").write_text("")
    (root / "catalog" / "models.py").write_text(textwrap.dedent("""\
        from django.db import models


        class Product(models.Model):
            name = models.CharField(max_length=100, null=True)
        """))
    for name in SHADOWED:
        (root / f"{name}.py").write_text(STAND_IN.format(marker=str(markers / name), root=str(root)))
    if own_package:  # our (namespace) package as a folder with a subpackage, and as a module
        (root / "django_expert" / "server").mkdir(parents=True)
        (root / "django_expert" / "server" / "__init__.py").write_text(
            f"open({str(markers / 'django_expert.server')!r}, 'w').close()\n")
        (root / "django_expert.py").write_text(f"open({str(markers / 'django_expert')!r}, 'w').close()\n")
    return root


@pytest.fixture
def hostile(tmp_path):
    return hostile_workspace(tmp_path / "ws", tmp_path / "markers")


@pytest.fixture
def env(tmp_path):
    environ = {**os.environ, "DJANGO_EXPERT_CACHE_DIR": str(tmp_path / "cache"), "PYTHONDONTWRITEBYTECODE": "1"}
    environ.pop("PYTHONPATH", None)
    return environ


def ran(markers: Path) -> list[str]:
    return sorted(marker.name for marker in markers.iterdir())


# -- the language server ------------------------------------------------------------------------


def session(command: list[str], root: Path, env: dict) -> list[dict]:
    """initialize, open catalog/models.py, wait for its diagnostics, shutdown: the diagnostics."""
    process = subprocess.Popen(command, cwd=root, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    client = WireClient(process.stdout, process.stdin, lambda: process.stderr.read().decode(errors="replace"))
    try:
        assert "capabilities" in client.initialize(root)
        path = root / "catalog" / "models.py"
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": path.as_uri(), "languageId": "python", "version": 1, "text": path.read_text()}})
        published = client.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                                     and m["params"]["uri"] == path.as_uri() and m["params"]["diagnostics"])
        client.call("shutdown", None)
        client.notify("exit", None)
        process.wait(timeout=30)
        return published["params"]["diagnostics"]
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        for stream in (process.stdin, process.stdout, process.stderr):
            stream.close()


@pytest.mark.parametrize("launch", SERVER_LAUNCHES)
def test_the_server_runs_no_project_module_in_any_launch(launch, hostile, env, tmp_path):
    command = SERVER_LAUNCHES[launch]
    if not Path(command[0]).exists():
        pytest.skip("the console script is not installed")
    diagnostics = session(command, hostile, env)
    assert "DJE201" in {diagnostic["code"] for diagnostic in diagnostics}, diagnostics
    assert ran(tmp_path / "markers") == []


# -- the CLI -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("launch", LAUNCHES)
def test_check_and_engage_run_no_project_module_in_any_launch(launch, hostile, env, tmp_path):
    command = LAUNCHES[launch]
    if not Path(command()[0]).exists():
        pytest.skip("the console script is not installed")
    check = subprocess.run(command("check", ".", "--format", "json"), cwd=hostile, env=env, capture_output=True,
                           text=True, timeout=120)
    assert check.returncode == 1, check.stderr
    assert "DJE201" in {finding["code"] for finding in json.loads(check.stdout)["findings"]}
    engage = subprocess.run(command("engage", "."), cwd=hostile, env=env, capture_output=True, text=True,
                            timeout=120)
    assert engage.returncode == 0, engage.stderr
    assert (hostile / engage.stdout.strip()).is_file()
    assert ran(tmp_path / "markers") == []


@pytest.mark.parametrize("launch", ISOLATED)
def test_the_editors_launches_resist_a_shadow_of_our_own_package(launch, tmp_path, env):
    root = hostile_workspace(tmp_path / "ws", tmp_path / "markers", own_package=True)
    command = LAUNCHES[launch]
    if not Path(command()[0]).exists():
        pytest.skip("the console script is not installed")
    session(command("lsp"), root, env)
    check = subprocess.run(command("check", "."), cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert check.returncode == 1, check.stderr
    assert ran(tmp_path / "markers") == []
