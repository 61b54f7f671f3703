"""Queries run once per item (DJE506): in a helper called per row (one or two calls deep),
per id a client sends, per row of a CSV file. The second group is the lookalikes."""

import csv
import io

from django.http import HttpResponse

from .helpers import author_name_of, publisher_name_of, publisher_of
from .models import Author, Book, Tag

# -- a query per item -----------------------------------------------------------------------


def publishers_per_author():
    return [publisher_of(author) for author in Author.objects.all()]


def publisher_names_per_author():
    return [publisher_name_of(author) for author in Author.objects.all()]


def tags_by_posted_ids(request):
    names = []
    for pk in request.GET.getlist("id"):
        names.append(Tag.objects.get(pk=pk).name)
    return HttpResponse(",".join(names))


def import_csv_titles():
    upload = io.StringIO("\n".join(book.title for book in Book.objects.all()))
    found = []
    for row in csv.reader(upload):
        found.append(Book.objects.filter(title=row[0]).exists())
    return found


# -- lookalikes ---------------------------------------------------------------------------------


def author_names_without_queries():
    return [author_name_of(author) for author in Author.objects.all()]


def constant_tags():
    return [Tag.objects.filter(name=name).exists() for name in ("tag0", "tag1")]


def tags_by_posted_ids_in_bulk(request):
    tags = Tag.objects.filter(pk__in=request.GET.getlist("id")).order_by("pk")
    return HttpResponse(",".join(tag.name for tag in tags))
