from tests.analyzers.rules.helpers import check_fixed, check_noop, findings

CODE = "DJE408"


def test_request_data_marked_safe_and_preformatted_format_html(tmp_path):
    found = findings(tmp_path, {
        "app/views.py": """
            from django.http import HttpResponse
            from django.utils import safestring
            from django.utils.html import format_html
            from django.utils.safestring import SafeString, mark_safe
            from django.views import View


            def greet(request):
                name = request.GET.get("name", "")
                return HttpResponse(mark_safe(f"<h1>Hello {name}</h1>"))


            def raw(request):
                return HttpResponse(safestring.mark_safe(request.POST["html"]))


            class Page(View):
                def get(self, request, slug):
                    return HttpResponse(SafeString("<p>%s</p>" % slug))


            def label(obj):
                return format_html(f"<b>{obj.name}</b>")


            def label2(obj):
                return format_html("<b>{}</b>".format(obj.name))
        """,
    }, CODE)
    messages = [f.message for f in found]
    assert len(found) == 5
    assert "`mark_safe` marks HTML built from request data as safe in `greet`" in messages[0]
    assert "`format_html` gets an already-interpolated string in `label`" in messages[3]


def test_escaped_constant_and_argument_forms_stay_silent(tmp_path):
    check_noop(tmp_path, {
        "app/views.py": """
            from django.utils.html import escape, format_html
            from django.utils.safestring import mark_safe

            ICON = "<i></i>"


            def icon(obj, tag_name, content):
                mark_safe(f"<span>{obj.icon}</span>")
                mark_safe(f"<b>{ICON}</b>")
                format_html(f"<{tag_name}>{{}}</{tag_name}>", content)
                format_html("<b>{}</b>", obj.name)
                format_html(f"<b>{ICON}</b>")
                return mark_safe("<br>")


            def page(request):
                mark_safe(f"<p>{escape(request.GET['q'])}</p>")
                mark_safe(f"<p>{int(request.GET['n'])}</p>")
                mark_safe(f"<p>{request.user.username}</p>")
                mark_safe(f"<p>{request.headers['X-Name']}</p>")
                mark_safe(f"<p>{request.GET['q']}</p>")  # noqa: DJE408
        """,
    }, CODE)


def test_fix_turns_mark_safe_fstring_into_format_html(tmp_path):
    check_fixed(tmp_path, {
        "app/views.py": """
            from django.utils.safestring import mark_safe


            def greet(request):
                name = request.GET["name"]
                return mark_safe(f"<h1 style='x{{y}}'>Hello {name}</h1>")
        """,
    }, CODE, {"app/views.py": """
        from django.utils.safestring import mark_safe
        from django.utils.html import format_html


        def greet(request):
            name = request.GET["name"]
            return format_html("<h1 style='x{{y}}'>Hello {}</h1>", name)
    """})


def test_fix_moves_format_arguments(tmp_path):
    check_fixed(tmp_path, {
        "app/html.py": """
            from django.utils.html import format_html


            def label(obj):
                return format_html('<b title="{t}">{}</b>'.format(obj.name, t=obj.title))
        """,
    }, CODE, {"app/html.py": """
        from django.utils.html import format_html


        def label(obj):
            return format_html('<b title="{t}">{}</b>', obj.name, t=obj.title)
    """})


def test_fix_converts_percent_formatting(tmp_path):
    check_fixed(tmp_path, {
        "app/views.py": """
            from django.utils.safestring import mark_safe


            def page(request, slug):
                return mark_safe("<p>%s {x} 100%%</p>" % slug)
        """,
    }, CODE, {"app/views.py": """
        from django.utils.safestring import mark_safe
        from django.utils.html import format_html


        def page(request, slug):
            return format_html("<p>{} {{x}} 100%</p>", slug)
    """})


SORT_TAG = """
    from django import template
    from django.utils.html import escape
    from django.utils.safestring import mark_safe as safe
    from django.utils.translation import gettext as _

    register = template.Library()


    @register.simple_tag
    def dojo_sort(request, display="Name", value="title", default=None, field="o"):
        icon = '<i class="fa-solid fa-sort'
        title = "Click to sort "
        if field in request.GET:
            if value in request.GET[field]:
                if request.GET[field].startswith("-"):
                    icon += "-desc"
                    title += "ascending"
                else:
                    value = f"-{value}"
                    icon += "-asc"
                    title += "descending"
            else:
                title += "ascending"
        elif default:
            icon += f"-{default}"
            if default == "asc":
                value = f"-{value}"
                title += "descending"
            else:
                title += "ascending"
        else:
            title += "ascending"

        icon += ' dd-sort"></i>'
        dict_ = request.GET.copy()
        dict_[field] = value
        link = f'<a title="{title}" href="?{escape(dict_.urlencode())}">{_(display)}&nbsp;{icon}</a>'
        return safe(link)
"""


def test_request_data_escaped_before_mark_safe_stays_silent(tmp_path):
    # defectdojo's dojo_sort: the only request data in the link is `escape(dict_.urlencode())`;
    # title and icon are constants the branches on request.GET choose between.
    check_noop(tmp_path / "escaped", {"app/templatetags/__init__.py": "",
                                      "app/templatetags/sorting.py": SORT_TAG}, CODE)
    # A request value put in unescaped goes into the page as is.
    found = findings(tmp_path / "raw", {"app/templatetags/__init__.py": "", "app/templatetags/sorting.py":
                                        SORT_TAG.replace("escape(dict_.urlencode())", "request.GET.get(field)")}, CODE)
    assert len(found) == 1
