from tests.analyzers.rules.helpers import check_fixed, check_noop, findings
from tests.analyzers.rules.performance.models import CHAPTERS, MODELS

CODE = "DJE504"


def run(tmp_path, admin):
    return findings(tmp_path, {"app/models.py": MODELS, "app/admin.py": admin}, CODE)


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
    check_noop(tmp_path, {"app/models.py": MODELS, "app/admin.py": """
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
    check_noop(tmp_path, {"app/models.py": MODELS, "app/admin.py": """
        from django.contrib import admin

        from app.models import Book


        @admin.register(Book)
        class BookAdmin(admin.ModelAdmin):
            list_display = ["title", "author__name"]  # noqa: DJE504
    """}, CODE)


def test_fix_names_every_relation_the_columns_need(tmp_path):
    check_fixed(tmp_path, {"app/models.py": MODELS, "app/admin.py": """
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
    check_fixed(tmp_path, {"app/models.py": MODELS, "app/admin.py": """
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
    check_fixed(tmp_path, {"app/models.py": MODELS, "app/admin.py": """
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
    check_noop(tmp_path, {"app/models.py": CHAPTERS, "app/admin.py": """
        from django.contrib import admin

        from app.models import Chapter

        admin.site.register(Chapter)  # Chapter.__str__ reads the book only for chapters without a heading


        class ChapterAdmin(admin.ModelAdmin):
            list_display = ["__str__", "heading"]


        admin.site.register(Chapter, ChapterAdmin, site=admin.AdminSite(name="other"))
    """}, CODE)
