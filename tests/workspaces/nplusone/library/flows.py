"""N+1 queries across functions and files (DJE501): the relation is read in a model
method, a helper or two helpers deep, or the rows come from a selector, `sorted()`,
`list()`, a Paginator page or the app registry (`apps.get_model`). The second group is the lookalikes that must stay silent."""

from django.apps import apps
from django.core.paginator import Paginator
from django.db.models import Prefetch

from .helpers import author_name_of, describe, describe_twice, tag_names, title_only
from .models import Book, Review, Tag
from .selectors import published_books, published_books_with_authors

# -- N+1 ----------------------------------------------------------------------------------


def bylines():
    return [book.byline() for book in Book.objects.all()]


def described():
    return [describe(book) for book in Book.objects.all()]


def described_twice():
    return [describe_twice(book) for book in Book.objects.all()]


def summary_lines():
    return [book.summary_line() for book in Book.objects.all()]


def tags_per_book():
    return [tag_names(book) for book in Book.objects.all()]


def selector_authors():
    return [book.author.name for book in published_books()]


def sorted_authors():
    books = sorted(Book.objects.all(), key=lambda book: book.title)
    return [book.author.name for book in books]


def listed_authors():
    books = list(Book.objects.filter(published=True))
    return [author_name_of(book.author) for book in books]


def first_page_authors():
    page = Paginator(Book.objects.all(), 25).get_page(1)
    return [book.author.name for book in page]


def registry_authors():
    return [book.author.name for book in apps.get_model("library", "Book").objects.all()]


# -- lookalikes: nothing is read per row ----------------------------------------------------


def described_selected():
    return [describe(book) for book in Book.objects.select_related("author")]


def titles_only():
    return [title_only(book) for book in Book.objects.all()]


def selector_selected_authors():
    return [book.author.name for book in published_books_with_authors()]


def tags_prefetched_object():
    books = Book.objects.prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("pk")))
    return [tag_names(book) for book in books]


def sorted_selected_authors():
    books = sorted(Book.objects.select_related("author"), key=lambda book: book.title)
    return [book.author.name for book in books]


def registry_selected_authors():
    return [book.author.name for book in apps.get_model("library.Book").objects.select_related("author")]


def review_headlines():
    return [review.headline() for review in Review.objects.all()]
