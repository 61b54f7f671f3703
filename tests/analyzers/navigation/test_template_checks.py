"""The URL and template rules on a template's text."""

from __future__ import annotations

from django_expert.analyzers.navigation.template_checks import check_template


def test_template_findings(shop):
    path = shop.layout.root / "templates" / "page.html"
    text = (
        '{% extends "bse.html" %}\n'
        "{% block content %}\n"
        "<a href=\"{% url 'catalog:product-lst' %}\">x</a>\n"
        "<a href=\"{% url 'catalog:product-detail' pk=1 %}\">y</a>\n"
        "<a href=\"{% url 'catalog:product-detail' product.slug as link %}\">{{ link }}</a>\n"
        '{% include "catalog/product_list.html" %}{% include template_name %}\n'
        "{% endblock %}\n"
    )
    found = [(f.code, f.span.start.line, f.message, f.fix.edits[0].content if f.fix else None)
             for f in check_template(shop, path, text)]
    assert found == [
        ("DJE109", 2, "no URL pattern is named 'catalog:product-lst'; did you mean 'catalog:product-list'?",
         "catalog:product-list"),
        ("DJE110", 3, "'catalog:product-detail' (/catalog/p/<slug>/) takes slug; it is given pk", None),
        ("DJE111", 0, "no template folder of the project holds 'bse.html'; did you mean 'base.html'?", "base.html"),
    ]


def test_the_workspace_templates_are_clean(shop):
    root = shop.layout.root
    for path in [root / "templates/base.html", *sorted((root / "catalog/templates/catalog").glob("*.html"))]:
        assert check_template(shop, path, path.read_text()) == []
