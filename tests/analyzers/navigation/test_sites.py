"""Which lines of a file may hold a site (analyzers/navigation/sites.py `_INTERESTING`): the
text scan that spares `Sites` the nodes of every other line."""

from __future__ import annotations

import pytest

from django_expert.analyzers.navigation.sites import _INTERESTING


@pytest.mark.parametrize("line", [
    'Book.objects.filter(title="x")', 'qs.get(pk=1)', "qs.values('title')", 'get_object_or_404(Book, pk=1)',
    'reverse("home")', 'x = reverse_lazy("home")', '(reverse ("home"))', 'redirect("home")', 'resolve_url(x)',
    'render(request, "a.html")', 'render_to_string("a.html")', 'get_template("a.html")', 'template_name = "a.html"',
    "TemplateResponse(request, 'a.html')", "if settings.DEBUG:", "x = (settings.DEBUG)",
])
def test_lines_that_may_hold_a_site(line):
    assert _INTERESTING.search(line)


@pytest.mark.parametrize("line", [
    'qs.get(x)', 'noreverse("home")', "_reverse('home')", 'prerender(request)', "my_settings.DEBUG",
    "conf.settings.DEBUG", "settings.debug", "settings_DEBUG", "import settings",
])
def test_lines_that_cannot(line):
    assert not _INTERESTING.search(line)
