"""Plain factories for the unittest suite (the pytest suite uses factory_boy)."""

from catalog.models import Author, Book


def make_author(name="Ann Leckie"):
    return Author.objects.create(name=name)


def make_book(author=None, title="Ancillary Justice", stock=2):
    return Book.objects.create(author=author or make_author(), title=title, stock=stock)
