from django.contrib import admin

from .models import Author, Book, Loan


@admin.register(Book)
class BookAdmin(admin.ModelAdmin):
    list_display = ["title", "author"]


admin.site.register(Author)
admin.site.register(Loan)
