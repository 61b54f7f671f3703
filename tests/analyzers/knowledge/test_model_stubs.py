"""Models on third-party abstract bases (django-mptt, django-treebeard ...) are models to the
rules, with the fields their base gives them, when the package's source is not analysed.
The stubs themselves are checked against the installed packages by
tests/oracle/test_model_oracle.py::test_models_on_third_party_bases_match_django."""

from django_expert.analyzers.knowledge.model_stubs import STUBS, stub_facts
from tests.analyzers.rules.helpers import findings

FILES = {
    "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site1.settings")\n',
    "site1/__init__.py": "",
    "site1/settings.py": ('SECRET_KEY = "x"\nROOT_URLCONF = "site1.urls"\n'
                          'INSTALLED_APPS = ["django.contrib.contenttypes", "mptt", "treebeard", "app"]\n'),
    "site1/urls.py": "urlpatterns = []\n",
    "app/__init__.py": "",
    "app/models.py": """
        from django.db import models
        from mptt.models import MPTTModel, TreeForeignKey
        from treebeard.mp_tree import MP_Node


        class Workspace(models.Model):
            name = models.CharField(max_length=50)


        class Region(MPTTModel):
            ws = models.ForeignKey(Workspace, models.CASCADE)
            parent = TreeForeignKey("self", null=True, on_delete=models.CASCADE, related_name="children")


        class Page(MP_Node):
            ws = models.ForeignKey(Workspace, models.CASCADE)
    """,
    "app/views.py": """
        from django.http import JsonResponse

        from app.models import Page, Region


        def tree(request):
            regions = [r.ws.name for r in Region.objects.filter(level=0, tree_id=1)]
            pages = [p.ws.name for p in Page.objects.filter(depth=1, numchild__gt=0).order_by("path")]
            return JsonResponse({"regions": regions, "pages": pages, "n": Page.objects.filter(dept=2).count()})
    """,
}


def test_every_stub_parses_into_facts():
    facts = stub_facts()
    assert set(facts) == set(STUBS)
    assert {c.name for c in facts["treebeard.mp_tree"].classes} == {"MP_NodeManager", "MP_Node"}


def test_loops_over_models_on_third_party_bases_are_checked(tmp_path):
    found = findings(tmp_path, FILES, "DJE501")
    assert [(f.span.start.line + 1, f.message.split(":")[1].strip()) for f in found] == [
        (7, "`Region.ws` is read for every `Region` of the loop at line 7, but the queryset built at line 7 "
            "does not `select_related(\"ws\")`"),
        (8, "`Page.ws` is read for every `Page` of the loop at line 8, but the queryset built at line 8 "
            "does not `select_related(\"ws\")`"),
    ]


def test_inherited_tree_fields_are_known_lookups(tmp_path):
    assert [f.message for f in findings(tmp_path, FILES, "DJE209")] == [
        "app.Page has no field or relation named 'dept'; did you mean 'depth'?"]
