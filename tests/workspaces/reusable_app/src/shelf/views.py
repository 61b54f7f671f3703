import subprocess

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from .models import Book


def shelf(request):
    titles = []
    for book in Book.objects.all():
        titles.append(f"{book.title} by {book.author.name}")  # one query per book
    return JsonResponse({"titles": titles})


def thumbnail(request):
    name = request.GET["file"]
    subprocess.run(f"convert {name} thumb.png", shell=True, check=False)
    return HttpResponse("ok")


def search(request):
    term = request.GET.get("q", "")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM bookshelf_book WHERE title LIKE '%{term}%'")
        ids = [row[0] for row in cursor.fetchall()]
    return JsonResponse({"ids": ids})


def catalogue(request):
    return render(request, "shelf/catalogue.html", {"books": Book.objects.all()})
