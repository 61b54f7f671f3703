"""DJE203 related-name-clash against Django's own system check.

Each scenario is a small project written to a temporary folder; real Django runs
`manage.py check` on it in a subprocess and reports its fields.E302-E305 errors as
`app.Model.field: (fields.E30x) ...`. DJE203 must fire exactly when Django reports one of
them, on the same fields: Django names the field of each concrete model (`app.Book.owner`,
`app.Film.owner` for a field of an abstract base), DJE203 reports the declaration once
(`Owned.owner`), so both sides are compared by field name.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django_expert.analyzers.engine import Engine

CLASH = re.compile(r"^([\w.]+)\.(\w+): \(fields\.E30[2-5]\)", re.MULTILINE)
MANAGE = """\
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_conf.settings")
    from django.core.management import execute_from_command_line
    execute_from_command_line(sys.argv)
"""
SETTINGS = """\
SECRET_KEY = "oracle-only-not-a-secret"
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "app", "other"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
"""
HEADER = "from django.conf import settings\nfrom django.db import models\n\n\n"

SCENARIOS = {
    "two_foreign_keys_to_the_user": ("""
class Document(models.Model):
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    updated_by = models.ForeignKey("auth.User", models.PROTECT)
""", ""),
    "accessor_against_a_field": ("""
class Customer(models.Model):
    order_set = models.IntegerField()


class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
""", ""),
    "query_name_against_a_field": ("""
class Tag(models.Model):
    label = models.CharField(max_length=10)


class Post(models.Model):
    tag = models.ForeignKey(Tag, models.CASCADE, related_query_name="label")
""", ""),
    "query_name_against_an_accessor": ("""
class Topic(models.Model):
    pass


class Article(models.Model):
    topic = models.ForeignKey(Topic, models.CASCADE, related_name="things")


class Video(models.Model):
    topic = models.ForeignKey(Topic, models.CASCADE, related_query_name="things")
""", ""),
    "abstract_base_without_class": ("""
class Owned(models.Model):
    owner = models.ForeignKey("auth.User", models.CASCADE, related_name="items")

    class Meta:
        abstract = True


class Book(Owned):
    pass


class Film(Owned):
    pass
""", ""),
    "same_model_name_in_two_apps": ("""
class Item(models.Model):
    owner = models.ForeignKey("auth.User", models.CASCADE)
""", """
class Item(models.Model):
    owner = models.ForeignKey("auth.User", models.CASCADE)
"""),
    "m2m_and_multi_table_inheritance": ("""
class Place(models.Model):
    members = models.ManyToManyField("auth.Group")


class Restaurant(Place):
    staff = models.ManyToManyField("auth.Group", related_name="place_set")
""", ""),
    "clean_names": ("""
class Base(models.Model):
    owner = models.ForeignKey("auth.User", models.CASCADE, related_name="%(app_label)s_%(class)s_owned")

    class Meta:
        abstract = True


class A(Base):
    pass


class B(Base):
    pass


class Person(models.Model):
    friends = models.ManyToManyField("self")
    followers = models.ManyToManyField("self", symmetrical=False, related_name="following")
    created_by = models.ForeignKey("auth.User", models.CASCADE, related_name="+")
    updated_by = models.ForeignKey("auth.User", models.CASCADE, related_name="+")
    group = models.ForeignKey("auth.Group", models.CASCADE, related_name="people")
""", """
class Item(models.Model):
    owner = models.ForeignKey("auth.User", models.CASCADE, related_name="other_items")
"""),
}


def write(root: Path, app_models: str, other_models: str) -> None:
    files = {
        "manage.py": MANAGE,
        "site_conf/__init__.py": "",
        "site_conf/settings.py": SETTINGS,
        "app/__init__.py": "",
        "app/models.py": HEADER + textwrap.dedent(app_models).lstrip("\n"),
        "other/__init__.py": "",
        "other/models.py": HEADER + textwrap.dedent(other_models).lstrip("\n"),
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def django_clashes(root: Path) -> set[str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    proc = subprocess.run([sys.executable, "manage.py", "check"], check=False, cwd=root, capture_output=True, text=True,
                          timeout=120, env=env)
    output = proc.stdout + proc.stderr
    assert "Traceback" not in output, output
    return {field for _model, field in CLASH.findall(output)}


def our_clashes(root: Path) -> set[str]:
    engine = Engine([root], use_cache=False)
    engine.index()
    found = [f for fs in engine.all_findings().values() for f in fs if f.code == "DJE203"]
    return {f.message.split("`")[1].rpartition(".")[2] for f in found}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_related_name_clash_matches_django_check(name: str, tmp_path: Path) -> None:
    app_models, other_models = SCENARIOS[name]
    write(tmp_path, app_models, other_models)
    expected = django_clashes(tmp_path)
    assert our_clashes(tmp_path) == expected
    assert bool(expected) == (name != "clean_names")
