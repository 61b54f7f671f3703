from tests.analyzers.rules.architecture._url_project import project
from tests.analyzers.rules.helpers import check_fixed, check_noop, findings

CODE = "DJE111"


def test_missing_templates(tmp_path):
    found = findings(tmp_path, project("""
    from django.shortcuts import render
    from django.template.loader import render_to_string, select_template
    from django.views.generic import TemplateView


    def index(request):
        render_to_string("bse.html")
        select_template(["app/nope.html", "app/none.html"])
        return render(request, "app/indx.html")


    class Page(TemplateView):
        template_name = "app/idnex.html"
    """), CODE)
    assert [f.message for f in found] == [
        "no template folder of the project holds 'bse.html'; did you mean 'base.html'?",
        "no template folder of the project holds 'app/nope.html'",
        "no template folder of the project holds 'app/none.html'",
        "no template folder of the project holds 'app/indx.html'; did you mean 'app/index.html'?",
        "no template folder of the project holds 'app/idnex.html'; did you mean 'app/index.html'?",
    ]


def test_fix(tmp_path):
    views = """
    from django.shortcuts import render


    def index(request):
        return render(request, "app/indx.html")
    """
    check_fixed(tmp_path, project(views), CODE,
                {"app/views.py": project(views)["app/views.py"].replace("app/indx.html", "app/index.html")})


def test_silent_on_existing_fallback_and_dynamic_names(tmp_path):
    check_noop(tmp_path, project("""
    from django.shortcuts import render
    from django.template.loader import select_template


    def index(request, name):
        select_template(["app/custom.html", "app/index.html"])
        render(request, f"app/{name}.html")
        render(request, name)
        return render(request, "base.html")
    """), CODE)


def test_silent_when_the_settings_are_not_all_followed(tmp_path):
    files = project("""
    from django.shortcuts import render


    def index(request):
        return render(request, "app/indx.html")
    """)
    files["config/settings.py"] = ('SECRET_KEY = "x"\nINSTALLED_APPS = ["app"]\n'
                                   "from split_settings.tools import include\ninclude(PARTS)\n")
    check_noop(tmp_path, files, CODE)


def test_silent_in_project_and_app_template_folders(tmp_path):
    """wagtail ships `project_template/` for `startproject --template`: its
    `search/views.py` renders `search/search.html` from the generated project's app folder,
    which the shipping package does not install. The same view outside a template folder
    is reported."""
    view = """
        from django.shortcuts import render


        def search(request):
            return render(request, "search/search.html")
    """
    files = {**project(""), "app/project_template/search/__init__.py": "",
             "app/project_template/search/views.py": view,
             "app/project_template/search/templates/search/search.html": "",
             "app/scaffold/__init__.py": "", "app/scaffold/manage.py-tpl": "# {{ project_name }}\n",
             "app/scaffold/site/__init__.py": "", "app/scaffold/site/views.py": view,
             "app/search.py": view}
    found = findings(tmp_path, files, CODE)
    assert [(f.path.rpartition("/")[2], f.message) for f in found] == [
        ("search.py", "no template folder of the project holds 'search/search.html'")]
