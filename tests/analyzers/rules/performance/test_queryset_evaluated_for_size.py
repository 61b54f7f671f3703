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


MEMBERSHIPS = """
    from django.conf import settings
    from django.db import models


    class Membership(models.Model):
        user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
        is_admin = models.BooleanField(default=False)

        def __str__(self):
            return str(self.user_id)
"""


def test_the_last_admin_guard_on_a_locked_queryset_is_never_touched(tmp_path):
    """`len()` of a `select_for_update()` queryset takes the row locks that stop two requests
    from demoting the last two admins at once; `count()` would take none (PostgreSQL refuses
    FOR UPDATE with an aggregate) and `exists()` would lock one row."""
    check_noop(tmp_path, {"app/models.py": MEMBERSHIPS, "app/services.py": """
        from django.db import transaction

        from app.models import Membership


        def demote(membership):
            with transaction.atomic():
                admins = Membership.objects.select_for_update().filter(is_admin=True)
                if len(admins) <= 1:
                    raise ValueError("the last admin cannot be demoted")
                membership.is_admin = False
                membership.save()


        def demote_now(membership):
            with transaction.atomic():
                if not Membership.objects.filter(is_admin=True).exclude(pk=membership.pk).select_for_update(nowait=True):
                    raise ValueError("the last admin cannot be demoted")
                Membership.objects.filter(pk=membership.pk).update(is_admin=False)


        def claim_admin_slot():
            with transaction.atomic():
                free = Membership.objects.select_for_update(skip_locked=True).filter(is_admin=False)
                return bool(free)


        def locked_later():
            admins = Membership.objects.filter(is_admin=True)
            admins = admins.select_for_update(of=("self",))
            return len(admins) > 1
    """}, CODE)
    unlocked = findings(tmp_path / "unlocked", {"app/models.py": MEMBERSHIPS, "app/services.py": """
        from app.models import Membership


        def demote(membership):
            admins = Membership.objects.filter(is_admin=True)
            if len(admins) <= 1:
                raise ValueError("the last admin cannot be demoted")
    """}, CODE)
    assert [f.message.split("`")[1] for f in unlocked] == ["len(admins)"], "without the lock it is reported"


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


def test_a_list_of_the_rows_is_no_queryset(tmp_path):
    """paperless `document_fuzzy_match.py:171`: `len()` of `list(qs)` counts a list already in
    memory, whose rows are used right after (here by a nested generator); the fix
    `slim_docs.count()` would raise `TypeError` (`list.count()` takes one argument)."""
    check_noop(tmp_path, {"app/models.py": MODELS, "app/services.py": """
        from itertools import combinations

        from app.models import Book


        def pairs():
            slim = list(Book.objects.only("id", "title").values_list("id", "title"))
            n = len(slim)

            def work():
                for a, b in combinations(slim, 2):
                    yield a, b
            return n, work()


        def sizes():
            titles = sorted(Book.objects.all(), key=str)
            first = [b for b in Book.objects.all()]
            if not titles or len(first) > 0:
                return tuple(Book.objects.all())
            return len(list(Book.objects.all()))


        def closure():
            books = Book.objects.all()
            if not books:
                return None
            return lambda: [b.title for b in books]
    """}, CODE)
