from tests.analyzers.rules.helpers import check_fixed, check_noop, findings
from tests.analyzers.rules.performance.models import MODELS

CODE = "DJE508"


def test_synchronous_queries_in_async_functions_are_reported(tmp_path):
    found = findings(tmp_path, {"app/models.py": MODELS, "app/views.py": """
        from django.http import JsonResponse

        from app.models import Book, Review


        async def detail(request, pk):
            book = Book.objects.get(pk=pk)
            n = Review.objects.filter(book=book).count()
            title = Book.objects.filter(pk=pk).first().title
            book.save()
            for review in book.reviews.all():
                print(review)
            return JsonResponse({"n": n, "t": title})
    """}, CODE)
    assert [f.span.start.line + 1 for f in found] == [7, 8, 9, 10, 11]
    assert "`.get()` on `Book`" in found[0].message and "SynchronousOnlyOperation" in found[0].message
    assert "`async for`" in found[4].message


def test_async_api_wrapped_calls_and_sync_functions_stay_silent(tmp_path):
    check_noop(tmp_path, {"app/models.py": MODELS, "app/views.py": """
        from asgiref.sync import sync_to_async

        from app.models import Book


        async def fine(request, pk):
            book = await Book.objects.aget(pk=pk)
            count = await sync_to_async(Book.objects.count)()
            titles = await sync_to_async(lambda: [b.title for b in Book.objects.all()])()
            async for other in Book.objects.filter(author_id=book.author_id):
                await other.asave()
            return request.GET.get("q"), count, titles


        def sync_view(request):
            return Book.objects.get(pk=1)
    """}, CODE)


def test_noqa(tmp_path):
    check_noop(tmp_path, {"app/models.py": MODELS, "app/views.py": """
        from app.models import Book


        async def view(request):
            return Book.objects.count()  # noqa: DJE508
    """}, CODE)


def test_fix_awaits_the_async_twin(tmp_path):
    check_fixed(tmp_path, {"app/models.py": MODELS, "app/views.py": """
        from app.models import Book


        async def view(request):
            return Book.objects.filter(published=True).first().title
    """}, CODE, {"app/views.py": """
        from app.models import Book


        async def view(request):
            return (await Book.objects.filter(published=True).afirst()).title
    """})


def test_fix_turns_the_loop_into_async_for(tmp_path):
    check_fixed(tmp_path, {"app/models.py": MODELS, "app/views.py": """
        from app.models import Book


        async def view(request):
            for book in Book.objects.all():
                print(book.title)
    """}, CODE, {"app/views.py": """
        from app.models import Book


        async def view(request):
            async for book in Book.objects.all():
                print(book.title)
    """})


ASYNC_TEST = """
    import pytest

    from app.models import Book


    @pytest.mark.asyncio
    async def test_delete(data_fixture):
        book = Book.objects.get(pk=1)
        assert book
"""


def test_async_tests_under_a_conftest_allowing_unsafe_calls_stay_silent(tmp_path):
    # baserow's tests/.../ws/async/conftest.py: Django does not raise there (round 3 false #12)
    check_noop(tmp_path, {"app/models.py": MODELS, "tests/ws/test_other.py": "", "tests/ws/async_/conftest.py": """
        import os

        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    """, "tests/ws/async_/test_signals.py": ASYNC_TEST}, CODE)


def test_async_tests_elsewhere_are_still_reported(tmp_path):
    # the conftest of a sibling folder does not reach this test; nor does one that only mentions asyncio
    found = findings(tmp_path, {"app/models.py": MODELS, "tests/other/conftest.py": """
        import os

        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    """, "tests/ws/conftest.py": "import asyncio\n", "tests/ws/test_signals.py": ASYNC_TEST}, CODE)
    assert [f.span.start.line + 1 for f in found] == [8]
