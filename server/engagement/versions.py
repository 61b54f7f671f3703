"""Which Django and DRF a project uses, read from its dependency files, never by importing.

Sources, first found wins for each package: lock files (exact versions: `uv.lock`,
`poetry.lock`, `Pipfile.lock`), then declared requirements (`requirements*.txt` and
`requirements/*.txt`, `pyproject.toml` `[project] dependencies` / Poetry, `setup.cfg`
`install_requires`), then the metadata of an installed environment
(`site-packages/Django-*.dist-info/METADATA`). An installed version is also reported
beside a declared range, so "Django >=5.2,<6 (requirements.txt), 5.2.8 installed" reads
as one line.
"""

from __future__ import annotations

import configparser
import json
import re
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path

PACKAGES = {"django": "Django", "djangorestframework": "djangorestframework", "celery": "celery",
            "channels": "channels", "uvicorn": "uvicorn", "gunicorn": "gunicorn", "daphne": "daphne",
            "sentry-sdk": "sentry-sdk", "django-environ": "django-environ", "whitenoise": "whitenoise",
            "rq": "rq", "django-rq": "django-rq", "dramatiq": "dramatiq", "huey": "huey",
            "pytest-django": "pytest-django", "factory-boy": "factory-boy"}
_MAX_BYTES = 4_000_000
OUTSIDE = "an environment outside the project"
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Detected:
    """What is known of one package: `version` exact when pinned or installed, `spec` the
    declared range, `source` the file it was read from (relative to the project root),
    `installed` the version in an environment and where."""

    package: str
    version: str | None = None
    spec: str | None = None
    source: str | None = None
    installed: str | None = None
    installed_from: str | None = None

    @property
    def display(self) -> str:
        if self.version:
            text = self.version
        elif self.spec:
            text = self.spec
        elif self.installed:
            text = self.installed
        else:
            return "unknown"
        if self.installed and self.installed != self.version and (self.version or self.spec):
            where = " in an environment outside the project" if self.installed_from == OUTSIDE else " installed"
            text += f" ({self.installed}{where})"
        elif self.installed and not (self.version or self.spec) and self.installed_from == OUTSIDE:
            text += " (found in an environment outside the project; the project declares no version)"
        return text

    def to_dict(self) -> dict:
        return {**asdict(self), "display": self.display}


def _read(path: Path) -> str | None:
    try:
        if not path.is_file() or path.stat().st_size > _MAX_BYTES:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _split_requirement(line: str) -> tuple[str, str] | None:
    line = line.split("#", 1)[0].split(";", 1)[0].strip()
    if not line or line.startswith(("-", "git+", "http:", "https:", "file:")):
        return None
    match = _REQUIREMENT.match(line)
    if not match:
        return None
    spec = match.group(3).strip().replace(" ", "")
    if spec.startswith("@"):
        spec = ""
    return normalise(match.group(1)), spec


def _exact(spec: str) -> str | None:
    match = re.fullmatch(r"===?([0-9][A-Za-z0-9.+!-]*)", spec)
    return match.group(1) if match else None


class _Found:
    def __init__(self) -> None:
        self.items: dict[str, Detected] = {}

    def add(self, name: str, spec: str | None, source: str, version: str | None = None) -> None:
        name = normalise(name)
        if name not in PACKAGES or name in self.items:
            return
        version = version or (_exact(spec) if spec else None)
        self.items[name] = Detected(PACKAGES[name], version=version, spec=(spec or None) if not version else None,
                                    source=source)


def _toml_lock(name: str):
    """A reader of a TOML lock file listing `[[package]]` name/version tables (uv, poetry)."""

    def read(root: Path, found: _Found) -> None:
        text = _read(root / name)
        if text is None:
            return
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            return
        for package in data.get("package", []):
            if isinstance(package, dict) and isinstance(package.get("name"), str):
                found.add(package["name"], None, name, str(package.get("version") or "") or None)

    return read


_uv_lock = _toml_lock("uv.lock")
_poetry_lock = _toml_lock("poetry.lock")


def _pipfile_lock(root: Path, found: _Found) -> None:
    text = _read(root / "Pipfile.lock")
    if text is None:
        return
    try:
        data = json.loads(text)
    except ValueError:
        return
    for section in ("default", "develop"):
        packages = data.get(section) if isinstance(data, dict) else None
        for name, info in (packages or {}).items():
            spec = info.get("version") if isinstance(info, dict) else None
            if isinstance(spec, str):
                found.add(name, spec, "Pipfile.lock")


def _requirements(root: Path, found: _Found) -> None:
    files = sorted(root.glob("requirements*.txt")) + sorted((root / "requirements").glob("*.txt"))
    for path in files:
        text = _read(path)
        if text is None:
            continue
        source = path.relative_to(root).as_posix()
        for line in text.splitlines():
            parsed = _split_requirement(line)
            if parsed:
                found.add(parsed[0], parsed[1], source)


def _pyproject(root: Path, found: _Found) -> None:
    text = _read(root / "pyproject.toml")
    if text is None:
        return
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return
    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    requirements = list(project.get("dependencies") or [])
    for extra in (project.get("optional-dependencies") or {}).values():
        requirements += list(extra or [])
    for group in (data.get("dependency-groups") or {}).values():
        requirements += [item for item in group or [] if isinstance(item, str)]
    for requirement in requirements:
        parsed = _split_requirement(requirement) if isinstance(requirement, str) else None
        if parsed:
            found.add(parsed[0], parsed[1], "pyproject.toml")
    poetry = (data.get("tool") or {}).get("poetry") or {}
    sections = [poetry.get("dependencies") or {}, poetry.get("dev-dependencies") or {}]
    sections += [(group or {}).get("dependencies") or {} for group in (poetry.get("group") or {}).values()]
    for section in sections:
        for name, spec in section.items():
            if isinstance(spec, dict):
                spec = spec.get("version")
            if isinstance(spec, str) and name.lower() != "python":
                found.add(name, spec.replace(" ", ""), "pyproject.toml")


def _setup_cfg(root: Path, found: _Found) -> None:
    text = _read(root / "setup.cfg")
    if text is None:
        return
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
        requires = parser.get("options", "install_requires", fallback="")
    except configparser.Error:
        return
    for line in requires.splitlines():
        parsed = _split_requirement(line)
        if parsed:
            found.add(parsed[0], parsed[1], "setup.cfg")


def _metadata_version(dist_info: Path) -> str | None:
    text = _read(dist_info / "METADATA")
    if text is None:
        return None
    for line in text.splitlines():
        if line.startswith("Version:"):
            return line.split(":", 1)[1].strip() or None
        if not line.strip():
            break
    return None


def installed_versions(library_roots, project_root: Path) -> dict[str, tuple[str, str]]:
    """package key -> (version, where) from `*.dist-info/METADATA` in the environment's site-packages."""
    result: dict[str, tuple[str, str]] = {}
    for site in library_roots:
        site = Path(site)
        try:
            entries = sorted(site.glob("*.dist-info"))
        except OSError:
            continue
        inside = site.is_relative_to(project_root)
        where = site.relative_to(project_root).as_posix() if inside else OUTSIDE
        for entry in entries:
            name = normalise(entry.name[: -len(".dist-info")].rsplit("-", 1)[0])
            if name in PACKAGES and name not in result:
                version = _metadata_version(entry)
                if version:
                    result[name] = (version, where)
    return result


def detect(project_root: Path, library_roots=()) -> dict[str, Detected]:
    """What the project's files say about Django, DRF and the tools around them, by package key."""
    found = _Found()
    for reader in (_uv_lock, _poetry_lock, _pipfile_lock, _requirements, _pyproject, _setup_cfg):
        try:
            reader(project_root, found)
        except (OSError, ValueError, TypeError, AttributeError):
            continue
    installed = installed_versions(library_roots, project_root)
    result = dict(found.items)
    for name, (version, where) in installed.items():
        if name in result:
            known = result[name]
            result[name] = Detected(known.package, known.version, known.spec, known.source, version, where)
        elif name in ("django", "djangorestframework") and where != OUTSIDE:
            result[name] = Detected(PACKAGES[name], version=version, source=where, installed=version,
                                    installed_from=where)
    # The analyser's own environment says nothing about a project that declares nothing.
    for name in ("django", "djangorestframework"):
        if name not in result and name in installed:
            version, where = installed[name]
            result[name] = Detected(PACKAGES[name], installed=version, installed_from=where)
    return result
