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


@register.inclusion_tag("library/_shelf.html")
def shelf_since(books, published):  # the rows are the view's, narrowed here (a clone loads what they load)
    return {"books": books.filter(published=published).order_by("title")}


@register.inclusion_tag("library/_shelf.html", takes_context=True)
def shelf_in_context(context):  # the rows are the page's `books`, read from its context
    return {"books": context["books"]}
