from tests.analyzers.rules.helpers import check_fixed, check_noop, findings
from tests.analyzers.rules.performance.models import CHAPTERS, MODELS

CODE = "DJE504"
# The admin installed (without it no changelist is ever shown; see the tests at the end).
SETTINGS = (
    'SECRET_KEY = "x"\n'
    'INSTALLED_APPS = ["django.contrib.admin", "django.contrib.contenttypes", "django.contrib.auth", "app"]\n'
)


def run(tmp_path, admin):
    return findings(tmp_path, {"config/settings.py": SETTINGS, "app/models.py": MODELS, "app/admin.py": admin}, CODE)


def test_changelist_columns_reading_unloaded_relations_are_reported(tmp_path):
    found = run(tmp_path, """
        from django.contrib import admin

        from app.models import Author, Book, Profile, Review, Tag


        @admin.register(Book)
        class BookAdmin(admin.ModelAdmin):
            list_display = ["title", "author__name"]


        @admin.register(Author)
        class AuthorAdmin(admin.ModelAdmin):
            list_display = ("name", "publisher")


        class ProfileAdmin(admin.ModelAdmin):
            pass


        def book_title(obj):
            return obj.book.author.name


        class ReviewAdmin(admin.ModelAdmin):
            list_display = ["rating", book_title]
            list_select_related = ["book"]


        @admin.register(Tag)
        class TagAdmin(admin.ModelAdmin):
            list_display = ["name", "count"]

            def count(self, obj):
                return obj.books.count()


        admin.site.register(Profile, ProfileAdmin)
        admin.site.register(Review, ReviewAdmin)
    """)
    messages = {f.message.split("changelist of `")[1].split("`")[0]: f.message for f in found}
    assert set(messages) == {"BookAdmin", "AuthorAdmin", "ReviewAdmin", "TagAdmin"}  # Profile has no __str__
    assert "reads `Book.author` for every row (list_display 'author__name')" in messages["BookAdmin"]
    assert "`Author.publisher`" in messages["AuthorAdmin"]
    assert "`Book.author`" in messages["ReviewAdmin"]
    assert "`Tag.books`" in messages["TagAdmin"]


def test_what_the_changelist_loads_stays_silent(tmp_path):
    check_noop(tmp_path, {"config/settings.py": SETTINGS, "app/models.py": MODELS, "app/admin.py": """
        from django.contrib import admin

        from app.models import Author, Book, Profile, Review, Tag


        @admin.register(Review)
        class ReviewAdmin(admin.ModelAdmin):
            list_display = ["rating", "book"]  # a foreign key: Django calls select_related()


        @admin.register(Book)
        class BookAdmin(admin.ModelAdmin):
            list_display = ["title", "author_id", "author__name"]
            list_select_related = True


        @admin.register(Author)
        class AuthorAdmin(admin.ModelAdmin):
            list_display = ["name", "publisher"]
            list_select_related = ("publisher",)


        @admin.register(Tag)
        class TagAdmin(admin.ModelAdmin):
            list_display = ["name", "count"]

            def get_queryset(self, request):
                return super().get_queryset(request).prefetch_related("books")

            def count(self, obj):
                return obj.books.count()


        @admin.register(Profile)
        class ProfileAdmin(admin.ModelAdmin):
            list_display = ["pk", "author"]

            def get_list_display(self, request):
                return ["pk", "author__publisher__name"]


        class Unregistered(admin.ModelAdmin):
            list_display = ["author__name"]
    """}, CODE)


def test_noqa(tmp_path):
    check_noop(tmp_path, {"config/settings.py": SETTINGS, "app/models.py": MODELS, "app/admin.py": """
        from django.contrib import admin

        from app.models import Book


        @admin.register(Book)
        class BookAdmin(admin.ModelAdmin):
            list_display = ["title", "author__name"]  # noqa: DJE504
    """}, CODE)


def test_fix_names_every_relation_the_columns_need(tmp_path):
    check_fixed(tmp_path, {"config/settings.py": SETTINGS, "app/models.py": MODELS, "app/admin.py": """
        from django.contrib import admin

        from app.models import Book


        @admin.register(Book)
        class BookAdmin(admin.ModelAdmin):
            list_display = ["title", "editor", "author__publisher"]
            search_fields = ["title"]
    """}, CODE, {"app/admin.py": """
        from django.contrib import admin

        from app.models import Book


        @admin.register(Book)
        class BookAdmin(admin.ModelAdmin):
            list_display = ["title", "editor", "author__publisher"]
            list_select_related = ["editor", "author__publisher"]
            search_fields = ["title"]
    """})


def test_fix_prefetches_many_valued_relations_in_get_queryset(tmp_path):
    check_fixed(tmp_path, {"config/settings.py": SETTINGS, "app/models.py": MODELS, "app/admin.py": """
        from django.contrib import admin

        from app.models import Tag


        @admin.register(Tag)
        class TagAdmin(admin.ModelAdmin):
            list_display = ["name", "count"]

            def count(self, obj):
                return obj.books.count()
    """}, CODE, {"app/admin.py": """
        from django.contrib import admin

        from app.models import Tag


        @admin.register(Tag)
        class TagAdmin(admin.ModelAdmin):
            list_display = ["name", "count"]

            def get_queryset(self, request):
                return super().get_queryset(request).prefetch_related("books")

            def count(self, obj):
                return obj.books.count()
    """})


def test_a_model_registered_with_the_default_admin_is_judged_by_its_str(tmp_path):
    check_fixed(tmp_path, {"config/settings.py": SETTINGS, "app/models.py": MODELS, "app/admin.py": """
        from django.contrib import admin

        from app.models import Book, Tag

        admin.site.register(Book)  # Book.__str__ reads the author
        admin.site.register(Tag)
    """}, CODE, {"app/admin.py": """
        from django.contrib import admin

        from app.models import Book, Tag

        admin.site.register(Book, list_select_related=["author"])  # Book.__str__ reads the author
        admin.site.register(Tag)
    """})


def test_a_str_reading_a_relation_only_past_an_early_return_is_left_out(tmp_path):
    check_noop(tmp_path, {"config/settings.py": SETTINGS, "app/models.py": CHAPTERS, "app/admin.py": """
        from django.contrib import admin

        from app.models import Chapter

        admin.site.register(Chapter)  # Chapter.__str__ reads the book only for chapters without a heading


        class ChapterAdmin(admin.ModelAdmin):
            list_display = ["__str__", "heading"]


        admin.site.register(Chapter, ChapterAdmin, site=admin.AdminSite(name="other"))
    """}, CODE)


ADMIN = """
    from django.contrib import admin

    from app.models import Book

    admin.site.register(Book)  # Book.__str__ reads the author
"""


def test_an_admin_no_deployment_shows_is_left_alone(tmp_path):
    # DefectDojo routes its admin only `if settings.DJANGO_ADMIN_ENABLED:`, an environment
    # variable defaulting to False; a project without django.contrib.admin shows none either.
    settings = SETTINGS + (
        'ROOT_URLCONF = "config.urls"\n'
        "import environ\n"
        'env = environ.Env(DD_DJANGO_ADMIN_ENABLED=(bool, False))\n'
        'DJANGO_ADMIN_ENABLED = env("DD_DJANGO_ADMIN_ENABLED")\n'
    )
    urls = """
        from django.conf import settings
        from django.contrib import admin
        from django.urls import path, re_path

        urlpatterns = [path("", lambda request: None, name="home")]

        if hasattr(settings, "DJANGO_ADMIN_ENABLED"):
            if settings.DJANGO_ADMIN_ENABLED:
                urlpatterns += [re_path(r"^admin/", admin.site.urls)]
    """
    files = {"app/models.py": MODELS, "app/admin.py": ADMIN, "config/urls.py": urls}
    check_noop(tmp_path / "off", {**files, "config/settings.py": settings}, CODE)
    check_noop(tmp_path / "uninstalled", {**files, "config/settings.py": settings.replace(
        '"django.contrib.admin", ', "")}, CODE)
    # The same URL conf with the variable defaulting to True, or the admin routed
    # unconditionally, or under a condition that cannot be decided, shows the changelist.
    on = settings.replace("(bool, False)", "(bool, True)")
    always = urls + '        urlpatterns.append(path("staff/", admin.site.urls))\n'
    undecided = urls.replace("if settings.DJANGO_ADMIN_ENABLED:", "if settings.DJANGO_ADMIN_ENABLED or tenant():")
    for name, changed in {"on": {"config/settings.py": on}, "always": {"config/settings.py": settings,
                          "config/urls.py": always}, "undecided": {"config/settings.py": settings,
                                                                   "config/urls.py": undecided}}.items():
        found = findings(tmp_path / name, {**files, **changed}, CODE)
        assert len(found) == 1, name
