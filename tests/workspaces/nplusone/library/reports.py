"""Report functions looping over querysets (DJE501). The first group reads a relation the
queryset does not load, one query per row; the second group is the lookalikes that must
stay silent."""
from django.db.models import Count, Prefetch

from .models import Author, Book, Review, Tag

# -- N+1 ----------------------------------------------------------------------------------


def book_author_names():
    names = []
    for book in Book.objects.all():
        names.append(book.author.name)
    return names


def published_titles():
    books = Book.objects.filter(published=True)
    return [f"{book.title}: {book.author.name}" for book in books]


def tags_by_book():
    return {book.pk: [tag.name for tag in book.tags.all()] for book in Book.objects.order_by("pk")}


def books_per_author():
    return [(author.name, author.books.count()) for author in Author.objects.all()]


def author_names_via_property():
    return [book.author_name for book in Book.objects.all()]


def publisher_countries():
    return [book.author.publisher.country.name for book in Book.objects.all()]


def first_author_book_tags():
    author = Author.objects.get(name="Author 0")
    return [(book.title, book.tags.count()) for book in author.books.all()]


def published_review_ratings():
    lines = []
    for book in Book.objects.published():
        for review in book.reviews.all():
            lines.append(f"{book.title}: {review.rating}")
    return lines


def profile_bios():
    return {author.name: author.profile.bio for author in Author.objects.all()}


# -- lookalikes -----------------------------------------------------------------------------


def author_ids():
    return [book.author_id for book in Book.objects.all()]


def selected_author_names():
    return [book.author.name for book in Book.objects.select_related("author")]


def prefetched_tags():
    return {book.pk: [tag.name for tag in book.tags.all()] for book in Book.objects.prefetch_related("tags")}


def tags_prefetched_with_a_queryset():
    books = Book.objects.prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("-name")))
    return {book.pk: [tag.name for tag in book.tags.all()] for book in books}


def good_review_counts():
    good = Prefetch("reviews", queryset=Review.objects.filter(rating__gte=3), to_attr="good_reviews")
    return [(book.title, len(book.good_reviews)) for book in Book.objects.prefetch_related(good)]


def author_values():
    return [row["author__name"] for row in Book.objects.values("title", "author__name")]


def annotated_book_counts():
    return [(author.name, author.n_books) for author in Author.objects.annotate(n_books=Count("books"))]


def custom_method_selects():
    return [book.author.name for book in Book.objects.with_author()]


def nested_selected_countries():
    books = Book.objects.select_related("author__publisher__country")
    return [book.author.publisher.country.name for book in books]


def refined_variable():
    books = Book.objects.select_related("author")
    books = books.filter(published=True)
    return [book.author.name for book in books]


def one_author_books():
    author = Author.objects.get(name="Author 0")
    return [book.title for book in author.books.all()]
