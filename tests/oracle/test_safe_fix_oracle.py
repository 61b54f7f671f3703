"""Real Django judges the safe fixes: every fix labelled safe keeps behaviour.

A small project (written below) has a finding of every safe fix not judged elsewhere.
`check --fix` applies the safe fixes to a copy; the probe (`safe_fix_probe.py`, real
Django and DRF in a subprocess, SQLite) runs the same cases on both copies:

- DJE505 (`len(qs)` -> `count()`, `if qs` -> `exists()`): same answers, and the same
  query shape — the same tables and conditions (`FROM ... WHERE ...`), one statement each;
- DJE508 (`await ....afirst()`, `async for`): the fixed coroutine returns what the original
  returned with Django's async guard off, and runs with it on;
- DJE302 / DJE308 (explicit fields for `exclude` / `"__all__"`): the serializer's fields
  with their arguments and its data, the form's HTML, are the same;
- DJE104 (`DEFAULT_AUTO_FIELD = AutoField`): models.W042 is gone, the primary keys and the
  migrations are unchanged.

And it shows why DJE204's fix (`default={}` -> `default=dict`) is unsafe: with it applied,
new instances no longer share the default (the point), but the model's form renders a
hidden `initial-<field>` input and the migrations need an `AlterField`.

DJE501–DJE504 are judged the same way in test_nplusone_oracle.py, DJE507 in
test_index_oracle.py; a test below keeps the list of safe fixes and their judges equal.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from functools import cache
from pathlib import Path

import pytest

from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.rules.registry import all_rules

PROBE = Path(__file__).resolve().with_name("safe_fix_probe.py")
SCRIPT = Path(sys.executable).with_name("django-expert")
JUDGED_HERE = {"DJE104", "DJE302", "DJE308", "DJE505", "DJE508"}
JUDGED_ELSEWHERE = {"DJE501": "test_nplusone_oracle.py", "DJE502": "test_nplusone_oracle.py",
                    "DJE503": "test_nplusone_oracle.py", "DJE504": "test_nplusone_oracle.py",
                    "DJE507": "test_index_oracle.py",
                    # DJE501's findings in cold code, fixed by the same fix_lookups edit at the queryset
                    "DJE511": "test_nplusone_oracle.py"}

FILES = {
    "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings")\n',
    "site_config/__init__.py": "",
    "site_config/settings.py": """
        from pathlib import Path

        BASE_DIR = Path(__file__).resolve().parent.parent
        SECRET_KEY = "not-a-secret-only-a-test"
        INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "rest_framework", "app"]
        DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3",
                                 "TEST": {"NAME": str(BASE_DIR / "test.sqlite3")}}}
        USE_TZ = True
    """,
    "app/__init__.py": "",
    "app/models.py": """
        from django.db import models


        class Author(models.Model):
            name = models.CharField(max_length=100)

            def __str__(self):
                return self.name


        class Book(models.Model):
            author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")
            title = models.CharField(max_length=100)
            published = models.BooleanField(default=False)
            secret_notes = models.TextField(blank=True)
            tags = models.JSONField(default=[], blank=True)
            extra = models.JSONField(default={}, blank=True)

            def __str__(self):
                return self.title
    """,
    "app/seed.py": """
        from app.models import Author, Book


        def seed():
            ann = Author.objects.create(name="Ann")
            bob = Author.objects.create(name="Bob")
            Author.objects.create(name="Cy")
            rows = [Book(author=ann if i % 2 else bob, title=f"Book {i}", published=i % 3 == 0, tags=[i])
                    for i in range(6)]
            Book.objects.bulk_create(rows)
    """,
    "app/sizes.py": """
        from app.models import Author, Book


        def ann_has_published():
            books = Book.objects.filter(author__name="Ann", published=True)
            if len(books) > 0:
                return True
            return False


        def published_total():
            return len(Book.objects.filter(published=True))


        def nothing_titled():
            if not Book.objects.filter(title="Book 99"):
                return "none"
            return "some"


        def any_unpublished():
            return bool(Book.objects.filter(published=False))


        def cy_has_no_books():
            cy = Author.objects.get(name="Cy")
            return cy.books.all().count() == 0
    """,
    "app/live.py": """
        from app.models import Book


        async def titles():
            first = Book.objects.filter(published=True).order_by("-pk").first()
            names = []
            for book in Book.objects.order_by("pk"):
                names.append(book.title)
            return first.title if first else None, names
    """,
    "app/serializers.py": """
        from rest_framework import serializers

        from app.models import Book


        class BookSerializer(serializers.ModelSerializer):
            author_name = serializers.CharField(source="author.name", read_only=True)

            class Meta:
                model = Book
                exclude = ["secret_notes"]
    """,
    "app/forms.py": """
        from django import forms

        from app.models import Author, Book


        class BookForm(forms.ModelForm):
            class Meta:
                model = Book
                exclude = ["secret_notes"]


        class AuthorForm(forms.ModelForm):
            class Meta:
                model = Author
                fields = "__all__"
    """,
}

SIZE_CASES = ("ann_has_published", "published_total", "nothing_titled", "any_unpublished", "cy_has_no_books")
CASES = [
    *({"id": name, "kind": "call", "target": f"app.sizes.{name}"} for name in SIZE_CASES),
    {"id": "titles", "kind": "async", "target": "app.live.titles"},
    {"id": "book-serializer", "kind": "serializer", "target": "app.serializers.BookSerializer"},
    {"id": "book-form", "kind": "form", "target": "app.forms.BookForm"},
    {"id": "author-form", "kind": "form", "target": "app.forms.AuthorForm"},
    {"id": "defaults", "kind": "model", "target": "app.models.Book", "fields": ["tags", "extra"]},
]


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _probe(root: Path, cases: list[dict]) -> dict:
    proc = subprocess.run([sys.executable, str(PROBE), str(root), "site_config.settings", json.dumps(cases)],
                          capture_output=True, text=True, timeout=300, env=_env(), cwd=str(root))
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout)


def _check(root: Path, *args: str) -> subprocess.CompletedProcess:
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "django_expert.server.cli"]
    env = {**_env(), "DJANGO_EXPERT_CACHE_DIR": str(root.parent / "cache")}
    return subprocess.run([*command, "check", str(root), "--select", "ALL", "--no-cache", *args],
                          capture_output=True, text=True, timeout=300, env=env)


def _safe_codes(root: Path) -> set[str]:
    result = _check(root, "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    return {f["code"] for f in json.loads(result.stdout)["findings"]
            if f["fix"] is not None and f["fix"]["applicability"] == "safe"}


@cache
def _judged(base: str) -> dict:
    """Both copies probed: the original (its migrations written by the probe), and the
    copy `check --fix` rewrote (given the original's migrations)."""
    base_path = Path(base)
    before = base_path / "before" / "project"
    for name, text in FILES.items():
        path = before / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    after = base_path / "after" / "project"
    shutil.copytree(before, after)
    fixable = _safe_codes(before)
    fixed = _check(after, "--fix")
    assert fixed.returncode in (0, 1) and "Fixed" in fixed.stderr, fixed.stderr
    original = _probe(before, CASES)
    shutil.copytree(before / "app" / "migrations", after / "app" / "migrations",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return {"fixable": fixable, "left": _safe_codes(after), "before": original, "after": _probe(after, CASES),
            "texts": {name: (after / name).read_text(encoding="utf-8") for name in FILES},
            "roots": {"before": before, "after": after}}


@pytest.fixture(scope="module")
def judged(tmp_path_factory) -> dict:
    return _judged(str(tmp_path_factory.mktemp("safe-fixes")))


def test_every_safe_fix_has_a_behaviour_test():
    safe = {code for code, rule in all_rules().items() if rule.fix is Applicability.SAFE}
    assert safe == JUDGED_HERE | set(JUDGED_ELSEWHERE), "a safe fix needs a test proving it keeps behaviour"


def test_the_project_has_every_safe_fix_judged_here_and_check_fix_applies_them(judged):
    assert JUDGED_HERE <= judged["fixable"], judged["fixable"]
    assert judged["left"] == set(), "every safe fix applied"
    texts = judged["texts"]
    assert ".exists()" in texts["app/sizes.py"] and ".count()" in texts["app/sizes.py"]
    assert "async for book in" in texts["app/live.py"] and ".afirst()" in texts["app/live.py"]
    assert "exclude" not in texts["app/serializers.py"] and "exclude" not in texts["app/forms.py"]
    assert "default={}" in texts["app/models.py"], "DJE204's fix is unsafe: not applied"
    assert "DEFAULT_AUTO_FIELD" in texts["site_config/settings.py"]


def _shape(sql: str) -> str:
    """What a statement reads: its tables and conditions, not what it selects or how many."""
    found = re.search(r" FROM .*?(?= LIMIT \d+|$)", sql)
    return found.group(0) if found else sql


@pytest.mark.parametrize("case", SIZE_CASES)
def test_dje505_same_answers_and_same_query_shape(judged, case):
    before, after = judged["before"]["cases"][case], judged["after"]["cases"][case]
    assert after["output"] == before["output"]
    assert [_shape(q) for q in after["sql"]] == [_shape(q) for q in before["sql"]]
    assert len(after["sql"]) == len(before["sql"])
    assert after["sql"] != before["sql"], "the database counts or checks existence instead"


def test_dje508_the_async_twins_return_the_same_rows(judged):
    assert judged["before"]["cases"]["titles"]["output"] == "raised SynchronousOnlyOperation"
    unguarded = {"id": "titles", "kind": "async", "target": "app.live.titles", "unsafe": True}
    original = _probe(judged["roots"]["before"], [unguarded])["cases"]["titles"]["output"]
    assert "SynchronousOnlyOperation" not in original and "Book 0" in original
    assert judged["after"]["cases"]["titles"]["output"] == original, "and runs with Django's async guard on"


@pytest.mark.parametrize("case", ["book-serializer", "book-form", "author-form"])
def test_dje302_dje308_explicit_fields_expose_the_same_fields(judged, case):
    before, after = judged["before"]["cases"][case], judged["after"]["cases"][case]
    assert after["output"] == before["output"]
    assert "secret_notes" not in after["output"]


def test_dje204_is_unsafe_its_fix_changes_forms_and_migrations(judged, tmp_path):
    before = judged["roots"]["before"]
    fixed = tmp_path / "project"
    shutil.copytree(before, fixed, ignore=shutil.ignore_patterns("__pycache__", "*.sqlite3"))
    result = _check(fixed, "--fix", "--unsafe-fixes", "--select", "DJE204")
    assert result.returncode in (0, 1) and "default=dict" in (fixed / "app/models.py").read_text()
    cases = [case for case in CASES if case["id"] in ("defaults", "book-form")]
    original, changed = judged["before"]["cases"], _probe(fixed, cases)
    assert original["defaults"]["output"] == "{'tags': ([], True), 'extra': ({}, True)}", "one dict for every row"
    assert changed["cases"]["defaults"]["output"] == "{'tags': ([], False), 'extra': ({}, False)}"
    assert 'name="initial-extra"' not in original["book-form"]["output"]
    assert 'name="initial-extra"' in changed["cases"]["book-form"]["output"]
    assert changed["changes"] == ["AlterField book.extra", "AlterField book.tags"]


def test_dje104_no_w042_same_primary_keys_and_no_migration(judged):
    assert "models.W042" in judged["before"]["checks"]
    assert "models.W042" not in judged["after"]["checks"]
    assert judged["after"]["changes"] == [], "the primary keys stay AutoField: the migrations need no change"
