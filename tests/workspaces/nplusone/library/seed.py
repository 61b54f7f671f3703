"""Test data for the oracle: `seed(n)` creates n of everything (2n books, 4n reviews),
so a view's query count can be compared at two sizes."""
from .models import Author, Book, Country, Profile, Publisher, Review, Tag


def seed(n):
    countries = [Country.objects.create(name=f"Country {i}") for i in range(n)]
    publishers = [Publisher.objects.create(name=f"Publisher {i}", country=countries[i]) for i in range(n)]
    authors = [Author.objects.create(name=f"Author {i}", publisher=publishers[i]) for i in range(n)]
    for author in authors:
        Profile.objects.create(author=author, bio=f"About {author.name}")
    tags = [Tag.objects.create(name=f"tag{i}") for i in range(n)]
    for i in range(2 * n):
        book = Book.objects.create(
            title=f"Book {i}",
            author=authors[i] if i < n else authors[0],
            editor=authors[(i + 1) % n] if i % 2 == 0 else None,
            published=i % 3 != 0,
        )
        book.tags.set([tags[i % n], tags[(i + 1) % n]])
        Review.objects.create(book=book, rating=1 + i % 5, text=f"Review {i}")
        Review.objects.create(book=book, rating=1 + (i + 2) % 5, text=f"Second review {i}")
