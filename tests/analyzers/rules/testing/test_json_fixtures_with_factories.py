"""DJE608: JSON fixtures of models the project's factories already build."""

from __future__ import annotations

from tests.analyzers.rules.helpers import check_noop, findings

MODELS = "from django.db import models\n\n\nclass Genre(models.Model):\n    name = models.CharField(max_length=9)\n"
FACTORY = """
import factory

from app.models import Genre


class GenreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Genre
"""
TESTS = """
from django.core.management import call_command
from django.test import TestCase


class GenreTests(TestCase):
    fixtures = ["genres"]

    def test_loaded(self):
        call_command("loaddata", "app/fixtures/genres.json")
"""
GENRES = '[{"model": "app.genre", "pk": 1, "fields": {"name": "Fiction"}}]'
GROUPS = '[{"model": "auth.group", "pk": 1, "fields": {"name": "Staff"}}]'


def project(**extra):
    return {"app/models.py": MODELS, "app/factories.py": FACTORY, "app/tests.py": TESTS,
            "app/fixtures/genres.json": GENRES, **extra}


def test_silent_without_factories_or_for_models_no_factory_builds(tmp_path):
    check_noop(tmp_path / "a", project(**{"app/factories.py": ""}), "DJE608")
    check_noop(tmp_path / "b", project(**{"app/fixtures/genres.json": GROUPS}), "DJE608")
    check_noop(tmp_path / "c", project(**{"app/tests.py": TESTS.replace('"genres"', '"genres.yaml"').replace(
        '"app/fixtures/genres.json"', '"missing.json"')}), "DJE608")


def test_reports_each_file_once_at_its_first_use_with_its_number_of_users(tmp_path):
    # genres.json is loaded twice in app/tests.py (the list, then loaddata by path) and by two
    # more modules: one finding, on the first load of the first module (app.a_tests)
    other = TESTS.replace("GenreTests", "OtherGenreTests")
    found = findings(tmp_path, project(**{"app/a_tests.py": other, "app/z_tests.py": other}), "DJE608")
    assert [(f.path.rpartition("/")[2], f.span.start.line + 1) for f in found] == [("a_tests.py", 6)]
    assert "app.genre in genres (GenreFactory)" in found[0].message
    assert "genres.json is loaded by 3 test modules" in found[0].message


def test_each_file_of_a_module_is_reported_once(tmp_path):
    two = TESTS.replace('"app/fixtures/genres.json"', '"app/fixtures/genres.json", "more"')
    found = findings(tmp_path, project(**{"app/tests.py": two, "app/fixtures/more.json": GENRES}), "DJE608")
    assert sorted((f.span.start.line + 1, "more.json is loaded by 1 test module;" in f.message) for f in found) \
        == [(6, False), (9, True)]


def test_model_bakery_builds_every_model(tmp_path):
    bakery = "from model_bakery import baker\n\n\ndef make():\n    return baker.make('auth.Group')\n"
    found = findings(tmp_path, project(**{"app/factories.py": bakery, "app/fixtures/genres.json": GROUPS}), "DJE608")
    assert len(found) == 1 and "model_bakery" in found[0].message
