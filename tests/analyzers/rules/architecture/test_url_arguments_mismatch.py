from tests.analyzers.rules.architecture._url_project import project
from tests.analyzers.rules.helpers import check_fixed, check_noop, findings

CODE = "DJE110"


def test_wrong_keywords_and_counts(tmp_path):
    found = findings(tmp_path, project("""
    from django.shortcuts import redirect
    from django.urls import reverse


    def index(request):
        reverse("shop:detail", kwargs={"pk": 1})
        reverse("shop:index", args=[1])
        reverse("shop:archive", args=(2024,))
        reverse("book-detail")
        return redirect("shop:detail", 1, 2)
    """), CODE)
    assert [f.message for f in found] == [
        "'shop:detail' (/shop/p/<slug:slug>/) takes slug; it is given pk",
        "'shop:index' (/shop/) takes no arguments; it is given 1 positional argument",
        "'shop:archive' (/shop/a/(\\d+)/(\\d+)/) takes no arguments; it is given 1 positional argument",
        "'book-detail' (/api/books/<pk>/) takes pk; it is given no arguments",
        "'shop:detail' (/shop/p/<slug:slug>/) takes slug; it is given 2 positional arguments",
    ]
    assert found[0].fix_title == "Rename 'pk' to 'slug'"


def test_fix_renames_the_keyword(tmp_path):
    views = """
    from django.urls import reverse


    def index(request):
        return reverse("shop:detail", kwargs={"pk": 1})
    """
    check_fixed(tmp_path, project(views), CODE,
                {"app/views.py": project(views)["app/views.py"].replace('{"pk": 1}', '{"slug": 1}')})


def test_silent_when_arguments_match_or_cannot_be_read(tmp_path):
    check_noop(tmp_path, project("""
    from django.shortcuts import redirect
    from django.urls import reverse


    def index(request, args, kwargs):
        reverse("shop:detail", kwargs={"slug": "x"})
        reverse("shop:detail", args=["x"])
        reverse("shop:archive", args=[2024, 1])
        reverse("book-detail", kwargs={"pk": 1, "format": "json"})
        reverse("book-list", args=["json"])
        reverse("shop:detail", kwargs=kwargs)
        reverse("shop:detail", args=args)
        redirect("shop:detail", slug="x")
        return redirect("shop:detail", *args)
    """), CODE)
