"""Rows looked up by a column on every request, every signal or every row of a command's
loop (DJE507): the column has no index, so each lookup scans the table. The lookalikes
filter by an indexed column (the primary key, a foreign key, a one-to-one)."""

from django.core.management import call_command
from django.http import JsonResponse

from .models import Book, Profile, Tag

# -- an unindexed column, looked up on a hot path ---------------------------------------------


def find_book(title):  # a service: called per request by the view below
    return Book.objects.get(title=title)


def book_by_title(request):
    return JsonResponse({"pk": find_book(request.GET["title"]).pk})


def new_tag(request):  # saving a tag runs the receiver in library/signals.py
    tag = Tag.objects.create(name=request.GET["name"])
    return JsonResponse({"pk": tag.pk > 0})


def relabel_publishers():
    call_command("relabel", "Publisher 0", "Publisher 1", "Publisher 2")
    return "relabelled"


# -- lookalikes: an index serves the lookup ---------------------------------------------------


def book_of_author(request):  # the author's foreign key narrows it to a few rows
    book = Book.objects.filter(author_id=int(request.GET["author"])).get(title=request.GET["title"])
    return JsonResponse({"pk": book.pk})


def profile_of_author(request):
    return JsonResponse({"bio": Profile.objects.get(author_id=int(request.GET["author"])).bio})
