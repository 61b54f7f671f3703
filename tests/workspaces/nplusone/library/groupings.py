"""N+1 queries through rows regrouped in a dict (DJE501): the loop reading a relation per
row runs over the dict's values, the rows come from a queryset built above. The fix still
lands at that queryset. Lookalikes below stay silent."""

from collections import defaultdict

from .models import Book

# -- N+1 ----------------------------------------------------------------------------------


def books_by_author():
    groups = defaultdict(list)
    for book in Book.objects.all():
        groups[book.author_id].append(book)
    return [[book.author.name for book in books] for books in groups.values()]


def books_by_pk():
    by_pk = {book.pk: book for book in Book.objects.filter(published=True)}
    return [book.author.name for book in by_pk.values()]


def tag_names_by_published():
    groups = {}
    for book in Book.objects.all():
        groups.setdefault(book.published, []).append(book)
    lines = []
    for published, books in groups.items():
        for book in books:
            lines.append(f"{published}: {[tag.name for tag in book.tags.all()]}")
    return lines


# -- lookalikes -------------------------------------------------------------------------------


def books_by_author_selected():
    groups = defaultdict(list)
    for book in Book.objects.select_related("author"):
        groups[book.author_id].append(book)
    return [[book.author.name for book in books] for books in groups.values()]


def titles_by_pk():
    by_pk = {book.pk: book for book in Book.objects.all()}
    return [book.title for book in by_pk.values()]
