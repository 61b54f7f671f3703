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
