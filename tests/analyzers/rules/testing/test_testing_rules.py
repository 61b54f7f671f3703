"""DJE601-605 on small projects: silent look-alikes first, then the seeded cases and fixes."""

from __future__ import annotations

from pathlib import Path

from django_expert.analyzers.engine import Engine
from django_expert.analyzers.project import test_map

from tests.analyzers.rules.helpers import check_fixed, check_noop, findings

WORKSPACE = Path(__file__).resolve().parents[3] / "workspaces" / "testsuite"
PYTEST_INI = "[pytest]\nDJANGO_SETTINGS_MODULE = config.settings_test\n"
TEST_SETTINGS = "from config.settings import *\n\nDEBUG = False\n"
MODELS = "from django.db import models\n\n\nclass Book(models.Model):\n    title = models.CharField(max_length=9)\n"

READ_ONLY = """
from django.contrib.auth.models import User
from django.test import TestCase

from app.models import Book


class BookTests(TestCase):
    def setUp(self):
        super().setUp()
        self.book = Book.objects.create(title="Dune")
        self.reader = User.objects.create_user("reader", password="pw")

    def test_title(self):
        self.assertEqual(self.book.title, "Dune")

    def test_count(self):
        self.assertEqual(Book.objects.count(), 1)

    def test_first(self):
        self.assertEqual(Book.objects.first(), self.book)

    def test_filter(self):
        self.assertTrue(Book.objects.filter(title="Dune").exists())

    def test_str(self):
        self.assertIn("Book", str(self.book))
"""


# -- DJE601 --------------------------------------------------------------------------------

def test_dje601_silent_when_test_settings_are_fast(tmp_path):
    fast = TEST_SETTINGS + 'PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]\n'
    check_noop(tmp_path, {"pytest.ini": PYTEST_INI, "config/settings_test.py": fast}, "DJE601")


def test_dje601_silent_when_a_fixture_sets_the_hashers(tmp_path):
    conftest = """
        import pytest


        @pytest.fixture(autouse=True)
        def fast_hashers(settings):
            settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    """
    check_noop(tmp_path, {"pytest.ini": PYTEST_INI, "config/settings_test.py": TEST_SETTINGS,
                          "conftest.py": conftest}, "DJE601")


def test_dje601_silent_on_settings_no_test_runs_with(tmp_path):
    check_noop(tmp_path, {}, "DJE601")


def test_dje601_fixes_pytest_settings_keeping_the_default(tmp_path):
    found = check_fixed(tmp_path, {"pytest.ini": PYTEST_INI, "config/settings_test.py": TEST_SETTINGS}, "DJE601", {
        "config/settings_test.py": TEST_SETTINGS.replace(
            "from config.settings import *\n",
            'from config.settings import *\nPASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]\n'),
    })
    assert "PBKDF2PasswordHasher" in found.message


def test_dje601_advises_a_fixture_when_the_tests_run_with_the_production_settings(tmp_path):
    """paperless-ngx: pytest's DJANGO_SETTINGS_MODULE is the one module production runs, where
    MD5 would hash real passwords: a fixture or a test settings module, and no fix."""
    wsgi = ('import os\nfrom django.core.wsgi import get_wsgi_application\n'
            'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")\napplication = get_wsgi_application()\n')
    [found] = findings(tmp_path, {"pytest.ini": PYTEST_INI.replace("config.settings_test", "config.settings"),
                                  "config/wsgi.py": wsgi}, "DJE601")
    assert "these are also the production settings, so set a fast hasher for the tests only" in found.message
    assert not found.fix_title


# -- DJE602 --------------------------------------------------------------------------------

def test_dje602_silent_when_a_test_writes_or_setup_logs_in(tmp_path):
    writes = READ_ONLY.replace('self.assertEqual(Book.objects.count(), 1)', 'self.book.delete()')
    logs_in = READ_ONLY.replace("super().setUp()", "self.client.force_login(None)")
    four = READ_ONLY[:READ_ONLY.index("    def test_str")]  # wagtail: 2-4 tests, a few inserts saved
    posts = READ_ONLY.replace("self.assertIn(", 'self.client.post("/books/", {"title": "x"})\n        self.assertIn(')
    helper = READ_ONLY.replace("    def test_str(self):", (  # wagtail: `self.delete(pk)` sends the request
        "    def delete(self, pk):\n        return self.client.delete(f'/books/{pk}/')\n\n"
        "    def test_str(self):\n        self.delete(self.book.pk)"))
    for text in (writes, logs_in, four, posts, helper, READ_ONLY.replace("TestCase", "SimpleTestCase")):
        check_noop(tmp_path / str(hash(text)), {"app/models.py": MODELS, "app/tests.py": text}, "DJE602")


IMAGES = "from django.db import models\n\n\nclass Image(models.Model):\n    file = models.FileField()\n"
FILE_READS = """
import os
import tempfile
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import TestCase

from app.models import Image


class ServeTests(TestCase):
    def setUp(self):
        self.image = Image.objects.create(file=ContentFile(b"x", name="a.png"))

    def test_get(self):
        self.assertEqual(self.client.get(f"/images/{self.image.pk}/").status_code, 200)

    def test_name(self):
        self.assertTrue(self.image.file.name)

    def test_size(self):
        self.assertEqual(self.image.file.size, 1)

    def test_count(self):
        self.assertEqual(Image.objects.count(), 1)

    def test_get_missing_source_image_file(self):
        with tempfile.NamedTemporaryFile(delete=False) as upload:
            upload.write(b"x")
        os.remove(upload.name)
        self.assertEqual(self.client.get(f"/images/{self.image.pk}/").status_code, 200)
"""


def test_dje602_silent_when_a_test_removes_the_shared_objects_file(tmp_path):
    # wagtail's TestFrontendServeView: the database is rolled back per test, the file system
    # is not; with setUpTestData the tests after this one would find the image file gone.
    removing = ("os.remove(self.image.file.path)", "os.unlink(self.image.file.path)",
                "default_storage.delete(self.image.file.name)", "Path(self.image.file.path).unlink()",
                "self.image.file.storage.delete(self.image.file.name)")
    for call in removing:
        text = FILE_READS.replace("os.remove(upload.name)", call)
        check_noop(tmp_path / str(hash(text)), {"app/models.py": IMAGES, "app/tests.py": text}, "DJE602")
    # Removing a temporary file of its own leaves the shared image alone.
    found = findings(tmp_path / "own", {"app/models.py": IMAGES, "app/tests.py": FILE_READS}, "DJE602")
    assert [f.span.start.line + 1 for f in found] == [13]


def test_dje602_silent_when_setup_makes_a_few_cheap_rows(tmp_path):
    """One to three plain inserts for five or six tests save a millisecond (wagtail's snippet
    API tests, django-cms's one Placeholder): a reviewer would not ask."""
    one_row = READ_ONLY.replace('        self.reader = User.objects.create_user("reader", password="pw")\n', "")
    three_rows = one_row.replace('        self.book = Book.objects.create(title="Dune")\n', (
        '        self.book = Book.objects.create(title="Dune")\n'
        '        self.other = Book.objects.create(title="Emma")\n'
        '        self.third = Book.objects.get_or_create(title="Ulysses")[0]\n'))
    for text in (one_row, three_rows):
        check_noop(tmp_path / str(hash(text)), {"app/models.py": MODELS, "app/tests.py": text}, "DJE602")
    # the same rows for twenty-one tests: 3 inserts x 20 runs saved
    many = three_rows + "".join(f"\n    def test_more_{n}(self):\n        self.assertTrue(self.book.pk)\n"
                                for n in range(16))
    found = findings(tmp_path / "many", {"app/models.py": MODELS, "app/tests.py": many}, "DJE602")
    assert len(found) == 1 and "21 tests" in found[0].message


def test_dje602_counts_a_user_as_one_insert_when_the_tests_hash_fast(tmp_path):
    """wagtail's test settings hash with MD5: a superuser in setUp is one cheap insert."""
    fast = TEST_SETTINGS + 'PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]\n'
    check_noop(tmp_path / "fast", {"pytest.ini": PYTEST_INI, "config/settings_test.py": fast,
                                   "app/models.py": MODELS, "app/tests.py": READ_ONLY}, "DJE602")
    found = findings(tmp_path / "slow", {"pytest.ini": PYTEST_INI, "config/settings_test.py": TEST_SETTINGS,
                                         "app/models.py": MODELS, "app/tests.py": READ_ONLY}, "DJE602")
    assert len(found) == 1


def test_dje602_moves_setup_to_setuptestdata(tmp_path):
    expected = READ_ONLY.replace(
        "    def setUp(self):\n        super().setUp()\n        self.book",
        "    @classmethod\n    def setUpTestData(cls):\n        super().setUpTestData()\n        cls.book").replace(
        "        self.reader = User", "        cls.reader = User")
    check_fixed(tmp_path, {"app/models.py": MODELS, "app/tests.py": READ_ONLY}, "DJE602",
                {"app/tests.py": expected})


# -- DJE603 --------------------------------------------------------------------------------

TRANSACTIONAL = """
from django.db import transaction
from django.test import TransactionTestCase

from app.models import Book


class BookTests(TransactionTestCase):
    def test_create(self):
        Book.objects.create(title="Dune")
        self.assertEqual(Book.objects.count(), 1)
"""


def test_dje603_silent_when_commits_matter(tmp_path):
    on_commit = TRANSACTIONAL.replace('Book.objects.create(title="Dune")',
                                      'transaction.on_commit(lambda: None)')
    pytest_threads = """
        import threading

        import pytest


        def run_elsewhere():
            threading.Thread(target=print).start()


        @pytest.mark.django_db(transaction=True)
        def test_elsewhere():
            run_elsewhere()
    """
    check_noop(tmp_path / "a", {"app/models.py": MODELS, "app/tests.py": on_commit}, "DJE603")
    check_noop(tmp_path / "b", {"app/models.py": MODELS, "app/test_threads.py": pytest_threads}, "DJE603")


def test_dje603_reports_transaction_test_and_marker(tmp_path):
    marked = """
        import pytest

        pytestmark = pytest.mark.django_db(transaction=True)


        def test_nothing():
            assert True
    """
    found = findings(tmp_path, {"app/models.py": MODELS, "app/tests.py": TRANSACTIONAL,
                                "app/test_marked.py": marked}, "DJE603")
    assert sorted(Path(f.path).name for f in found) == ["test_marked.py", "tests.py"]


# -- DJE604 and DJE605 ------------------------------------------------------------------------

def test_dje604_silent_without_ci_or_when_ci_checks(tmp_path):
    checks = "jobs:\n  t:\n    steps:\n      - run: python manage.py makemigrations --check --dry-run\n"
    check_noop(tmp_path / "a", {}, "DJE604")
    check_noop(tmp_path / "b", {".github/workflows/ci.yml": checks}, "DJE604")
    check_noop(tmp_path / "c", {"Makefile": "ci:\n\tpython manage.py makemigrations --dry-run --check\n"}, "DJE604")


def test_dje604_reports_ci_without_the_check(tmp_path):
    found = findings(tmp_path, {".github/workflows/ci.yml": "jobs:\n  t:\n    steps:\n      - run: pytest\n"}, "DJE604")
    assert len(found) == 1 and Path(found[0].path).name == "settings.py"
    assert ".github/workflows/ci.yml" in found[0].message


def test_dje604_follows_the_scripts_containers_run(tmp_path):
    # defectdojo: the workflow runs `docker compose up`; the compose override's entrypoint,
    # /app/docker/entrypoint-unit-tests.sh inside the container, runs makemigrations --check.
    ci = {".github/workflows/ci.yml": "jobs:\n  t:\n    steps:\n      - run: docker/setEnv.sh unit_tests\n"
                                      "      - run: docker compose up --exit-code-from uwsgi uwsgi\n",
          "docker-compose.override.unit_tests.yml": (
              "services:\n  uwsgi:\n    entrypoint: ['/wait-for-it.sh', 'db:5432', '--',"
              " '/app/docker/entrypoint-unit-tests.sh']\n")}
    script = "#!/bin/sh\npython3 manage.py makemigrations --no-input --check --dry-run || exit 1\n"
    check_noop(tmp_path / "a", {**ci, "docker/entrypoint-unit-tests.sh": script}, "DJE604")
    # the same check one script further: setEnv.sh names the script that runs it
    env = {".github/workflows/ci.yml": "jobs:\n  t:\n    steps:\n      - run: ./docker/setEnv.sh unit_tests\n",
           "docker/setEnv.sh": "#!/bin/sh\nexec docker/unit-tests.sh\n", "docker/unit-tests.sh": script}
    check_noop(tmp_path / "b", env, "DJE604")
    # the containers' scripts do not check: still reported, and a compose file is not
    # read when the CI runs no container
    assert len(findings(tmp_path / "c", {**ci, "docker/entrypoint-unit-tests.sh": "#!/bin/sh\npytest\n"}, "DJE604")) == 1
    nodocker = {**ci, ".github/workflows/ci.yml": "jobs:\n  t:\n    steps:\n      - run: pytest\n",
                "docker/entrypoint-unit-tests.sh": script}
    assert len(findings(tmp_path / "d", nodocker, "DJE604")) == 1


def test_dje605_silent_when_the_module_exists(tmp_path):
    check_noop(tmp_path, {"pytest.ini": PYTEST_INI, "config/settings_test.py": TEST_SETTINGS}, "DJE605")


def test_dje605_reports_a_missing_module(tmp_path):
    found = findings(tmp_path, {"pytest.ini": PYTEST_INI}, "DJE605")
    assert len(found) == 1 and "config.settings_test" in found[0].message


# -- the workspace ----------------------------------------------------------------------------

def test_testsuite_workspace_fires_on_seeded_cases_only():
    engine = Engine([WORKSPACE], {"select": ["DJE6"]}, use_cache=False)
    engine.index()
    found = sorted((Path(f.path).relative_to(WORKSPACE).as_posix(), f.span.start.line + 1, f.code)
                   for fs in engine.all_findings().values() for f in fs if f.code.startswith("DJE6"))
    assert found == [
        ("catalog/migrations/0003_default_genres.py", 17, "DJE606"),
        ("catalog/reports.py", 7, "DJE607"),
        ("catalog/tests/test_views.py", 16, "DJE602"),
        ("catalog/tests/test_views.py", 71, "DJE603"),
        ("library_site/settings_test.py", 3, "DJE601"),
        ("tests_pytest/test_books.py", 11, "DJE603"),
        ("tests_pytest/test_books.py", 42, "DJE608"),
    ]


def test_testsuite_test_map():
    engine = Engine([WORKSPACE], {"select": ["DJE6"]}, use_cache=False)
    engine.index()
    model = next(iter(engine.projects)).model
    modules = {t.module: t for t in test_map.test_modules(model)}
    views = modules["catalog.tests.test_views"]
    assert views.styles == ("unittest",)
    assert set(views.reversed_names) == {"catalog:book-list", "catalog:book-detail", "catalog:book-restock"}
    assert [(r.method, r.path, r.routes) for r in views.requested] == [  # f"/books/{self.book.pk}/" first
        ("GET", "/books/1/", ("catalog:book-detail",))] + [("GET", "/books/", ("catalog:book-list",))] * 2
    assert views.imports == ("catalog.models.Author", "catalog.models.Book", "catalog.views")
    assert modules["tests_pytest.conftest"].fixtures == ("book",)
    assert "pytest" in modules["tests_pytest.test_books"].styles
