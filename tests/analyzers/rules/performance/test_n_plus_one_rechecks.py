"""Cross-file N+1 findings stay fresh: editing a serializer or a template re-checks the
views whose findings depend on it, and nothing else (counted with Engine.stats)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from django_expert.analyzers.engine import Engine

from tests.analyzers.rules.helpers import write_project
from tests.analyzers.rules.performance.models import MODELS

FILES = {
    "app/models.py": MODELS,
    "app/serializers.py": """
        from rest_framework import serializers

        from app.models import Book


        class BookSerializer(serializers.ModelSerializer):
            author_name = serializers.SerializerMethodField()

            class Meta:
                model = Book
                fields = ["id", "author_name"]

            def get_author_name(self, obj):
                return obj.author.name
    """,
    "app/api.py": """
        from rest_framework import generics

        from app.models import Book
        from app.serializers import BookSerializer


        class BookList(generics.ListAPIView):
            queryset = Book.objects.all()
            serializer_class = BookSerializer
    """,
    "app/views.py": """
        from django.shortcuts import render

        from app.models import Book


        def books(request):
            return render(request, "app/books.html", {"books": Book.objects.all()})
    """,
    "app/other.py": """
        def unrelated():
            return 1
    """,
    "app/templates/app/books.html": "{% for book in books %}{{ book.title }}{% endfor %}\n",
    "app/templates/app/unused.html": "{{ nothing }}\n",
}


@pytest.fixture
def project(tmp_path) -> Path:
    return write_project(tmp_path / "project", FILES)


@pytest.fixture
def engine(project) -> Engine:
    engine = Engine([project], use_cache=False)
    engine.index()
    engine.all_findings()
    return engine


def codes(engine: Engine, path: Path) -> list[str]:
    return [f.code for f in engine.findings(path) if f.code.startswith("DJE50")]


def test_editing_a_serializer_method_body_rechecks_the_view(engine, project):
    assert codes(engine, project / "app/api.py") == ["DJE502"]
    serializers = project / "app/serializers.py"
    before = engine.stats.copy()
    text = serializers.read_text().replace("return obj.author.name", "return obj.author_id")
    stale = engine.update(serializers, text)
    assert stale == {serializers, project / "app/api.py"}
    engine.all_findings()
    assert engine.stats["check"] == before["check"] + 2
    assert codes(engine, project / "app/api.py") == []


def test_editing_a_template_rechecks_exactly_the_views_rendering_it(engine, project):
    views, template = project / "app/views.py", project / "app/templates/app/books.html"
    assert codes(engine, views) == []
    before = engine.stats.copy()
    template.write_text("{% for book in books %}{{ book.author.name }}{% endfor %}\n")
    # the views rendering it, and the template itself (its own {% url %}/{% include %} checks)
    assert engine.update(template) == {views, template}
    assert codes(engine, views) == ["DJE503"]
    assert engine.stats["check"] == before["check"] + 1
    assert engine.stats["parse"] == before["parse"], "no Python file is parsed again"

    unused = project / "app/templates/app/unused.html"
    unused.write_text(textwrap.dedent("{{ something.else }}\n"))
    assert engine.update(unused) == {unused}, "a template no view renders re-checks only itself"
