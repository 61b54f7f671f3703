"""The Django template reader (analyzers/project/templates.py) and template lookup through
the ProjectModel."""

from __future__ import annotations

import textwrap

from django_expert.analyzers.engine import Engine
from django_expert.analyzers.project.templates import Node, Var, parse, reads_of, walk


def chains(template, names, library=None):
    library = library or {}
    return [r.chain + (("str",) if r.rendered else ()) for r in reads_of(template, names, library.get)]


def test_tags_and_variables_are_parsed():
    template = parse(textwrap.dedent("""
        {% load static %}{# {{ hidden.one }} #}
        {% comment %}{{ hidden.two }}{% endcomment %}{% verbatim %}{{ hidden.three }}{% endverbatim %}
        {% for a, b in pairs %}{{ a }}{% endfor %}
        {% for item in items reversed %}{{ item.name|upper }}{% empty %}none{% endfor %}
        {% if item.ok and not other.flag %}{% elif third.x == "y" %}{% else %}{% endif %}
        {% url "route" item.slug as link %}{% cache 60 key.part %}{{ link }}{% endcache %}
        {% block main %}{{ "literal" }}{{ 3 }}{{ _("text") }}{% endblock %}
    """), "t.html")
    variables = [item.path for item in walk(template.nodes) if isinstance(item, Var)]
    assert ("hidden", "one") not in variables and ("hidden", "two") not in variables
    assert ("item", "name") in variables and ("link",) in variables
    loops = [item for item in walk(template.nodes) if isinstance(item, Node) and item.kind == "for"]
    assert [loop.targets for loop in loops] == [("a", "b"), ("item",)]
    conditions = next(i for i in walk(template.nodes) if isinstance(i, Node) and i.kind == "if").reads
    assert [v.path for v in conditions] == [("item", "ok"), ("other", "flag"), ("third", "x")]
    url = next(i for i in walk(template.nodes) if isinstance(i, Node) and i.kind == "other" and i.reads)
    assert [v.path for v in url.reads] == [("item", "slug")]
    assert list(template.blocks) == ["main"]


def test_reads_follow_loops_with_include_and_extends():
    base = parse("{% block body %}{% endblock %}"
                 "{% block side %}{% for b in books %}{{ b.side }}{% endfor %}{% endblock %}", "base.html")
    row = parse("{{ row.author.name }}{{ b.ignored }}", "row.html")
    page = parse(textwrap.dedent("""
        {% extends "base.html" %}
        {% block body %}
        {% for b in books %}
          {{ b }} {{ b.title|default:"?" }} {{ b.reviews.all|length }} {{ b.published|date:"Y" }}
          {% with who=b.author %}{{ who.publisher.name }}{% endwith %}
          {% for tag in b.tags.all %}{{ tag.label }}{% endfor %}
          {% include "row.html" with row=b only %}
          {% blocktranslate with n=b.editor.name %}by {{ n }}{% endblocktranslate %}
        {% endfor %}
        {{ books.count }}
        {% endblock %}
    """), "page.html")
    found = chains(page, {"books": ()}, {"base.html": base, "row.html": row})
    assert ("[]", "str") in found  # {{ b }} renders str(b)
    assert ("[]", "title", "str") in found
    assert ("[]", "reviews", "all", "all") in found
    assert ("[]", "published") in found  # |date: not text
    assert ("[]", "author", "publisher", "name", "str") in found
    assert ("[]", "tags", "all", "[]", "label", "str") in found
    assert ("[]", "author", "name", "str") in found  # through the include
    assert ("[]", "editor", "name") in found and ("[]", "editor", "name", "str") in found
    assert ("count", "str") in found
    assert ("[]", "side", "str") in found  # the parent's block the child does not override
    files = {r.template for r in reads_of(page, {"books": ()}, {"base.html": base, "row.html": row}.get)}
    assert files == {"page.html", "row.html", "base.html"}


def test_the_model_finds_templates_in_the_project_and_app_folders(tmp_path):
    files = {
        "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings")\n',
        "site_config/__init__.py": "",
        "site_config/settings.py": 'INSTALLED_APPS = ["shop"]\n',
        "shop/__init__.py": "",
        "shop/templates/shop/list.html": "{% for p in products %}{{ p.name }}{% endfor %}",
        "templates/base.html": "{% block content %}{% endblock %}",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    engine = Engine([tmp_path], use_cache=False)
    engine.index()
    model = engine.projects[0].model
    assert model.template("shop/list.html").path == str(tmp_path / "shop/templates/shop/list.html")
    assert model.template("base.html") is not None
    assert model.template("missing.html") is None
    assert model.template("../settings.py") is None


def test_blocks_that_run_for_one_row_only_are_not_reads_of_every_row():
    template = parse("{% for b in books %}{% if forloop.first %}{{ b.author }}{% else %}{{ b.editor }}{% endif %}"
                     "{% endfor %}", "t.html")
    assert chains(template, {"books": ()}) == [(), ("[]", "editor", "str")]
