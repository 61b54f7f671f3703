"""The engine's incremental promises, proved by counting (Engine.stats) on a small project
whose dependencies are known: `library/serializers.py` reads `Author`, `library/other.py`
reads `Book`, `library/views.py` reads no model."""

import textwrap
from pathlib import Path

import pytest

from django_expert.analyzers.engine import Engine
from tests.analyzers.rules.helpers import ALL_RULES

FILES = {
    "manage.py": """
        import os, sys
        if __name__ == "__main__":
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings")
            from django.core.management import execute_from_command_line
            execute_from_command_line(sys.argv)
    """,
    "site_config/__init__.py": "",
    "site_config/settings.py": """
        SECRET_KEY = "test"
        INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "rest_framework", "library"]
        DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
    """,
    "library/__init__.py": "",
    "library/models.py": """
        from django.db import models


        class Author(models.Model):
            name = models.CharField(max_length=100)
            bio = models.TextField(null=True, blank=True)

            def __str__(self):
                return self.name


        class Book(models.Model):
            title = models.CharField(max_length=200)
            author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")

            def __str__(self):
                return self.title
    """,
    "library/serializers.py": """
        from rest_framework import serializers

        from .models import Author


        class AuthorSerializer(serializers.ModelSerializer):
            class Meta:
                model = Author
                fields = "__all__"
    """,
    "library/other.py": """
        from rest_framework import serializers

        from library.models import Book


        class BookSerializer(serializers.ModelSerializer):
            class Meta:
                model = Book
                fields = "__all__"
    """,
    "library/views.py": """
        from django.http import JsonResponse


        def ping(request):
            return JsonResponse({"ok": True})
    """,
}


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "proj"
    write(root, FILES)
    return root


@pytest.fixture
def engine(project, tmp_path) -> Engine:
    engine = Engine([project], ALL_RULES, cache_dir=tmp_path / "cache")
    engine.index()
    engine.all_findings()
    return engine


def codes(engine: Engine, path: Path) -> list[str]:
    return [f.code for f in engine.findings(path)]


def edit(engine: Engine, path: Path, old: str, new: str) -> set[Path]:
    text = path.read_text()
    assert old in text
    return engine.update(path, text.replace(old, new))


def test_the_project_has_the_expected_findings(engine, project):
    assert codes(engine, project / "library/models.py") == ["DJE201"]
    assert codes(engine, project / "library/serializers.py") == ["DJE301"]
    assert codes(engine, project / "library/other.py") == ["DJE301"]
    assert codes(engine, project / "library/views.py") == []


def test_edit_inside_a_function_body_recomputes_no_project_facts(engine, project):
    before = engine.stats.copy()
    stale = edit(engine, project / "library/views.py", '{"ok": True}', '{"ok": False, "n": 1}')
    engine.all_findings()
    assert stale == {project / "library/views.py"}
    assert engine.stats["model_build"] == before["model_build"], "no new ProjectModel"
    assert engine.stats["parse"] == before["parse"] + 1, "only the edited file is parsed"
    assert engine.stats["check"] == before["check"] + 1, "only the edited file is re-checked"


def test_edit_in_a_model_method_body_is_an_early_cutoff(engine, project):
    before = engine.stats.copy()
    stale = edit(engine, project / "library/models.py", "return self.name", "return self.name.upper()")
    engine.all_findings()
    assert stale == {project / "library/models.py"}
    assert engine.stats["model_build"] == before["model_build"]
    assert engine.stats["check"] == before["check"] + 1


def test_renaming_a_model_field_rechecks_exactly_the_files_using_that_model(engine, project):
    before = engine.stats.copy()
    stale = edit(engine, project / "library/models.py", "    name = models.CharField", "    full_name = models.CharField")
    assert stale == {project / "library/models.py", project / "library/serializers.py"}
    engine.all_findings()
    assert engine.stats["check"] == before["check"] + 2
    assert engine.stats["model_build"] == before["model_build"] + 1
    finding = next(f for f in engine.findings(project / "library/serializers.py") if f.code == "DJE301")
    assert "full_name" in finding.fix_data[1], "the serializer's finding was computed from the new facts"


def test_a_syntax_error_keeps_the_previous_findings_of_other_rules(engine, project):
    path = project / "library/models.py"
    engine.update(path, path.read_text().replace("class Book(models.Model):", "class Book(models.Model"))
    findings = engine.findings(path)
    assert [f.code for f in findings] == ["DJE000", "DJE201"]
    assert findings[0].severity.value == "error" and "syntax error" in findings[0].message
    assert findings[0].span.start.line == 11  # `class Book(models.Model` never closes
    # Fixing the typo brings back a clean state, with no parse error.
    engine.update(path, path.read_text())
    assert codes(engine, path) == ["DJE201"]


def test_a_second_start_reads_facts_from_the_cache_and_parses_nothing(engine, project, tmp_path):
    first = {p: [f.code for f in fs] for p, fs in engine.all_findings().items()}
    engine.save_cache()
    second = Engine([project], ALL_RULES, cache_dir=tmp_path / "cache")
    second.index()
    again = {p: [f.code for f in fs] for p, fs in second.all_findings().items()}
    assert again == first
    assert second.stats["parse"] == 0
    assert second.stats["check"] == 0, "findings came from the cache too"
    assert second.stats["facts_from_cache"] == len(first) + sum(
        1 for s in second.files.values() if s.library
    )


def test_an_unchanged_start_trusts_the_cache_and_writes_it_not_again(engine, project, tmp_path):
    assert engine.save_cache()
    cache_file = next((tmp_path / "cache").iterdir())
    written = cache_file.stat().st_mtime_ns
    second = Engine([project], ALL_RULES, cache_dir=tmp_path / "cache")
    second.index()
    assert second.stats["trusted_projects"] == 1  # same layout, config and digests: nothing re-validated
    second.all_findings()
    assert not second.save_cache()
    assert cache_file.stat().st_mtime_ns == written


def test_an_unchanged_start_leaves_the_cached_facts_unread_until_asked(engine, project, tmp_path):
    from django_expert.analyzers import cache as facts_cache

    engine.all_findings()
    assert engine.save_cache()
    second = Engine([project], ALL_RULES, cache_dir=tmp_path / "cache")
    second.index()
    second.all_findings()
    states = [s for s in second.files.values() if s.path.suffix == ".py"]
    assert states and all(type(s.raw_facts) is facts_cache.Deferred for s in states)  # nothing unpickled
    model = second.project_for(project / "library/models.py")
    assert "facts" not in vars(model)
    path = project / "library/models.py"
    assert second.state(path).facts == engine.state(path).facts  # read on first use, equal to the parse
    assert model.facts[second.state(path).module] == engine.state(path).facts
    assert model.classes.resolve("library.models.Book") is not None
    assert not second.save_cache()  # facts read, nothing changed: not written again


def test_fixes_are_cached_with_the_findings_and_checked_against_what_they_read(engine, project, tmp_path):
    from django_expert.analyzers.findings import Applicability

    fixable = [f for found in engine.all_findings().values() for f in found if f.fixable is not Applicability.NONE]
    assert fixable
    fixes = [engine.fix(f) for f in fixable]
    assert any(fix is not None for fix in fixes)
    assert engine.save_cache()
    second = Engine([project], ALL_RULES, cache_dir=tmp_path / "cache")
    second.index()
    findings = [f for found in second.all_findings().values() for f in found if f.fixable is not Applicability.NONE]
    import django_expert.analyzers.fixes as fixes_module

    computed = []
    original = fixes_module.compute_fix
    fixes_module.compute_fix = lambda *args: computed.append(args) or original(*args)
    try:
        assert [second.fix(f) for f in findings] == fixes
        assert computed == []  # every fix came from the cache
        # A key a fix read changed fingerprint since: that fix is computed again.
        finding = next(f for f, fix in zip(findings, fixes) if fix is not None)
        state = second.state(Path(finding.path))
        fix, _ = state.fixes[finding]
        state.fixes[finding] = (fix, ((("module", state.module), "a fingerprint of another model"),))
        assert second.fix(finding) == fix
        assert len(computed) == 1
    finally:
        fixes_module.compute_fix = original


def test_a_trusted_model_still_rechecks_the_dependants_of_an_edit(engine, project, tmp_path):
    engine.save_cache()
    second = Engine([project], ALL_RULES, cache_dir=tmp_path / "cache")
    second.index()
    second.all_findings()
    path = project / "library/models.py"
    text = path.read_text().replace("class Author(models.Model):", "class Writer(models.Model):")
    stale = second.update(path, text)
    assert project / "library/serializers.py" in stale  # the fingerprints the cache recorded were compared
    assert second.save_cache()


def test_the_cache_notices_a_file_changed_while_the_server_was_down(engine, project, tmp_path):
    engine.save_cache()
    (project / "library/models.py").write_text(
        (project / "library/models.py").read_text().replace("null=True, blank=True", "blank=True")
    )
    second = Engine([project], ALL_RULES, cache_dir=tmp_path / "cache")
    second.index()
    second.all_findings()
    assert second.stats["parse"] == 1
    assert second.stats["trusted_projects"] == 0  # a digest changed: cached findings are re-validated
    assert [f.code for f in second.findings(project / "library/models.py")] == []


def test_deleting_a_model_file_rechecks_its_dependants(engine, project):
    path = project / "library/models.py"
    path.unlink()
    stale = engine.update(path)
    assert project / "library/serializers.py" in stale
    assert "DJE301" in codes(engine, project / "library/serializers.py")  # model unknown: still reported


def test_a_new_unsaved_buffer_joins_the_project_with_its_text(engine, project):
    path = project / "library/extra.py"  # not on disk
    text = 'from rest_framework import serializers\n\nfrom .models import Book\n\n\n' \
           'class Extra(serializers.ModelSerializer):\n    class Meta:\n        model = Book\n        fields = "__all__"\n'
    assert path in engine.update(path, text)  # a new class changes the hierarchy others read
    assert codes(engine, path) == ["DJE301"]


def test_form_feeds_do_not_shift_positions(engine, project):
    path = project / "library/models.py"
    text = path.read_text().replace("from django.db import models\n", "from django.db import models\n\x0c\n")
    engine.update(path, text)
    [finding] = engine.findings(path)
    line = text.split("\n")[finding.span.start.line]
    assert line.strip().startswith("bio = models.TextField(null=True")


def test_templates_get_their_own_findings_and_edits_recheck_them(tmp_path):
    import shutil

    root = tmp_path / "shop"
    shutil.copytree(Path(__file__).resolve().parents[1] / "workspaces" / "shop", root)
    template = root / "catalog/templates/catalog/product_list.html"
    clean = template.read_text()
    engine = Engine([root], ALL_RULES, use_cache=False)
    engine.index()
    assert engine.findings(template) == []
    broken = clean + '{% url "catalog:no-such-view" %}{% include "catalog/missing.html" %}\n'
    assert template in engine.update(template, broken)
    assert [f.code for f in engine.findings(template)] == ["DJE109", "DJE111"]
    engine.update(template, clean + '{# noqa: DJE111 #}{% include "catalog/missing.html" %}\n')
    assert engine.findings(template) == []


def test_editing_a_split_settings_component_rechecks_the_settings_module(tmp_path):
    root = tmp_path / "split"
    write(root, {
        "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_cfg.settings")\n',
        "site_cfg/__init__.py": "",
        "site_cfg/wsgi.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_cfg.settings")\n',
        "site_cfg/settings/__init__.py": "from split_settings.tools import include\ninclude('components/*.py')\n",
        "site_cfg/settings/components/base.py": 'SECRET_KEY = "k" * 60\nDEBUG = False\nALLOWED_HOSTS = ["a.example"]\n',
        "app/__init__.py": "",
        "app/views.py": "def index(request):\n    return None\n",
    })
    engine = Engine([root], ALL_RULES, cache_dir=tmp_path / "cache")
    engine.index()
    engine.all_findings()
    settings = root / "site_cfg/settings/__init__.py"
    assert "DJE401" not in codes(engine, settings)
    rechecked = edit(engine, root / "site_cfg/settings/components/base.py", "DEBUG = False", "DEBUG = True")
    assert settings in rechecked and root / "app/views.py" not in rechecked
    assert "DJE401" in codes(engine, settings)


# -- summaries: a helper's body is depended on through its summary only ----------------------

HELPERS = {
    **FILES,
    "library/helpers.py": """
        def describe(book):
            parts = [book.title]
            return " ".join(parts)


        def shout(text):
            return text.upper()
    """,
    "library/reports.py": """
        from .helpers import describe
        from .models import Book


        def lines():
            return [describe(book) for book in Book.objects.all()]
    """,
    "library/unrelated.py": """
        from .helpers import shout


        def greet():
            return shout("hello")
    """,
}


@pytest.fixture
def helpers_engine(tmp_path) -> tuple[Engine, Path]:
    root = tmp_path / "helpers"
    write(root, HELPERS)
    engine = Engine([root], ALL_RULES, cache_dir=tmp_path / "cache")
    engine.index()
    engine.all_findings()
    return engine, root


def test_a_helper_edit_that_changes_its_summary_rechecks_exactly_its_callers(helpers_engine):
    engine, root = helpers_engine
    reports = root / "library/reports.py"
    assert "DJE501" not in codes(engine, reports)
    before = engine.stats.copy()
    stale = edit(engine, root / "library/helpers.py", "parts = [book.title]", "parts = [book.title, book.author.name]")
    assert stale == {root / "library/helpers.py", reports}, "the caller of describe(), not the caller of shout()"
    engine.all_findings()
    assert engine.stats["check"] == before["check"] + 2
    finding = next(f for f in engine.findings(reports) if f.code == "DJE501")
    assert "read in `describe()`" in finding.message


def test_a_helper_edit_that_keeps_its_summary_rechecks_nothing_else(helpers_engine):
    engine, root = helpers_engine
    before = engine.stats.copy()
    stale = edit(engine, root / "library/helpers.py", 'return " ".join(parts)', 'return " - ".join(parts)')
    engine.all_findings()
    assert stale == {root / "library/helpers.py"}
    assert engine.stats["model_build"] == before["model_build"], "an equal summary: no new model"
    assert engine.stats["check"] == before["check"] + 1


def test_the_test_map_takes_each_test_module_from_the_index_parse(tmp_path, monkeypatch):
    """Indexing parses every file once: the test map parses no test module again (0.5-0.8 s
    of a cold start on netbox's 189 test modules)."""
    from django_expert.analyzers.project import test_map

    root = tmp_path / "proj"
    write(root, {**FILES, "library/tests.py": """
        from django.test import TestCase
        from django.urls import reverse


        class PingTests(TestCase):
            def test_ping(self):
                self.assertEqual(self.client.get(reverse("ping")).status_code, 200)
    """})
    parsed = []
    parse = test_map.parse_module
    monkeypatch.setattr(test_map, "parse_module", lambda text, name: parsed.append(name) or parse(text, name))
    engine = Engine([root], ALL_RULES, use_cache=False)
    engine.index()
    (model,) = [project.model for project in engine.projects if project.model is not None]

    (module,) = test_map.test_modules(model)

    assert module.module == "library.tests" and module.reversed_names == ("ping",)
    assert parsed == []


def test_the_class_hierarchy_and_relations_are_fingerprinted_again_for_the_edited_module_only(engine, project):
    """("classes",) and ("relations",) are digests of one part per module: a rebuild after one
    module's edit recomputes that module's parts, and a new relation still changes them."""
    (state,) = [p for p in engine.projects if p.model is not None and "library.models" in p.files]
    whole = {key: state.fingerprints[key] for key in (("classes",), ("relations",))}
    before = engine.stats["module_parts"]
    stale = edit(engine, project / "library/other.py", "class BookSerializer", "def helper():\n    pass\n\n\nclass BookSerializer")
    engine.all_findings()
    assert engine.stats["module_parts"] - before == 2  # library.other's part of each, no other module's
    assert {key: state.fingerprints[key] for key in whole} == whole  # a function added: neither changed
    assert project / "library/models.py" not in stale

    stale = edit(engine, project / "library/other.py", "class BookSerializer", "from django.db import models\n\n\n"
                 "class Review(models.Model):\n    book = models.ForeignKey(Book, on_delete=models.CASCADE)\n\n\n"
                 "def helper():\n    pass\n\n\nclass BookSerializer")
    engine.all_findings()
    assert all(state.fingerprints[key] != whole[key] for key in whole)
    assert project / "library/models.py" in stale  # Book has a new reverse relation


def test_a_deferred_edit_settles_to_its_dependants_and_not_again_to_the_edited_file(engine, project):
    """The server checks and publishes the edited file first, then asks `settle()` which other
    files the edit reaches: the edited file was checked against the new model already."""
    models = project / "library/models.py"
    text = models.read_text().replace("    name = models.CharField", "    full_name = models.CharField")
    before = engine.stats.copy()

    assert engine.update(models, text, defer=True) == {models}
    engine.findings(models)
    stale = engine.settle()
    engine.all_findings()

    assert stale == {project / "library/serializers.py"}
    assert engine.stats["check"] - before["check"] == 2  # the edited file once, its dependant once


def test_a_body_edit_changing_a_summary_refreshes_the_model_and_keeps_the_answers_that_did_not_read_it(
        helpers_engine):
    """A body edit that changes only summaries builds no new model: the answers that read the
    edited module's summaries are computed again (and change), every other one is kept."""
    from django_expert.analyzers.project import apps, summaries, test_map

    engine, root = helpers_engine
    model = engine.project_for(root / "library/helpers.py")
    described = summaries.reads_through(model, "library.helpers.describe", "book")
    kept = {
        "apps": apps.installed_apps(model, model.layout.settings_module),
        "test map": test_map.test_modules(model),
        "reads of another module's function": summaries.reads_through(model, "library.views.ping", "request"),
        "models": model.models(),
    }
    before = engine.stats.copy()

    stale = edit(engine, root / "library/helpers.py", "parts = [book.title]", "parts = [book.title, book.author.name]")
    engine.all_findings()

    assert engine.stats["model_build"] == before["model_build"] and engine.project_for(root / "library/helpers.py") is model
    assert engine.stats["model_refresh"] == before["model_refresh"] + 1
    assert stale == {root / "library/helpers.py", root / "library/reports.py"}
    again = summaries.reads_through(model, "library.helpers.describe", "book")
    assert again != described and ("author", "name") in [read[0] for read in again]
    assert summaries.reads_through(model, "library.views.ping", "request") is kept["reads of another module's function"]
    assert apps.installed_apps(model, model.layout.settings_module) is kept["apps"]
    assert test_map.test_modules(model) is kept["test map"]
    assert model.models() is kept["models"]
    fresh = Engine([root], ALL_RULES, use_cache=False)
    (root / "library/helpers.py").write_text((root / "library/helpers.py").read_text().replace(
        "parts = [book.title]", "parts = [book.title, book.author.name]"))
    fresh.index()
    assert summaries.reads_through(fresh.project_for(root / "library/helpers.py"), "library.helpers.describe",
                                   "book") == again
    assert {p: [(f.code, f.span, f.message) for f in fs] for p, fs in fresh.all_findings().items()} == \
        {p: [(f.code, f.span, f.message) for f in fs] for p, fs in engine.all_findings().items()}
