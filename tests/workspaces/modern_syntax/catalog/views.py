from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from .models import Book, Shelf


def search(request):
    # Deliberate defect (DJE407): request data formatted into raw SQL, in a PEP 701 f-string
    books = Book.objects.raw(f"SELECT * FROM shelfware_book WHERE title = '{request.GET["q"]}'")
    return JsonResponse({"titles": [f"{book.title!r}" for book in books]})


def shelf_detail(request, pk: int):
    shelf = get_object_or_404(Shelf, pk=pk)
    # PEP 701: a backslash and a comment inside the braces
    body = f"{shelf.name}:\n{"\n".join(
        book.title  # one title per line
        for book in shelf.books.order_by("title")
    )}"
    return HttpResponse(body, content_type="text/plain")


class ShelfListView[M: Shelf = Shelf](ListView):  # a generic class-based view
    model = Shelf
    template_name = "catalog/shelf_list.html"
