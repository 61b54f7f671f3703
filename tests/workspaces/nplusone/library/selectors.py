"""Selectors: the querysets library/flows.py loops over are built here, in another module."""

from .models import Book


def published_books():
    books = Book.objects.filter(published=True)
    return books


def published_books_with_authors():
    books = Book.objects.filter(published=True).select_related("author")
    return books
