"""DJE607: routed views with authorization or N+1 findings that no test reaches."""

from __future__ import annotations

from tests.analyzers.rules.helpers import DEFAULTS, check_noop, findings

SETTINGS = DEFAULTS["config/settings.py"] + 'ROOT_URLCONF = "config.urls"\n'
MODELS = """
from django.conf import settings
from django.db import models


class Note(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField()
"""
VIEWS = """
from django.http import JsonResponse
from django.shortcuts import get_object_or_404

from app.models import Note


def note_owners(request, pk):
    return JsonResponse({"owners": [note.owner.username for note in Note.objects.all()]})


def note_count(request):
    return JsonResponse({"count": Note.objects.count()})
"""
URLS = """
from django.urls import path

from app.views import note_count, note_owners

urlpatterns = [
    path("users/<int:pk>/notes/", note_owners, name="note-owners"),
    path("notes/count/", note_count, name="note-count"),
]
"""
COUNT_TEST = "def test_count(client, db):\n    assert client.get('/notes/count/').status_code == 200\n"


def project(**extra):
    return {"config/settings.py": SETTINGS, "config/urls.py": URLS, "app/models.py": MODELS, "app/views.py": VIEWS,
            "app/tests/__init__.py": "", "app/tests/test_count.py": COUNT_TEST, **extra}


def test_silent_when_a_test_reaches_it_or_no_test_reaches_any_endpoint(tmp_path):
    reversed_ = "from django.urls import reverse\n\n\ndef test_owners(client, db):\n    client.get(reverse('note-owners', args=[1]))\n"
    fstring = "def test_owners(client, admin_user):\n    client.get(f'/users/{admin_user.pk}/notes/')\n"
    imported = "from app.views import note_owners\n\n\ndef test_owners(rf):\n    note_owners(rf.get('/'), 1)\n"
    for name, text in (("reversed", reversed_), ("fstring", fstring), ("imported", imported)):
        check_noop(tmp_path / name, project(**{"app/tests/test_owners.py": text}), "DJE607")
    check_noop(tmp_path / "none", project(**{"app/tests/test_count.py": "def test_x():\n    pass\n"}), "DJE607")


def test_reports_the_untested_n_plus_one_view(tmp_path):
    found = findings(tmp_path, project(), "DJE607")
    assert [(f.span.start.line + 1, f.severity.value) for f in found] == [(7, "info")]
    assert "`note_owners`" in found[0].message and "DJE501" in found[0].message
    assert "number of queries stays the same" in found[0].message


SELENIUM = """
from urllib.parse import urljoin


class OwnersTest:
    base_url = "http://localhost:8080/"

    def test_owners(self):
        self.driver.get({request})
"""


def test_paths_joined_to_a_base_url_reach_it(tmp_path):
    # defectdojo's Selenium tests: `self.base_url + f"engagement/{eid}/..."` (no leading slash)
    for n, request in enumerate(('self.base_url + f"users/{self.pk}/notes/"', 'urljoin(self.base_url, "users/1/notes/")',
                                 'self.live_server_url + f"/users/{self.pk}/notes/"')):
        check_noop(tmp_path / str(n), project(**{"app/tests/test_owners.py": SELENIUM.format(request=request)}), "DJE607")


def test_a_joined_part_that_is_not_a_written_path_reaches_nothing(tmp_path):
    for n, request in enumerate(('self.base_url + self.suffix', 'self.title + "users/1/notes/"',
                                 'urljoin(self.base_url, "https://example.com/users/1/notes/")')):
        found = findings(tmp_path / str(n), project(**{"app/tests/test_owners.py": SELENIUM.format(request=request)}),
                         "DJE607")
        assert ["`note_owners`" in f.message for f in found] == [True], request


def test_a_route_of_run_time_text_only_is_not_reached_by_any_path(tmp_path):
    # f"{settings.PREFIX}" is "…" in the URL index: it would match every path a test requests
    urls = URLS.replace('"users/<int:pk>/notes/"', 'f"{settings.PREFIX}"').replace(
        "from django.urls import path", "from django.conf import settings\nfrom django.urls import path")
    other = "def test_other(client, db):\n    client.get('/somewhere/else/')\n"
    found = findings(tmp_path, project(**{"config/urls.py": urls, "app/tests/test_other.py": other}), "DJE607")
    assert ["`note_owners`" in f.message for f in found] == [True]
