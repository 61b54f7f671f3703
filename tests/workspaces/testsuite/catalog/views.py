from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from catalog.models import Book

SENT = []


def book_list(request):
    books = Book.objects.select_related("author").order_by("title")
    return JsonResponse({"books": [f"{b.title} by {b.author.name}" for b in books]})


def book_detail(request, pk):
    book = get_object_or_404(Book.objects.select_related("author"), pk=pk)
    return JsonResponse({"title": book.title, "author": book.author.name, "stock": book.stock})


@require_POST
def restock(request, pk):
    with transaction.atomic():
        book = get_object_or_404(Book.objects.select_for_update(), pk=pk)
        book.stock += 1
        book.save(update_fields=["stock"])
        transaction.on_commit(lambda: SENT.append(book.pk))
    return HttpResponse(status=204)
