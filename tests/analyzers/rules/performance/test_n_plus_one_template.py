from tests.analyzers.rules.helpers import check_fixed, check_noop, findings
from tests.analyzers.rules.performance.models import MODELS

CODE = "DJE503"

TEMPLATES = {
    "templates/base.html": "<main>{% block content %}{% endblock %}</main>\n",
    "app/templates/app/books.html": """
        {% extends "base.html" %}
        {% block content %}
        {% for book in books %}
          <p>{{ book.title }} by {{ book.author.name }}</p>
        {% endfor %}
        {{ books.count }}
        {% endblock %}
    """,
    "app/templates/app/titles.html": """
        {% for book in books %}{{ book.title }} #{{ book.author_id }}{% endfor %}
    """,
    "app/templates/app/book_list.html": """
        {% for book in object_list %}
          {% for tag in book.tags.all %}{{ tag.name }}{% endfor %}
          {% include "app/_editor.html" with person=book %}
        {% endfor %}
    """,
    "app/templates/app/_editor.html": "{% if person.editor_id %}{{ person.editor.name }}{% endif %}\n",
    "app/templates/app/authors.html": """
        {% for author in authors %}
          {% with first=author.profile %}{{ first.pk }}{% endwith %} {{ author.books.count }}
        {% endfor %}
    """,
    "app/templates/app/strings.html": "{% for book in page_obj %}{{ book }}{% endfor %}\n",
    "app/templates/app/author_detail.html": """
        {{ author.name }} {{ author.publisher.name }}
        {% for book in author.books.all %}{{ book.editor.name }}{% endfor %}
    """,
}


def run(tmp_path, views):
    return findings(tmp_path, {"app/models.py": MODELS, "app/views.py": views, **TEMPLATES}, CODE)


def test_views_whose_template_reads_unloaded_relations_are_reported(tmp_path):
    found = run(tmp_path, """
        from django.shortcuts import render
        from django.template.response import TemplateResponse
        from django.views.generic import DetailView, ListView, TemplateView

        from app.models import Author, Book


        def books(request):
            return render(request, "app/books.html", {"books": Book.objects.all()})


        def books_from_a_variable(request):
            context = {"title": "Books"}
            context["books"] = Book.objects.filter(published=True)
            return TemplateResponse(request, "app/books.html", context)


        class BookList(ListView):
            model = Book


        class Authors(ListView):
            queryset = Author.objects.all()
            context_object_name = "authors"
            template_name = "app/authors.html"


        class Strings(ListView):
            queryset = Book.objects.order_by("title")
            paginate_by = 10
            template_name = "app/strings.html"


        class AuthorDetail(DetailView):
            model = Author


        class Recent(TemplateView):
            template_name = "app/books.html"

            def get_context_data(self, **kwargs):
                context = super().get_context_data(**kwargs)
                context.update(books=Book.objects.order_by("-pk"))
                return context
    """)
    assert len(found) == 7, sorted(f.span.start.line + 1 for f in found)
    by_line = {f.span.start.line + 1: f.message for f in found}
    assert '`select_related("author")`' in by_line[9] and "(template line 4)" in by_line[9]
    assert '`select_related("author")`' in by_line[14]
    assert '`select_related("editor")` and `prefetch_related("tags")`' in by_line[19]
    assert '`select_related("profile")` and `prefetch_related("books")`' in by_line[23]
    assert '`select_related("author")`' in by_line[29]
    assert '`prefetch_related("books__editor")`' in by_line[35]
    assert "of `books` (template line 4)" in by_line[43]
    related = next(f for f in found if f.span.start.line + 1 == 19).related
    assert {r.path.rpartition("/")[2] for r in related} == {"book_list.html", "_editor.html"}


def test_loaded_relations_and_free_reads_stay_silent(tmp_path):
    check_noop(tmp_path, {"app/models.py": MODELS, **TEMPLATES, "app/views.py": """
        from django.shortcuts import render
        from django.views.generic import ListView

        from app.models import Author, Book


        def titles(request):
            return render(request, "app/titles.html", {"books": Book.objects.all()})


        def selected(request):
            books = Book.objects.select_related("author")
            return render(request, "app/books.html", {"books": books})


        def one_book(request, pk):
            return render(request, "app/books.html", {"books": Book.objects.get(pk=pk)})


        def missing_template(request):
            return render(request, "app/nowhere.html", {"books": Book.objects.all()})


        def dynamic_template(request, name):
            return render(request, name, {"books": Book.objects.all()})


        class Authors(ListView):
            queryset = Author.objects.select_related("profile").prefetch_related("books")
            context_object_name = "authors"
            template_name = "app/authors.html"
    """}, CODE)


def test_noqa(tmp_path):
    check_noop(tmp_path, {"app/models.py": MODELS, **TEMPLATES, "app/views.py": """
        from django.shortcuts import render

        from app.models import Book


        def books(request):
            return render(request, "app/books.html", {"books": Book.objects.all()})  # noqa: DJE503
    """}, CODE)


def test_fix_edits_the_queryset_of_a_function_view(tmp_path):
    check_fixed(tmp_path, {"app/models.py": MODELS, **TEMPLATES, "app/views.py": """
        from django.shortcuts import render

        from app.models import Book


        def books(request):
            queryset = Book.objects.filter(published=True)
            return render(request, "app/books.html", {"books": queryset})
    """}, CODE, {"app/views.py": """
        from django.shortcuts import render

        from app.models import Book


        def books(request):
            queryset = Book.objects.select_related("author").filter(published=True)
            return render(request, "app/books.html", {"books": queryset})
    """})


def test_fix_adds_a_queryset_to_a_view_that_only_names_its_model(tmp_path):
    check_fixed(tmp_path, {"app/models.py": MODELS, **TEMPLATES, "app/views.py": """
        from django.views.generic import DetailView

        from app import models


        class AuthorDetail(DetailView):
            model = models.Author
            template_name = "app/author_detail.html"
    """}, CODE, {"app/views.py": """
        from django.views.generic import DetailView

        from app import models


        class AuthorDetail(DetailView):
            model = models.Author
            queryset = models.Author.objects.prefetch_related("books__editor")
            template_name = "app/author_detail.html"
    """})


def test_an_inclusion_tags_context_is_judged_with_its_template(tmp_path):
    files = {"app/models.py": MODELS, **TEMPLATES, "app/templatetags/__init__.py": "", "app/views.py": "\n",
             "app/templatetags/shelf.py": """
        from django import template

        from app.models import Book

        register = template.Library()


        @register.inclusion_tag("app/books.html")
        def recent_books():
            return {"books": Book.objects.order_by("-pk")[:10]}


        @register.inclusion_tag(filename="app/books.html", takes_context=True)
        def own_books(context):
            books = Book.objects.filter(author__name=context["name"])
            result = {"title": "Yours"}
            result["books"] = books
            return result


        @register.inclusion_tag("app/books.html")
        def selected_books():
            return {"books": Book.objects.select_related("author")}


        @register.inclusion_tag("app/titles.html")
        def titles():
            return {"books": Book.objects.all()}


        @register.inclusion_tag("app/books.html")
        def given(books):
            return {"books": books}
    """}
    found = findings(tmp_path, files, CODE)
    assert [(f.span.start.line + 1, f.fix_title) for f in found] == [
        (10, 'Add `select_related("author")` to the queryset'),
        (15, 'Add `select_related("author")` to the queryset')]
    assert "template `app/books.html` reads `Book.author`" in found[0].message
    check_fixed(tmp_path / "fixed", {**files, "app/templatetags/shelf.py": """
        from django import template

        from app.models import Book

        register = template.Library()


        @register.inclusion_tag("app/books.html")
        def recent_books():
            return {"books": Book.objects.order_by("-pk")[:10]}
    """}, CODE, {"app/templatetags/shelf.py": """
        from django import template

        from app.models import Book

        register = template.Library()


        @register.inclusion_tag("app/books.html")
        def recent_books():
            return {"books": Book.objects.select_related("author").order_by("-pk")[:10]}
    """})


def test_rows_given_to_an_inclusion_tag_are_judged_with_its_template(tmp_path):
    found = findings(tmp_path, {"app/models.py": MODELS, **TEMPLATES, "app/templatetags/__init__.py": "",
                                "app/templatetags/shelf.py": """
        from django import template

        register = template.Library()


        @register.inclusion_tag("app/books.html")
        def book_cards(books, heading=""):
            return {"books": books, "heading": heading}


        @register.inclusion_tag("app/titles.html")
        def title_cards(books):
            return {"books": books}
    """, "app/templates/app/page.html": "{% load shelf %}{% book_cards books 'All' %}\\n",
        "app/templates/app/titles_page.html": "{% load shelf %}{% title_cards books %}\\n",
        "app/views.py": """
        from django.shortcuts import render

        from app.models import Book


        def page(request):
            return render(request, "app/page.html", {"books": Book.objects.all()})


        def selected_page(request):
            return render(request, "app/page.html", {"books": Book.objects.select_related("author")})


        def titles_page(request):
            return render(request, "app/titles_page.html", {"books": Book.objects.all()})
    """}, CODE)
    assert [(f.path.rpartition("/")[2], f.span.start.line + 1, f.fix_title) for f in found] == [
        ("views.py", 7, 'Add `select_related("author")` to the queryset')]


def test_reads_behind_a_parameter_off_by_default_do_not_count_for_a_template_call(tmp_path):
    # pretix's Item.check_quotas(include_bundled=False): the template calls it with no
    # arguments, so the loop over the bundles never runs. The same method whose parameter is
    # on by default does read every book's editor.
    models = MODELS.replace('''        def __str__(self):
            return self.name


    class Profile''', '''        def __str__(self):
            return self.name

        def availability(self, ignored=None, count_waiting=True, include_books=False):
            total = 0
            if include_books:
                for book in self.books.all():
                    total += (book.editor or book.author).pk
            return total, ignored

        def shelf(self, include_books=True):
            total = 0
            if include_books:
                for book in self.books.all():
                    total += book.editor.pk
            return total


    class Profile''')
    assert "availability" in models
    found = findings(tmp_path, {"app/models.py": models, "app/views.py": """
        from django.views.generic import DetailView

        from app.models import Book


        class BookDetail(DetailView):
            model = Book
            template_name = "app/book_detail.html"


        class BookShelf(DetailView):
            model = Book
            template_name = "app/book_shelf.html"
    """, "app/templates/app/book_detail.html": """
        {% if object.author and object.author.availability.0 == 100 %}sold out{% endif %}
    """, "app/templates/app/book_shelf.html": "{{ object.author.shelf }}\n"}, CODE)
    assert [f.span.start.line + 1 for f in found] == [12], [f.message for f in found]
    assert '`prefetch_related("author__books__editor")`' in found[0].message


BASE_VIEWS = """
    from django.views.generic import ListView

    from app.models import Book


    class BookBase(ListView):
        model = Book
        template_name = "app/books.html"
        context_object_name = "books"


    class ShelfBooks(BookBase):
        def get_queryset(self):
            return Book.objects.filter(title__startswith="a")


    class AuthorBooks(BookBase):
        queryset = Book.objects.filter(title__startswith="b")
"""
SETTINGS = ('SECRET_KEY = "x"\nINSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "app"]\n'
            'ROOT_URLCONF = "config.urls"\n')


def _urls(*views):
    lines = "".join(f'    path("{v.lower()}/", views.{v}.as_view()),\n' for v in views)
    return f"from django.urls import path\n\nfrom app import views\n\nurlpatterns = [\n{lines}]\n"


def test_an_unrouted_base_view_whose_subclasses_build_their_own_queryset_is_left_out(tmp_path):
    """pretix's RefundExportListView (round 3 false #90): the base's default queryset serves no
    page; each subclass is reported on its own line."""
    found = findings(tmp_path, {"app/models.py": MODELS, "app/views.py": BASE_VIEWS, **TEMPLATES,
                                "config/settings.py": SETTINGS, "config/urls.py": _urls("ShelfBooks", "AuthorBooks")},
                     CODE)
    assert sorted(f.span.start.line + 1 for f in found) == [14, 18]


def test_a_routed_base_view_or_one_a_subclass_refines_is_still_reported(tmp_path):
    routed = findings(tmp_path / "routed", {"app/models.py": MODELS, "app/views.py": BASE_VIEWS, **TEMPLATES,
                                            "config/settings.py": SETTINGS,
                                            "config/urls.py": _urls("BookBase", "ShelfBooks", "AuthorBooks")}, CODE)
    assert sorted(f.span.start.line + 1 for f in routed) == [7, 14, 18]
    refined = BASE_VIEWS.replace('return Book.objects.filter(title__startswith="a")',
                                 'return super().get_queryset().filter(title__startswith="a")')
    found = findings(tmp_path / "refined", {"app/models.py": MODELS, "app/views.py": refined, **TEMPLATES,
                                            "config/settings.py": SETTINGS, "config/urls.py": _urls("ShelfBooks")},
                     CODE)
    assert 7 in [f.span.start.line + 1 for f in found]
