"""The differential test: the static models against what Django itself reports.

For each project of tests/workspaces and for Django's contrib apps, every model Django
lists (`apps.get_models()`, dumped by `django_dump.py` in a subprocess) must exist in the
static ProjectModel with the same fields in the same order (kind, internal type, flags,
relation targets and names, where they are inherited from) and the same reverse
relations. A mismatch is reported as a readable diff, one line per difference.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from django_expert.analyzers.engine import load_projects
from django_expert.analyzers.project.model import ProjectModel
from tests.oracle import runner

WORKSPACES = Path(__file__).resolve().parents[1] / "workspaces"


CONTRIB_SETTINGS = """
SECRET_KEY = "oracle-contrib-only-not-secret"
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.redirects",
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
SITE_ID = 1
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
"""

# A project built to exercise what the workspaces do not: abstract diamonds and Meta
# inheritance, field subclasses, MTI chains and multiple parents, explicit parent links,
# proxies of proxies, `%(class)s` names, default_related_name, hidden m2m, through models,
# generic relations from abstract bases, managers, order_with_respect_to, star imports and
# a models package whose __init__ imports its modules out of order.
TRICKY_FILES = {
    "manage.py": """\
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trickysite.settings")
    from django.core.management import execute_from_command_line
    execute_from_command_line(sys.argv)
""",
    "park/__init__.py": """\
""",
    "park/models/__init__.py": """\
from .b import Tag
from .a import Thing

__all__ = ["Tag", "Thing"]
""",
    "park/models/a.py": """\
from django.db.models import *  # noqa: F403


class Thing(Model):  # noqa: F405
    code = CharField(max_length=10, unique=True)  # noqa: F405
    tags = ManyToManyField("park.Tag", blank=True)  # noqa: F405
""",
    "park/models/b.py": """\
from django.db import models
from django.db.models.fields.related import ForeignKey as FK


class Tag(models.Model):
    word = models.CharField(max_length=10)
    thing = models.ForeignKey("Thing", models.SET_NULL, null=True, related_name="tag_set_custom")
    other = FK("park.Thing", models.CASCADE, "tag_others", "other_tag", db_index=False)
""",
    "trickysite/__init__.py": """\
""",
    "trickysite/settings.py": """\
SECRET_KEY = "tricky-not-secret"
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "park",
    "zoo.apps.ZooConfig",
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
DEFAULT_AUTO_FIELD = "django.db.models.SmallAutoField"
USE_TZ = True
""",
    "zoo/__init__.py": """\
""",
    "zoo/apps.py": """\
from django.apps import AppConfig


class ZooConfig(AppConfig):
    name = "zoo"
    label = "wildlife"
    default_auto_field = "django.db.models.BigAutoField"
""",
    "zoo/fields.py": """\
from django.db import models


class UpperCharField(models.CharField):
    def get_prep_value(self, value):
        return super().get_prep_value(value).upper()


class TreeForeignKey(models.ForeignKey):
    pass


class RawField(models.Field):
    pass
""",
    "zoo/mixins.py": """\
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.db import models


class Named:
    def __str__(self):
        return "named"


class Stamped(models.Model):
    created = models.DateTimeField(auto_now_add=True)
    label = models.CharField(max_length=20, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created"]


class Left(Stamped):
    left = models.IntegerField(default=0)

    class Meta(Stamped.Meta):
        abstract = True


class Right(Stamped):
    right = models.IntegerField(null=True)

    class Meta:
        abstract = True


class Owned(models.Model):
    owner = models.ForeignKey(
        "auth.User",
        on_delete=models.CASCADE,
        related_name="%(app_label)s_%(class)s_owned",
        related_query_name="%(class)ss",
    )
    notes = GenericRelation("wildlife.Note", related_query_name="%(class)s_note")

    class Meta:
        abstract = True


class MethodsOnly(models.Model):
    def shout(self):
        return "!"

    class Meta:
        abstract = True


class Taggable(models.Model):
    content_type = models.ForeignKey("contenttypes.ContentType", models.CASCADE, related_name="+")
    object_id = models.PositiveIntegerField()
    item = GenericForeignKey()

    class Meta:
        abstract = True
""",
    "zoo/models.py": """\
from django.db import models
from django.db.models import F

from park.models import Thing
from zoo.fields import RawField, TreeForeignKey, UpperCharField
from zoo.mixins import Left, MethodsOnly, Named, Owned, Right, Stamped, Taggable


class AliveQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(alive=True)


AliveManager = models.Manager.from_queryset(AliveQuerySet)


class Note(Taggable):
    text = models.TextField("the text")


class Diamond(Left, Right):
    shape = UpperCharField(max_length=10)
    label = None

    class Meta(Left.Meta):
        db_table = "diamond_table"
        unique_together = ("shape", "left")


class NamedFirst(Named, Stamped):
    pass


class NamedLast(Stamped, Named):
    pass


class Place(models.Model):
    name = models.CharField(max_length=50)
    slug = models.SlugField()
    parent = TreeForeignKey("self", models.CASCADE, null=True, db_index=False)
    thing = models.ForeignKey(Thing, on_delete=models.PROTECT, to_field="code")
    raw = RawField()
    alive = models.BooleanField(default=True)

    objects = models.Manager()
    alive_places = AliveManager()

    class Meta:
        ordering = ["name"]
        default_manager_name = "alive_places"

    def __str__(self):
        return self.name


class Restaurant(Place):
    serves_pizza = models.BooleanField(default=False)
    email = models.EmailField()


class Italian(Restaurant):
    pasta = models.URLField()

    class Meta:
        verbose_name = "trattoria"


class Other(models.Model):
    other_id = models.AutoField(primary_key=True)
    kind = models.CharField(max_length=5, choices=[("a", "A")])


class Both(Place, Other):
    both = models.IntegerField()


class Child(Place):
    parent_place = models.OneToOneField(Place, on_delete=models.CASCADE, parent_link=True, related_name="child_link")


class PlaceProxy(MethodsOnly, Place):
    special = models.Manager()

    class Meta:
        proxy = True


class PlaceProxyProxy(PlaceProxy):
    class Meta:
        proxy = True


class Visit(Owned):
    place = models.ForeignKey(PlaceProxy, on_delete=models.CASCADE)
    tags = models.ManyToManyField("park.Tag", related_name="+")
    friends = models.ManyToManyField("self", symmetrical=False, through="Friendship")
    uid = models.UUIDField(primary_key=True)
    total = models.GeneratedField(expression=F("uid"), output_field=models.IntegerField(), db_persist=True)

    class Meta:
        default_related_name = "%(app_label)s_%(model_name)s_items"


class Friendship(models.Model):
    source = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="outgoing")
    target = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="incoming")


class Review(Owned, Named):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE)
    stars = models.SmallIntegerField(default=3)

    class Meta:
        order_with_respect_to = "visit"


class Peer(models.Model):
    peers = models.ManyToManyField("Peer")
    mates = models.ManyToManyField("self")
    data = models.JSONField(default=dict)


class Hider:
    created = None


class Hidden(Hider, Stamped):
    pass


class Override(Stamped):
    label = models.CharField(max_length=99)


class WithManager(models.Model):
    things = models.Manager()

    class Meta:
        abstract = True


class UsesManager(WithManager):
    parent = models.ForeignKey(to="self", on_delete=models.SET_NULL, null=True, related_name="+")
""",
}

# (project folder, settings module) -> what to compare.
PROJECTS = [
    ("shop", "shop.settings.dev"),
    ("blog", "config.settings"),
    ("multi/backend", "api_project.settings"),
    ("multi/legacy", "legacysite.settings"),
    ("subapps", "tracker_site.settings"),
    ("two_projects/api", "config.settings.dev"),
    ("two_projects/tools", "toolsite.settings"),
    ("split_settings", "splitsite.settings"),
    ("environ_defaults", "envsite.settings"),
    ("urlconf", "urlsite.settings"),
    ("nplusone", "nplusone.settings"),
]

FIELD_ATTRS = (
    "attname", "column", "class", "internal_type", "null", "blank", "unique", "primary_key", "db_index",
    "max_length", "has_default", "auto_created", "concrete", "private", "is_relation", "many_to_many",
    "one_to_one", "many_to_one", "one_to_many", "related_model", "related_name", "reverse_accessor",
    "related_query_name", "on_delete", "parent_link", "through", "through_auto_created", "symmetrical",
    "inherited_from", "declared_in",
)
# Where django_dump.py is less precise than the static model: its `declared_in` names the
# farthest abstract ancestor declaring a field of that name, even when the model overrides
# the field in its own body (Override.label is declared in zoo.models.Override).
ORACLE_IMPRECISIONS = {("wildlife.Override", "label", "declared_in")}

REVERSE_ATTRS = (
    "name", "accessor", "related_model", "field", "target", "class", "related_name", "related_query_name",
    "many_to_many", "one_to_one", "one_to_many", "hidden",
)


def _static_field(f) -> dict:
    return {
        "name": f.name,
        "attname": f.attname,
        "column": f.column,
        "class": f.field_class.rpartition(".")[2],
        "internal_type": f.internal_type,
        "null": f.null,
        "blank": f.blank,
        "unique": f.unique,
        "primary_key": f.primary_key,
        "db_index": f.db_index,
        "max_length": f.max_length,
        "has_default": f.has_default,
        "auto_created": f.auto_created,
        "concrete": f.concrete,
        "private": f.private,
        "is_relation": f.is_relation,
        "many_to_many": f.many_to_many,
        "one_to_one": f.one_to_one,
        "many_to_one": f.many_to_one,
        "one_to_many": f.one_to_many,
        "related_model": f.related_model,
        "related_name": f.related_name,
        "reverse_accessor": f.reverse_accessor,
        "related_query_name": f.related_query_name,
        "on_delete": f.on_delete,
        "parent_link": f.parent_link,
        "through": f.through,
        "through_auto_created": f.through_auto_created,
        "symmetrical": f.symmetrical,
        "inherited_from": f.defined_in,
        "declared_in": f.declared_in,
    }


def _static_reverse(r) -> dict:
    return {
        "name": r.name,
        "accessor": r.accessor,
        "related_model": r.related_model,
        "field": r.field,
        "target": r.target,
        "class": r.rel_class,
        "related_name": r.related_name,
        "related_query_name": r.related_query_name,
        "many_to_many": r.many_to_many,
        "one_to_one": r.one_to_one,
        "one_to_many": r.one_to_many,
        "hidden": r.hidden,
    }


def _compare_model(label: str, expected: dict, info) -> list[str]:
    """Readable differences between Django's dump of one model and the static ModelInfo."""
    out: list[str] = []

    def differ(what: str, static, django) -> None:
        if static != django:
            out.append(f"  {what}: static={static!r} django={django!r}")

    differ("proxy_for", info.proxy_for, expected["proxy_for"])
    differ("parents", list(info.concrete_parents), expected["parents"])
    differ("ancestors", list(info.ancestors), expected["ancestors"])
    differ("abstract_bases", list(info.abstract_bases), expected["abstract_bases"])
    differ("pk", info.pk, expected["pk"])
    differ("managers", list(info.managers), expected["managers"])
    differ("default_manager", info.default_manager, expected["default_manager"])
    differ("has_str", info.has_str, expected["has_str"])
    differ("db_table", info.db_table, expected["db_table"])
    differ("unique_together", [list(t) for t in info.unique_together or ()], expected["unique_together"])
    if info.ordering is not None:
        differ("ordering", list(info.ordering), expected["ordering"])
    if info.verbose_name is not None:
        differ("verbose_name", info.verbose_name, expected["verbose_name"])

    static_fields = {f.name: _static_field(f) for f in info.fields}
    differ("field order", [f.name for f in info.fields], [f["name"] for f in expected["fields"]])
    for django_field in expected["fields"]:
        static_field = static_fields.get(django_field["name"])
        if static_field is None:
            continue
        for attr in FIELD_ATTRS:
            if (label, django_field["name"], attr) not in ORACLE_IMPRECISIONS:
                differ(f"field {django_field['name']}.{attr}", static_field[attr], django_field[attr])

    static_reverse = [_static_reverse(r) for r in info.reverse_relations()]
    django_reverse = [{k: r[k] for k in REVERSE_ATTRS} for r in expected["reverse_relations"]]
    if static_reverse != django_reverse:
        out.append("  reverse relations differ (static / django):")
        for index in range(max(len(static_reverse), len(django_reverse))):
            mine = static_reverse[index] if index < len(static_reverse) else None
            theirs = django_reverse[index] if index < len(django_reverse) else None
            if mine != theirs:
                out.append(f"    [{index}] static={_short(mine)}")
                out.append(f"    [{index}] django={_short(theirs)}")
    return [f"{label}:", *out] if out else []


def _short(relation: dict | None) -> str:
    if relation is None:
        return "-"
    return ", ".join(f"{k}={relation[k]!r}" for k in REVERSE_ATTRS)


def _differences(project: ProjectModel, dumped: dict, apps: set[str] | None = None) -> list[str]:
    """Every difference; with `apps`, only the models of those app labels are compared."""
    lines: list[str] = []
    registered = {m.label for m in project._models.registered() if apps is None or m.app_label in apps}
    expected_labels = set(dumped["models"])
    for missing in sorted(expected_labels - registered):
        lines.append(f"{missing}: Django lists it, the static model does not")
    for extra in sorted(registered - expected_labels):
        lines.append(f"{extra}: the static model lists it, Django does not")
    for label, expected in dumped["models"].items():
        info = project.model(label)
        if info is None or not info.registered:
            continue
        lines += _compare_model(label, expected, info)
    return lines


def _project(folder: Path, settings_module: str) -> ProjectModel:
    for project in load_projects(folder):
        if project.layout.settings_module == settings_module:
            return project
    raise AssertionError(f"no project with settings {settings_module} under {folder}")


@pytest.mark.parametrize(("folder", "settings_module"), PROJECTS, ids=[p[0] for p in PROJECTS])
def test_workspace_models_match_django(folder: str, settings_module: str) -> None:
    root = WORKSPACES / folder
    dumped = runner.dump(root, settings_module)
    project = _project(root, settings_module)
    lines = _differences(project, dumped)
    assert not lines, f"static models differ from Django for {folder} ({settings_module}):\n" + "\n".join(lines)


@pytest.fixture(scope="module")
def contrib_project(tmp_path_factory) -> ProjectModel:
    root = tmp_path_factory.mktemp("contrib")
    (root / "manage.py").write_text(textwrap.dedent("""\
        import os
        import sys

        if __name__ == "__main__":
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contribsite.settings")
            from django.core.management import execute_from_command_line
            execute_from_command_line(sys.argv)
    """))
    (root / "contribsite").mkdir()
    (root / "contribsite" / "__init__.py").write_text("")
    (root / "contribsite" / "settings.py").write_text(CONTRIB_SETTINGS)
    return _project(root, "contribsite.settings")


@pytest.fixture(scope="module")
def tricky_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("tricky")
    for name, text in TRICKY_FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_tricky_models_match_django(tricky_root: Path) -> None:
    dumped = runner.dump(tricky_root, "trickysite.settings")
    lines = _differences(_project(tricky_root, "trickysite.settings"), dumped)
    assert not lines, "static models differ from Django for the tricky project:\n" + "\n".join(lines)


def test_contrib_models_match_django(contrib_project: ProjectModel) -> None:
    dumped = runner.dump_contrib()
    lines = _differences(contrib_project, dumped)
    assert not lines, "static models differ from Django for django.contrib:\n" + "\n".join(lines)


def test_engine_indexes_model_bases() -> None:
    project = next(iter(load_projects(WORKSPACES / "shop")))
    info = project.model("sessions.Session")
    assert info is not None and info.field("session_key") is not None


def test_every_project_of_a_workspace_sees_django_models() -> None:
    projects = load_projects(WORKSPACES / "multi")
    assert len(projects) == 2
    for project in projects:
        assert project.model("auth.User") is not None, project.layout.root


def _library(folder: Path) -> ProjectModel:
    found = [p for p in load_projects(folder) if p.layout.kind == "library"]
    assert len(found) == 1, f"expected one library layout under {folder}"
    return found[0]


def test_reusable_app_without_a_project_matches_its_sandbox() -> None:
    """The app in src/ is outside every project: its labels come from its AppConfig, its
    relations resolve across the repository, and it equals what the sandbox runs."""
    root = WORKSPACES / "reusable_app"
    dumped = runner.dump(root / "sandbox", "settings", app_labels=["bookshelf"], env={"PYTHONPATH": "../src"})
    lines = _differences(_library(root), dumped, {"bookshelf"})
    assert not lines, "static library models differ from Django:\n" + "\n".join(lines)


def test_labels_from_the_containing_app_when_installed_apps_cannot_be_read(tmp_path: Path) -> None:
    """`issues/endpoint/models.py` belongs to the app `issues` (label `trk`), also when the
    settings build INSTALLED_APPS in a way the analyser cannot follow."""
    root = tmp_path / "subapps"
    shutil.copytree(WORKSPACES / "subapps", root, ignore=shutil.ignore_patterns("__pycache__"))
    settings = root / "tracker_site" / "settings.py"
    settings.write_text(settings.read_text().replace("INSTALLED_APPS = [", "INSTALLED_APPS = list_apps() + ["))
    project = _project(root, "tracker_site.settings")
    dumped = runner.dump(WORKSPACES / "subapps", "tracker_site.settings", app_labels=["trk"])
    lines = _differences(project, dumped, {"trk"})
    assert not lines, "static models differ from Django:\n" + "\n".join(lines)


# Models built on the third-party abstract bases the analyser knows by their stubs
# (analyzers/knowledge/model_stubs.py): the static side reads the stubs, Django the
# installed packages, and both must agree on every field.
THIRD_PARTY_FILES = {
    "manage.py": TRICKY_FILES["manage.py"].replace("trickysite", "bases_site"),
    "bases_site/__init__.py": "",
    "bases_site/settings.py": """\
SECRET_KEY = "oracle-third-party-bases-not-secret"
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "mptt", "treebeard", "taggit",
                  "polymorphic", "django_extensions", "shelf"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
""",
    "shelf/__init__.py": "",
    "shelf/models.py": """\
from django.db import models
from django_extensions.db import models as extension_models
from model_utils.models import SoftDeletableModel, StatusModel, TimeFramedModel, TimeStampedModel
from mptt.models import MPTTModel, TreeForeignKey
from polymorphic.models import PolymorphicModel
from taggit.models import GenericTaggedItemBase, TagBase
from treebeard.al_tree import AL_Node
from treebeard.mp_tree import MP_Node
from treebeard.ns_tree import NS_Node


class Region(MPTTModel):
    name = models.CharField(max_length=50)
    parent = TreeForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")


class Page(MP_Node):
    title = models.CharField(max_length=50)


class Folder(NS_Node):
    title = models.CharField(max_length=50)


class Section(AL_Node):
    parent = models.ForeignKey("self", null=True, on_delete=models.CASCADE, related_name="sections")
    sib_order = models.PositiveIntegerField()


class Label(TagBase):
    pass


class Labelled(GenericTaggedItemBase):
    tag = models.ForeignKey(Label, on_delete=models.CASCADE, related_name="items")


class Animal(PolymorphicModel):
    name = models.CharField(max_length=50)


class Dog(Animal):
    barks = models.BooleanField(default=True)


class Event(TimeStampedModel, TimeFramedModel):
    name = models.CharField(max_length=50)


class Ticket(StatusModel, SoftDeletableModel):
    STATUS = (("open", "open"), ("closed", "closed"))


class Note(extension_models.TimeStampedModel, extension_models.TitleSlugDescriptionModel,
           extension_models.ActivatorModel):
    pass
""",
}


MPTT_FIELDS = ("lft", "rght", "tree_id", "level")


def _without_run_time_additions(dumped: dict) -> dict:
    """Django's models less what third-party code adds when classes are prepared, which the
    stubs leave out on purpose: django-mptt's metaclass declares the tree fields on each
    subclass, after its own fields (the stub declares them on MPTTModel: the same fields
    and options, inherited, first), and model_utils adds a `timeframed` manager and one
    manager per STATUS value."""
    for model in dumped["models"].values():
        fields = model["fields"]
        tree = [f for f in fields if f["name"] in MPTT_FIELDS and f["declared_in"] == f"{model['module']}.{model['class']}"]
        if len(tree) == len(MPTT_FIELDS):
            for field in tree:
                field["declared_in"] = "mptt.models.MPTTModel"
            rest = [f for f in fields if f not in tree]
            model["fields"] = rest[:1] + tree + rest[1:]
        added = {"timeframed"} | ({"open", "closed"} if model["class"] == "Ticket" else set())
        model["managers"] = [m for m in model["managers"] if m not in added]
    return dumped


def test_models_on_third_party_bases_match_django(tmp_path: Path) -> None:
    for name, text in THIRD_PARTY_FILES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    dumped = _without_run_time_additions(runner.dump(tmp_path, "bases_site.settings", app_labels=["shelf"]))
    project = _project(tmp_path, "bases_site.settings")
    assert len(dumped["models"]) == 11
    lines = _differences(project, dumped, apps={"shelf"})
    assert not lines, "static models differ from Django on third-party bases:\n" + "\n".join(lines)
