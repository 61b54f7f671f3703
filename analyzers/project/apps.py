"""INSTALLED_APPS resolved to app modules, labels and AppConfig classes, as Django does.

An entry is either an app module ("catalog") or the dotted path of an AppConfig subclass
("accounts.apps.AccountsConfig"). For a module, Django looks in `<module>.apps`: a single
AppConfig subclass there (not marked `default = False`) is used automatically; with
several, the one marked `default = True`; otherwise the plain AppConfig. The config's
`name` is the app module and its `label` defaults to the last component of the name.

Apps of libraries that are not indexed (django.contrib.*, rest_framework, ...) get the
last component as label, which is what Django's contrib apps and most libraries use, and
`resolved=None` (unknown) rather than False (missing).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from django_expert.analyzers.facts.values import BinOp, Const, Seq, Value

if TYPE_CHECKING:
    from django_expert.analyzers.facts.types import ClassFact
    from django_expert.analyzers.project.model import ProjectModel

APP_CONFIG = "django.apps.AppConfig"

# Labels of Django's contrib AppConfig classes, for when Django's source is not indexed.
_CONTRIB_CONFIGS: dict[str, str] = {
    "django.contrib.admin.apps.AdminConfig": "django.contrib.admin",
    "django.contrib.admin.apps.SimpleAdminConfig": "django.contrib.admin",
    "django.contrib.admindocs.apps.AdminDocsConfig": "django.contrib.admindocs",
    "django.contrib.auth.apps.AuthConfig": "django.contrib.auth",
    "django.contrib.contenttypes.apps.ContentTypesConfig": "django.contrib.contenttypes",
    "django.contrib.flatpages.apps.FlatPagesConfig": "django.contrib.flatpages",
    "django.contrib.gis.apps.GISConfig": "django.contrib.gis",
    "django.contrib.humanize.apps.HumanizeConfig": "django.contrib.humanize",
    "django.contrib.messages.apps.MessagesConfig": "django.contrib.messages",
    "django.contrib.postgres.apps.PostgresConfig": "django.contrib.postgres",
    "django.contrib.redirects.apps.RedirectsConfig": "django.contrib.redirects",
    "django.contrib.sessions.apps.SessionsConfig": "django.contrib.sessions",
    "django.contrib.sitemaps.apps.SiteMapsConfig": "django.contrib.sitemaps",
    "django.contrib.sites.apps.SitesConfig": "django.contrib.sites",
    "django.contrib.staticfiles.apps.StaticFilesConfig": "django.contrib.staticfiles",
    "django.contrib.syndication.apps.SyndicationConfig": "django.contrib.syndication",
}
_CONTRIB_DEFAULT_CONFIG = {module: config for config, module in _CONTRIB_CONFIGS.items()
                           if not config.endswith("SimpleAdminConfig")}


@dataclass(frozen=True, slots=True)
class AppInfo:
    """One INSTALLED_APPS entry.

    `entry` as written; `name` the app module; `label` the app label; `config_class` the
    qualified AppConfig subclass used, or None for the plain AppConfig; `resolved` True
    when the app module is indexed, False when it should be in the project and is not,
    None when it belongs to a library that is not indexed; `path` the app's folder (or
    module file). `default_auto_field` is the config's own `default_auto_field`, if set.
    """

    entry: str
    name: str
    label: str
    config_class: str | None
    resolved: bool | None
    path: Path | None
    default_auto_field: str | None = None


def entries(value: Value | None) -> tuple[str, ...]:
    """The string entries of an INSTALLED_APPS value (parts that cannot be read are skipped)."""
    match value:
        case Seq(items=items):
            found: list[str] = []
            for item in items:
                if isinstance(item, Const) and isinstance(item.value, str):
                    found.append(item.value)
                elif isinstance(item, (Seq, BinOp)):
                    found.extend(entries(item))
            return tuple(found)
        case BinOp(op="+", left=left, right=right):
            return entries(left) + entries(right)
    return ()


def installed_apps(project: ProjectModel, settings_module: str | None) -> tuple[AppInfo, ...]:
    """INSTALLED_APPS of a settings module, resolved (never raises); once per project model."""
    return project.memo(_installed_apps, settings_module)


def _installed_apps(project: ProjectModel, settings_module: str | None) -> tuple[AppInfo, ...]:
    settings = project.settings(settings_module)
    resolver = _Resolver(project)
    apps = []
    for entry in entries(settings.value("INSTALLED_APPS")):
        try:
            apps.append(resolver.app(entry))
        except RecursionError:
            apps.append(AppInfo(entry, entry, entry.rpartition(".")[2], None, None, None))
    return tuple(apps)


def inferred_apps(project: ProjectModel) -> tuple[AppInfo, ...]:
    """The apps of code no settings module lists (a reusable app, a library, INSTALLED_APPS
    that cannot be read), inferred from packages as Django would name them: a package with
    an AppConfig in its `apps` module (its `name` and `label`), or with a `migrations`
    package, is an app; a package with a `models` module is one unless an app contains it
    (`dojo/endpoint/models.py` belongs to app `dojo`). Never raises."""
    packages: dict[str, set[str]] = {}
    for module in project.facts:
        package, _, last = module.rpartition(".")
        if last in ("apps", "migrations", "models") and package:
            packages.setdefault(package, set()).add(last)
        elif ".migrations." in f"{module}." and not module.startswith("migrations"):
            head = module[: module.index(".migrations")]
            if head:
                packages.setdefault(head, set()).add("migrations")
    resolver = _Resolver(project)
    found: dict[str, AppInfo] = {}  # by the package that holds the app
    for package in sorted(packages, key=lambda m: (m.count("."), m)):
        kinds = packages[package]
        config = None
        if "apps" in kinds:
            try:
                config = resolver._default_config(package)
            except RecursionError:
                config = None
        if config is not None:
            app = resolver._from_config(package, config, default_name=package)
            found[package] = replace(app, entry=package, resolved=True)
        elif "migrations" in kinds or "models" in kinds and not _inside_any(package, found):
            found[package] = AppInfo(package, package, _last(package), None, True, resolver._path(package))
    return tuple(found.values())


def _inside_any(module: str, packages: dict[str, AppInfo]) -> bool:
    """Whether an enclosing package of `module` is in `packages` (its ancestors looked up, not
    every package scanned: thousands of apps stay linear)."""
    head = module
    while "." in head:
        head = head.rpartition(".")[0]
        if head in packages:
            return True
    return False


class _Resolver:
    def __init__(self, project: ProjectModel) -> None:
        self.project = project
        self.facts = project.facts
        self._packages: set[str] | None = None
        self._tops: set[str] | None = None

    # -- what exists --------------------------------------------------------------------

    def _indexed_packages(self) -> set[str]:
        """Every indexed module and its parent packages (namespace packages included)."""
        if self._packages is None:
            packages: set[str] = set()
            for module in self.facts:
                parts = module.split(".")
                for end in range(1, len(parts) + 1):
                    packages.add(".".join(parts[:end]))
            self._packages = packages
        return self._packages

    def _exists(self, module: str) -> bool:
        return module in self.facts or module in self._indexed_packages()

    def _project_owned(self, module: str) -> bool:
        """Whether the module's top-level package is one of the project's own."""
        if self._tops is None:
            layout = self.project.layout
            root = str(layout.root).rstrip("/\\")
            libraries = tuple(str(library).rstrip("/\\") for library in layout.library_roots)
            self._tops = {
                module.split(".")[0]
                for module, path in self.project.paths.items()
                if _under(str(path), root) and not any(_under(str(path), library) for library in libraries)
            }
        top = module.split(".")[0]
        if top in self._tops:
            return True
        for source_root in self.project.layout.source_roots:
            if (source_root / top).is_dir() or (source_root / f"{top}.py").is_file():
                return True
        return False

    def _path(self, module: str) -> Path | None:
        path = self.project.paths.get(module)
        if path is not None:
            facts = self.facts.get(module)
            path = path if isinstance(path, Path) else Path(path)
            return path.parent if facts is not None and facts.is_package else path
        if module in self._indexed_packages():
            for source_root in self.project.layout.source_roots:
                folder = source_root.joinpath(*module.split("."))
                if folder.is_dir():
                    return folder
        return None

    def _resolved(self, module: str) -> bool | None:
        if self._exists(module):
            return True
        if module.startswith("django.") or not self._project_owned(module):
            return None
        return False

    # -- AppConfig classes --------------------------------------------------------------

    def _is_config(self, qualname: str) -> bool:
        return qualname != APP_CONFIG and APP_CONFIG in self.project.mro(qualname)

    def _attr(self, qualname: str, attr: str) -> Value | None:
        """A class attribute, inherited through indexed bases."""
        for ancestor in self.project.mro(qualname):
            ref = self.project.classes.resolve(ancestor)
            if ref is not None:
                value = ref.fact.attr(attr)
                if value is not None:
                    return value
        return None

    def _str_attr(self, qualname: str, attr: str) -> str | None:
        value = self._attr(qualname, attr)
        return value.value if isinstance(value, Const) and isinstance(value.value, str) else None

    def _default_config(self, module: str) -> str | None:
        """Django's choice of AppConfig in `<module>.apps`, or None for the plain AppConfig."""
        apps_module = f"{module}.apps"
        facts = self.project.module_facts(apps_module)
        if facts is None:
            return None
        candidates: list[str] = []
        defined: list[ClassFact] = list(facts.classes)
        for fact in defined:
            candidates.append(f"{apps_module}.{fact.name}")
        for imported in facts.imports:
            if imported.local != "*" and imported.target != APP_CONFIG:
                ref = self.project.classes.resolve(imported.target)
                if ref is not None:
                    candidates.append(ref.qualname)
        configs = [c for c in dict.fromkeys(candidates) if self._is_config(c)]
        usable = [c for c in configs if self._attr(c, "default") != Const(False)]
        if len(usable) == 1:
            return usable[0]
        marked = [c for c in configs if self._attr(c, "default") == Const(True)]
        return marked[0] if len(marked) == 1 else None

    # -- one entry ----------------------------------------------------------------------

    def app(self, entry: str) -> AppInfo:
        if self._exists(entry):
            config = self._default_config(entry)
            if config is not None:
                return self._from_config(entry, config, default_name=entry)
            if entry in _CONTRIB_DEFAULT_CONFIG and not self._exists(f"{entry}.apps"):
                return self._contrib(entry, _CONTRIB_DEFAULT_CONFIG[entry], resolved=True)
            return AppInfo(entry, entry, _last(entry), None, True, self._path(entry))
        source, _, class_name = entry.rpartition(".")
        class_like = bool(source) and class_name[:1].isupper()
        if class_like:
            ref = self.project.resolve_class(entry)
            if ref is not None and self._is_config(ref.qualname):
                return self._from_config(entry, ref.qualname, default_name=source.removesuffix(".apps"))
        if entry in _CONTRIB_CONFIGS:
            return self._contrib(entry, entry, resolved=True if self._exists(_CONTRIB_CONFIGS[entry]) else None)
        if entry in _CONTRIB_DEFAULT_CONFIG:
            return self._contrib(entry, _CONTRIB_DEFAULT_CONFIG[entry], resolved=None)
        if class_like:
            if self._exists(source):  # the module is there, the class is not
                return AppInfo(entry, entry, _last(entry), None, False, None)
            if not self._project_owned(entry):  # a library's AppConfig, not indexed
                name = source.removesuffix(".apps")
                return AppInfo(entry, name, _last(name), entry, None, None)
        return AppInfo(entry, entry, _last(entry), None, self._resolved(entry), None)

    def _from_config(self, entry: str, config: str, default_name: str) -> AppInfo:
        name = self._str_attr(config, "name") or default_name
        label = self._str_attr(config, "label") or _last(name)
        return AppInfo(
            entry=entry,
            name=name,
            label=label,
            config_class=config,
            resolved=self._resolved(name),
            path=self._path(name),
            default_auto_field=self._str_attr(config, "default_auto_field"),
        )

    def _contrib(self, entry: str, config: str, resolved: bool | None) -> AppInfo:
        name = _CONTRIB_CONFIGS[config]
        default_auto_field = "django.db.models.AutoField" if name in (
            "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sites",
            "django.contrib.flatpages", "django.contrib.redirects", "django.contrib.admin", "django.contrib.sitemaps",
        ) else None
        return AppInfo(entry, name, _last(name), config, resolved, self._path(name), default_auto_field)


def _under(path: str, folder: str) -> bool:
    return path.startswith(folder + "/") or path.startswith(folder + "\\")


def _last(dotted: str) -> str:
    return dotted.rpartition(".")[2]
