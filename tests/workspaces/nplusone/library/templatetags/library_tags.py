"""Template filters and tags that read relations of the row they are given (DJE503 follows them)."""

from django import template

register = template.Library()


@register.filter
def byline(book):
    return f"{book.title} by {book.author.name}"


@register.filter(name="title_only")
def plain_title(book):
    return book.title


@register.simple_tag
def tag_count(book):
    return book.tags.count()
