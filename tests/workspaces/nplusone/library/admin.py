"""Admin changelists (DJE504): N+1 columns first, then lookalikes that stay silent. A second
admin site registers other admins for the same models."""
from django.contrib import admin

from .models import Author, Book, Country, Profile, Publisher, Review, Tag

# -- N+1 ----------------------------------------------------------------------------------


@admin.register(Book)
class BookAdmin(admin.ModelAdmin):
    list_display = ["title", "author__name"]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "publisher"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    search_fields = ["bio"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "book_count"]

    @admin.display(description="books")
    def book_count(self, obj):
        return obj.books.count()


class BookStrAdmin(admin.ModelAdmin):
    list_display = ["__str__", "editor_name"]

    def editor_name(self, obj):
        return obj.editor.name if obj.editor else "-"


class ReviewBookAuthorAdmin(admin.ModelAdmin):
    list_display = ["rating", "book_author"]
    list_select_related = ["book"]

    def book_author(self, obj):
        return obj.book.author.name


# -- lookalikes -----------------------------------------------------------------------------


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["rating", "book"]


@admin.register(Publisher)
class PublisherAdmin(admin.ModelAdmin):
    list_display = ["name", "country"]


admin.site.register(Country)


class AuthorSelectedAdmin(admin.ModelAdmin):
    list_display = ["name", "publisher"]
    list_select_related = ["publisher"]


class TagPrefetchedAdmin(admin.ModelAdmin):
    list_display = ["name", "book_count"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("books")

    def book_count(self, obj):
        return obj.books.count()


class ProfileSelectedAdmin(admin.ModelAdmin):
    list_display = ["__str__", "bio"]
    list_select_related = True


other_site = admin.AdminSite(name="other")
plain_site = admin.AdminSite(name="plain")
other_site.register(Book, BookStrAdmin)
other_site.register(Review, ReviewBookAuthorAdmin)
other_site.register(Author, AuthorSelectedAdmin)
other_site.register(Tag, TagPrefetchedAdmin)
other_site.register(Profile, ProfileSelectedAdmin)

plain_site.register(Profile)  # the default admin shows Profile.__str__, which reads the author
plain_site.register(Publisher)  # its __str__ reads its own name only
