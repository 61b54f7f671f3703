from tests.analyzers.rules.architecture._url_project import project
from tests.analyzers.rules.helpers import check_fixed, check_noop, findings

CODE = "DJE109"


def test_unknown_names_with_namespaces_and_routers(tmp_path):
    found = findings(tmp_path, project("""
    from django.shortcuts import redirect
    from django.urls import reverse, reverse_lazy


    def index(request):
        reverse("shop:indx")
        reverse("detail", kwargs={"slug": "x"})
        reverse_lazy("book-lst")
        return redirect("nowhere:index")
    """), CODE)
    assert [f.message for f in found] == [
        "no URL pattern is named 'shop:indx'; did you mean 'shop:index'?",
        "no URL pattern is named 'detail'; did you mean 'shop:detail'?",
        "no URL pattern is named 'book-lst'; did you mean 'book-list'?",
        "no URL pattern is named 'nowhere:index' (there is no URL namespace 'nowhere'); did you mean 'shop:index'?",
    ]


def test_fix(tmp_path):
    views = """
    from django.urls import reverse


    def index(request):
        return reverse("shop:indx")
    """
    check_fixed(tmp_path, project(views), CODE, {"app/views.py": (project(views)["app/views.py"]).replace(
        '"shop:indx"', '"shop:index"')})


def test_silent_on_known_names_urls_and_dynamic_names(tmp_path):
    check_noop(tmp_path, project("""
    from django.shortcuts import redirect
    from django.urls import reverse


    def index(request, name):
        reverse("shop:index")
        reverse("book-detail", kwargs={"pk": 1})
        reverse("api-root")
        redirect("/login/")
        redirect("https://example.com")
        reverse(name)
        reverse(f"shop:{name}")
        return reverse("shop:%s" % name)
    """), CODE)


def test_silent_when_an_include_cannot_be_read(tmp_path):
    files = project("""
    from django.urls import reverse


    def index(request):
        return reverse("account_login")
    """)
    files["config/urls.py"] = files["config/urls.py"].replace('path("api/"', 'path("accounts/", include("allauth.urls")),\n        path("api/"')
    check_noop(tmp_path, files, CODE)
