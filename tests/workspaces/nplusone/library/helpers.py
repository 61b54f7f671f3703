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
