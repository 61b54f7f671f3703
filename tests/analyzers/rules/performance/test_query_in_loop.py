from tests.analyzers.rules.helpers import check_noop, findings
from tests.analyzers.rules.performance.models import MODELS

CODE = "DJE506"


def test_queries_per_row_of_a_queryset_loop_are_reported(tmp_path):
    found = findings(tmp_path, {"app/models.py": MODELS, "app/jobs.py": """
        from app.models import Author, Book, Review, Tag


        def sync():
            for book in Book.objects.filter(published=True):
                latest = Review.objects.filter(book=book).order_by("-pk").first()
                Tag.objects.get_or_create(name=book.title)


        def rename(author: Author):
            for book in author.books.all():
                book.title = book.title.upper()
                book.save()


        def counts():
            return {a.pk: Book.objects.filter(author=a).count() for a in Author.objects.all()}
    """}, CODE)
    assert [f.message.split("`")[1] for f in found] == [
        'Review.objects.filter(book=book).order_by("-pk").first()',
        "book.save()",
        "Book.objects.filter(author=a).count()",
    ]
    assert "(and 1 more in this loop)" in found[0].message
    assert "`bulk_update()`" in found[1].message
    assert "`Count(...)`" in found[2].message


def test_loops_over_other_things_and_bulk_work_stay_silent(tmp_path):
    check_noop(tmp_path, {"app/models.py": MODELS, "app/jobs.py": """
        from app.models import Book, Tag


        def ok(names, rows):
            for name in names:
                Tag.objects.get_or_create(name=name)
            for row in rows:
                row.save()
            for book in Book.objects.all():
                print(book.tags.count())
            books = list(Book.objects.all())
            Book.objects.bulk_update(books, ["title"])
    """, "app/tests.py": """
        from app.models import Book, Tag


        def test_it():
            for book in Book.objects.all():
                Tag.objects.create(name=book.title)
    """}, CODE)


def test_noqa(tmp_path):
    check_noop(tmp_path, {"app/models.py": MODELS, "app/jobs.py": """
        from app.models import Book


        def touch():
            for book in Book.objects.all():
                book.save()  # noqa: DJE506
    """}, CODE)
