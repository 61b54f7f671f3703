"""Helpers called once per row by library/flows.py: what they read from the row is read
for every row of the caller's loop."""


def describe(book):
    parts = [book.title]
    parts.append(book.author.name)
    return " - ".join(parts)


def describe_twice(book):
    return describe(book) + " / " + describe(book)


def tag_names(book):
    return [tag.name for tag in book.tags.all()]


def title_only(book):
    return book.title.upper()


def author_name_of(author):
    return author.name


def publisher_of(author):
    from .models import Publisher

    return Publisher.objects.filter(pk=author.publisher_id).first()


def publisher_name_of(author):
    publisher = publisher_of(author)
    return publisher.name if publisher else ""
