from django.http import JsonResponse

from catalog.models import Author, Book


# DJE501 and DJE607 seeded: a query per author, and no test requests this view.
def author_report(request):
    return JsonResponse({"authors": [(author.name, author.books.count()) for author in Author.objects.all()]})


# DJE607 look-alike: the same kind of N+1, but tests_pytest/test_reports.py requests it.
def shelf_report(request):
    return JsonResponse({"shelf": [f"{book.title} ({book.author.name})" for book in Book.objects.all()]})
