"""Template views (DJE503): N+1 templates first, then lookalikes that stay silent."""
from django.shortcuts import render
from django.views.generic import DetailView, ListView, TemplateView

from .models import Author, Book

# -- N+1 ----------------------------------------------------------------------------------


def book_list(request):
    books = Book.objects.all()
    return render(request, "library/book_list.html", {"books": books})


def book_cards(request):
    context = {"books": Book.objects.filter(published=True)}
    return render(request, "library/book_cards.html", context)


def book_tagged(request):
    books = Book.objects.all()
    return render(request, "library/book_tagged.html", {"books": books})


class BookTagListView(ListView):
    model = Book
    template_name = "library/book_tag_list.html"


class AuthorListView(ListView):
    queryset = Author.objects.all()
    context_object_name = "authors"
    template_name = "library/author_list.html"


class BookPublisherListView(ListView):
    queryset = Book.objects.select_related("author")
    template_name = "library/book_publishers.html"


class BookStrListView(ListView):
    model = Book
    template_name = "library/book_str_list.html"


class AuthorDetailView(DetailView):
    model = Author


class RecentBooksView(TemplateView):
    template_name = "library/book_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["books"] = Book.objects.order_by("-pk")
        return context


# -- lookalikes -----------------------------------------------------------------------------


def book_titles_filtered(request):
    books = Book.objects.all()
    return render(request, "library/book_titles_filtered.html", {"books": books})


def book_titles(request):
    return render(request, "library/book_titles.html", {"books": Book.objects.all()})


def book_list_selected(request):
    books = Book.objects.select_related("author")
    return render(request, "library/book_list.html", {"books": books})


class AuthorPrefetchedListView(ListView):
    queryset = Author.objects.prefetch_related("books")
    context_object_name = "authors"
    template_name = "library/author_list.html"


class BookTagPrefetchedListView(ListView):
    queryset = Book.objects.prefetch_related("tags")
    template_name = "library/book_tag_list.html"


class RecentTitlesView(TemplateView):
    template_name = "library/book_titles.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "books": Book.objects.order_by("-pk")}


def book_detail(request, pk):
    book = Book.objects.select_related("author").get(pk=pk)
    return render(request, "library/book_detail.html", {"book": book})


def book_shelf(request):  # the {% shelf %} inclusion tag builds the queryset
    return render(request, "library/book_shelf.html", {})


def book_shelf_selected(request):
    return render(request, "library/book_shelf_selected.html", {})


def book_shelf_given(request):  # the {% shelf_of books %} inclusion tag loops over these rows
    return render(request, "library/book_shelf_given.html", {"books": Book.objects.order_by("-pk")})


def book_shelf_given_selected(request):
    books = Book.objects.select_related("author").order_by("-pk")
    return render(request, "library/book_shelf_given.html", {"books": books})


def book_shelf_since(request):  # {% shelf_since books 2000 %} narrows these rows and loops over them
    return render(request, "library/book_shelf_since.html", {"books": Book.objects.order_by("-pk")})


def book_shelf_since_selected(request):
    books = Book.objects.select_related("author").order_by("-pk")
    return render(request, "library/book_shelf_since.html", {"books": books})


def book_shelf_context(request):  # {% shelf_in_context %} takes `books` from the page's context
    return render(request, "library/book_shelf_context.html", {"books": Book.objects.order_by("-pk")})


def book_shelf_context_selected(request):
    books = Book.objects.select_related("author").order_by("-pk")
    return render(request, "library/book_shelf_context.html", {"books": books})
