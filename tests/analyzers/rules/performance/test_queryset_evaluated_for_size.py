from tests.analyzers.rules.helpers import check_fixed, check_noop, findings
from tests.analyzers.rules.performance.models import MODELS

CODE = "DJE505"


def test_size_and_existence_checks_that_fetch_rows_are_reported(tmp_path):
    found = findings(tmp_path, {"app/models.py": MODELS, "app/services.py": """
        from app.models import Author, Book


        def checks(author: Author):
            books = Book.objects.filter(author=author)
            if len(books) > 0:
                print("some")
            if not Book.objects.filter(published=False):
                print("none")
            total = len(Book.objects.all())
            empty = author.books.all().count() == 0
            while 0 < Book.objects.filter(title="x").count():
                break
            return total, empty, bool(Book.objects.filter(published=True))
    """}, CODE)
    assert [f.message.split("`")[1] for f in found] == [
        "len(books) > 0",
        "author.books.all().count() == 0",
        "0 < Book.objects.filter(title=\"x\").count()",
        "not Book.objects.filter(published=False)",
        "len(Book.objects.all())",
        "bool(Book.objects.filter(published=True))",
    ]
    assert "`not author.books.all().exists()` asks the database instead" in found[1].message


def test_rows_used_afterwards_and_other_values_stay_silent(tmp_path):
    check_noop(tmp_path, {"app/models.py": MODELS, "app/services.py": """
        from app.models import Book


        def used(items):
            books = Book.objects.all()
            if books:
                return [b.title for b in books]
            first = Book.objects.all() or None
            return len(items), items.count() > 0, len(books), Book.objects.count() > 5, first


        def empty():
            return bool(Book.objects.none())
    """}, CODE)


def test_a_row_locking_queryset_is_never_touched(tmp_path):
    """The last-admin guard: `len()` of a `select_for_update()` queryset takes the locks that
    stop two requests from demoting the last two admins at once; count() would drop them."""
    check_noop(tmp_path, {"app/models.py": MODELS, "app/services.py": """
        from django.db import transaction

        from app.models import Book


        def unpublish_keeping_one(book):
            with transaction.atomic():
                published = Book.objects.select_for_update().filter(author=book.author, published=True)
                if len(published) <= 1:
                    raise ValueError("an author keeps one published book")
                Book.objects.filter(pk=book.pk).update(published=False)


        def claim(author):
            with transaction.atomic():
                if not Book.objects.filter(author=author).select_for_update(nowait=True):
                    return None
                return bool(Book.objects.select_for_update(skip_locked=True).filter(published=False))


        def locked_count(author):
            pending = Book.objects.filter(author=author)
            pending = pending.select_for_update(of=("self",))
            return len(pending) > 0
    """}, CODE)


def test_noqa(tmp_path):
    check_noop(tmp_path, {"app/models.py": MODELS, "app/services.py": """
        from app.models import Book


        def count():
            return len(Book.objects.all())  # noqa: DJE505
    """}, CODE)


def test_fix_asks_the_database(tmp_path):
    check_fixed(tmp_path, {"app/models.py": MODELS, "app/services.py": """
        from app.models import Book


        def anything(title):
            return Book.objects.filter(title=title).count() == 0  # cheap?
    """}, CODE, {"app/services.py": """
        from app.models import Book


        def anything(title):
            return not Book.objects.filter(title=title).exists()  # cheap?
    """})
