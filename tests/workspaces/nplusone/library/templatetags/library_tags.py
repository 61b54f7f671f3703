"""Template filters and tags that read relations of the row they are given (DJE503 follows them),
and inclusion tags whose own queryset their template loops over."""

from django import template

from library.models import Book

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


@register.inclusion_tag("library/_shelf.html")
def shelf():
    return {"books": Book.objects.order_by("-pk")}


@register.inclusion_tag("library/_shelf.html")
def shelf_selected():
    return {"books": Book.objects.select_related("author").order_by("-pk")}


@register.inclusion_tag("library/_shelf.html")
def shelf_of(books):  # the rows come from the view rendering the page
    return {"books": books}
