"""DJE606: a data migration seeding rows tests use, with pytest's --nomigrations."""

from __future__ import annotations

from tests.analyzers.rules.helpers import check_noop, findings

MODELS = "from django.db import models\n\n\nclass Genre(models.Model):\n    name = models.CharField(max_length=9)\n"
SEED = """
from django.db import migrations


def add_genres(apps, schema_editor):
    Genre = apps.get_model("app", "Genre")
    Genre.objects.get_or_create(name="Fiction")


class Migration(migrations.Migration):
    dependencies = []
    operations = [migrations.RunPython(add_genres)]
"""
TEST = "from app.models import Genre\n\n\ndef test_fiction(db):\n    assert Genre.objects.get(name='Fiction')\n"
NOMIGRATIONS = "[pytest]\nDJANGO_SETTINGS_MODULE = config.settings\naddopts = --reuse-db\n    --nomigrations\n"


def project(**extra):
    return {"app/models.py": MODELS, "app/migrations/__init__.py": "", "app/migrations/0002_genres.py": SEED,
            "app/tests/__init__.py": "", "app/tests/test_genres.py": TEST, "pytest.ini": NOMIGRATIONS, **extra}


def test_silent_when_migrations_run_or_nothing_is_seeded_or_tested(tmp_path):
    check_noop(tmp_path / "a", project(**{"pytest.ini": "[pytest]\naddopts = --reuse-db\n"}), "DJE606")
    backfill = SEED.replace('Genre.objects.get_or_create(name="Fiction")', 'Genre.objects.update(name="x")')
    check_noop(tmp_path / "b", project(**{"app/migrations/0002_genres.py": backfill}), "DJE606")
    check_noop(tmp_path / "c", project(**{"app/tests/test_genres.py": "def test_nothing():\n    pass\n"}), "DJE606")
    factory = ("import factory\n\nfrom app.models import Genre\n\n\nclass GenreFactory(factory.django.DjangoModelFactory):\n"
               "    class Meta:\n        model = Genre\n")
    check_noop(tmp_path / "d", project(**{"app/tests/factories.py": factory}), "DJE606")


def test_reports_the_seeding_runpython(tmp_path):
    toml = '[tool.pytest.ini_options]\naddopts = ["--nomigrations"]\n'
    for name, files in (("ini", project()), ("toml", project(**{"pytest.ini": None}) | {"pyproject.toml": toml})):
        files = {k: v for k, v in files.items() if v is not None}
        found = findings(tmp_path / name, files, "DJE606")
        assert [(f.span.start.line + 1, f.path.rpartition("/")[2]) for f in found] == [(11, "0002_genres.py")], name
        assert "Genre (app.tests.test_genres)" in found[0].message and "--nomigrations" in found[0].message
