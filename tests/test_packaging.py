"""The distribution maps the top-level folders into `django_expert`; every package must be listed."""

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOP = {"server": "django_expert.server", "analyzers": "django_expert.analyzers", "memory": "django_expert.memory"}


def test_every_package_folder_is_listed_in_pyproject():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    on_disk = set()
    for folder, package in TOP.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / folder)
            on_disk.add(".".join([package, *relative.parts]))
    assert on_disk - listed == set(), "add these packages to [tool.setuptools] packages"
    assert listed - on_disk == set(), "these listed packages have no folder"


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def test_analyzers_and_memory_never_import_lsp_or_django():
    """The dependency rule: only server/ speaks LSP, and nothing imports the analysed framework."""
    forbidden = ("pygls", "lsprotocol", "django_expert.server", "django", "rest_framework")
    for folder in ("analyzers", "memory"):
        for path in (ROOT / folder).rglob("*.py"):
            for name in _imports(path):
                root = name.split(".")[0] if not name.startswith("django_expert") else name
                assert not any(root == f or root.startswith(f + ".") for f in forbidden), (
                    f"{path.relative_to(ROOT)} imports {name}"
                )
