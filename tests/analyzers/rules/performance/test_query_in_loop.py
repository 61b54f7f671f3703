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


def test_a_helper_running_a_query_per_row_is_reported_with_where_it_runs(tmp_path):
    found = findings(tmp_path, {"app/models.py": MODELS, "app/lookups.py": """
        from functools import lru_cache

        from app.models import Review


        def latest_review(book):
            return Review.objects.filter(book=book).order_by("-pk").first()


        def rating_of(book):
            review = latest_review(book)
            return review.rating if review else None


        @lru_cache(maxsize=None)
        def cached_review(pk):
            return Review.objects.get(pk=pk)
    """, "app/jobs.py": """
        from app.lookups import cached_review, rating_of
        from app.models import Book


        def ratings():
            return [rating_of(book) for book in Book.objects.all()]


        def cached():
            return [cached_review(book.pk) for book in Book.objects.all()]
    """}, CODE)
    assert len(found) == 1
    assert found[0].message.startswith("`rating_of(book)` runs a `Review` query (`.first()` in `latest_review()`)")
    assert found[0].related and found[0].related[0].path.endswith("app/lookups.py")


def test_a_query_per_item_a_client_sends_or_per_csv_row_is_reported(tmp_path):
    found = findings(tmp_path, {"app/models.py": MODELS, "app/views.py": """
        import csv
        import json

        from app.models import Tag


        def tag_ids(request):
            for pk in request.POST.getlist("tag"):
                Tag.objects.get(pk=pk)
            payload = json.loads(request.body)
            for item in payload:
                Tag.objects.create(name=item["name"])


        def load(upload):
            for row in csv.reader(upload):
                Tag.objects.get_or_create(name=row[0])


        def constant():
            for name in ("a", "b"):
                Tag.objects.get_or_create(name=name)
    """}, CODE)
    assert [f.message.split("`")[1] for f in found] == [
        'Tag.objects.get(pk=pk)', 'Tag.objects.create(name=item["name"])', "Tag.objects.get_or_create(name=row[0])"]
    assert all("for every item of the loop" in f.message for f in found)


def test_a_manager_that_defines_the_method_itself_is_not_a_plain_query(tmp_path):
    """DefectDojo's `System_Settings.objects.get()` returns a cached singleton: its manager
    defines get(); and a manager class nobody can read may do the same."""
    check_noop(tmp_path, {"app/models.py": MODELS + """

    class CachedManager(models.Manager):
        def get(self, *args, **kwargs):
            return self.first()


    class Settings(models.Model):
        name = models.CharField(max_length=10)
        objects = CachedManager()
""", "app/helpers.py": """
        from app.models import Settings


        def setting():
            return Settings.objects.get()
    """, "app/jobs.py": """
        from app.helpers import setting
        from app.models import Book, Settings


        def run():
            for book in Book.objects.all():
                setting()
                Settings.objects.get()
    """}, CODE)


def test_writes_in_a_per_row_transaction_or_try_are_left_alone(tmp_path):
    """Each row commits or fails on its own: a bulk write would make the job all-or-nothing.
    The read in the same loop is still a query per row."""
    found = findings(tmp_path, {"app/models.py": MODELS, "app/jobs.py": """
        import logging

        from django.db import transaction

        from app.models import Author, Book, Tag


        def publish_each():
            for book in Book.objects.filter(published=False):
                with transaction.atomic():
                    book.published = True
                    book.save()
                    Tag.objects.create(name=book.title)


        def retag_each():
            for book in Book.objects.all():
                author = Author.objects.get(pk=book.author_id)
                try:
                    Tag.objects.filter(name=book.title).update(name=author.name)
                except Exception:
                    logging.exception("book %s", book.pk)


        def publish_all():
            with transaction.atomic():
                for book in Book.objects.filter(published=False):
                    book.published = True
                    book.save()
    """}, CODE)
    assert [(f.message.split("`")[1], f.span.start.line) for f in found] == [
        ("Author.objects.get(pk=book.author_id)", 17),
        ("book.save()", 28),
    ], "one transaction around the whole loop is no reason to write row by row"


def test_the_advice_names_the_save_receivers_a_bulk_write_would_skip(tmp_path):
    found = findings(tmp_path, {"app/models.py": MODELS, "app/signals.py": """
        from django.db.models.signals import post_save
        from django.dispatch import receiver

        from app.models import Book


        @receiver(post_save, sender=Book)
        def reindex(sender, instance, **kwargs):
            pass
    """, "app/jobs.py": """
        from app.models import Book, Tag


        def publish():
            for book in Book.objects.filter(published=False):
                book.published = True
                book.save()
                Tag.objects.create(name=book.title)
    """}, CODE)
    [save] = found
    assert "`bulk_update()` the rows" in save.message
    assert save.message.endswith("but bulk writes send no pre_save/post_save, so `reindex()` would no longer run: "
                                 "do its work for all rows after the bulk write, or keep the loop")


def test_per_item_business_logic_and_copies_stay_silent(tmp_path):
    """defectdojo: a recursive repair that must re-read each row as earlier calls left it,
    and a helper that creates a note per item (its work cannot be fetched before the loop);
    pretix: an object's children copied one by one (`pk = None` / `force_insert=True`)."""
    check_noop(tmp_path, {"app/models.py": MODELS, "app/helper.py": """
        from app.models import Book, Review


        def repair(pk, depth):
            book = Book.objects.get(id=pk)
            if depth:
                for other in Book.objects.filter(author=book.author):
                    repair(other.id, depth - 1)


        def resolve(book):
            Review.objects.create(book=book, rating=0)
    """, "app/jobs.py": """
        from app.helper import repair, resolve
        from app.models import Author, Book


        def repair_all():
            for book in Book.objects.filter(published=True):
                repair(book.id, 50)


        def resolve_all():
            for book in Book.objects.filter(published=True):
                resolve(book)


        def copy_books(source: Author, target: Author):
            for book in source.books.all():
                book.pk = None
                book.author = target
                book.save()
            for book in source.books.all():
                book.save(force_insert=True)
    """}, CODE)


def test_a_recheck_of_the_loops_own_row_stays_silent(tmp_path):
    # healthchecks' prunepingsslow: before a slow prune of each check, it makes sure the
    # check was not deleted meanwhile; reading the rows up front would defeat the re-check.
    files = {"app/models.py": MODELS, "app/jobs.py": """
        from app.models import Book, Review


        def prune():
            for book in Book.objects.filter(published=True).order_by("pk"):
                if not Book.objects.filter(id=book.id).exists():
                    continue
                fresh = Book.objects.get(pk=book)
                fresh.title


        def reviews():
            for book in Book.objects.filter(published=True):
                if Review.objects.filter(book=book).exists():
                    print(book)
    """}
    found = findings(tmp_path, files, CODE)
    assert [f.message.split("`")[1] for f in found] == ["Review.objects.filter(book=book).exists()"]


EXPIRE = """
    from django.db import transaction

    from app.models import Author, Book


    def mark_expired(book, user=None, auth=None):
        with transaction.atomic():
            if isinstance(book, int):
                book = Book.objects.get(pk=book)
            if isinstance(user, int):
                user = Author.objects.get(pk=user)
            book.title = "expired"
            book.save(update_fields=["title"])
        return book


    def notify(book, detailed=False):
        if detailed:
            return Author.objects.filter(pk=book.author_id).count()
        return 0
"""


def test_a_helper_query_behind_a_parameter_the_call_leaves_unset_stays_silent(tmp_path):
    """pretix's `mark_order_expired(o)` (round 3 false #84): `User.objects.get()` runs only for an
    int `user` (not passed), `Order.objects.get()` only for an int `order` (the loop's row is a model)."""
    check_noop(tmp_path, {"app/models.py": MODELS, "app/services.py": EXPIRE, "app/jobs.py": """
        from app.models import Book
        from app.services import mark_expired, notify


        def expire_books():
            for b in Book.objects.filter(title="old"):
                mark_expired(b)
                notify(b)
    """}, CODE)


def test_a_helper_query_the_call_switches_on_is_reported(tmp_path):
    found = findings(tmp_path, {"app/models.py": MODELS, "app/services.py": EXPIRE, "app/jobs.py": """
        from app.models import Book
        from app.services import mark_expired, notify


        def expire_books(request):
            for b in Book.objects.filter(title="old"):
                mark_expired(b, request.user.pk)
            for b in Book.objects.filter(title="new"):
                mark_expired(b.pk)
            for b in Book.objects.filter(title="any"):
                notify(b, detailed=True)
    """}, CODE)
    assert [f.span.start.line + 1 for f in found] == [7, 9, 11]
    assert "`Author` query" in found[0].message and "`Book` query" in found[1].message


def test_an_update_writing_values_read_from_the_row_stays_silent(tmp_path):
    """plane's workspace invitations (round 3 false #63): each row's `update()` writes the row's
    own value, which one `update()` on a queryset cannot; a value not from the row is reported."""
    found = findings(tmp_path, {"app/models.py": MODELS, "app/views.py": """
        from app.models import Author, Book


        def accept(request):
            for book in Book.objects.filter(pk__in=request.POST.getlist("ids")):
                Author.objects.filter(pk=book.author_id).update(name=book.title)
            for book in Book.objects.filter(title="x"):
                Author.objects.filter(pk=book.author_id).update(name="same")
    """}, CODE)
    assert [f.span.start.line + 1 for f in found] == [8]
    assert "one `update()`" in found[0].message


def test_a_content_type_looked_up_per_row_is_told_about_its_cache(tmp_path):
    """netbox's tag view: `ContentType.objects.get(pk=...)` per row, where the content types'
    own manager answers `get_for_id()` from its cache."""
    [found] = findings(tmp_path, {"app/models.py": MODELS, "app/jobs.py": """
        from django.contrib.contenttypes.models import ContentType

        from app.models import Book


        def kinds():
            return [ContentType.objects.get(pk=book.kind_id) for book in Book.objects.all()]
    """}, CODE)
    assert found.message.endswith("use `ContentType.objects.get_for_id()`, which answers from the content types' cache")


def test_a_loop_that_batches_each_row_s_work_on_purpose_stays_silent(tmp_path):
    """saleor `app/tasks.py:120`: apps are removed one by one "to prevent timeouts", each
    app's deliveries in slices of 1000 by an inner `while` loop: the per-row statements are
    the chunking, and one `delete()` over every app's rows would undo it."""
    jobs = """
        from app.models import Author, Book, Review


        def purge():
            for author in Author.objects.filter(name=""):
                books = Book.objects.filter(author_id=author.id)
                last = 0
                while True:
                    ids = list(Review.objects.filter(id__gt=last, book__in=books).values_list("id", flat=True)[:1000])
                    if not ids:
                        break
                    last = ids[-1]
                    Review.objects.filter(id__in=ids).delete()
                books.delete()
                author.delete()
    """
    check_noop(tmp_path, {"app/models.py": MODELS, "app/jobs.py": jobs}, CODE)
    unbatched = jobs.replace("[:1000]", "")
    found = findings(tmp_path / "unbatched", {"app/models.py": MODELS, "app/jobs.py": unbatched}, CODE)
    assert len(found) == 1 and "(and 2 more in this loop)" in found[0].message, "without the slice it is reported"


PERMISSIONS = """
    from app.models import Author, Tag


    def tags_only_with(book, name):
        return Tag.objects.get(name=name).books.filter(pk=book.pk)


    def set_tags(names, book, *, merge=False):
        for name in names:
            stale = tags_only_with(book, name) if not merge else Tag.objects.none()
            print(stale)


    def assign(book, names):
        set_tags(names, book, merge=True)


    def replace(book, names):
        set_tags(names, book)


    def make_editor(name, kind=None):
        return kind or Author.objects.filter(name=name).first()
"""


def test_a_helper_query_a_constant_argument_turns_off_stays_silent(tmp_path):
    """paperless `signals/handlers.py:934`: `apply_assignment_to_document()` calls
    `set_permissions_for_object(..., merge=True)`, whose `Permission` query runs only
    `if not merge` (two calls down); saleor `random_data.py:1163`: `_create_staff_user()` runs
    `customer_type or get_default_customer_type()`, and the loop passes the type it fetched
    before it."""
    check_noop(tmp_path, {"app/models.py": MODELS, "app/services.py": PERMISSIONS, "app/jobs.py": """
        from app.models import Author, Book
        from app.services import assign, make_editor, set_tags


        def retag():
            default = Author.objects.first()
            for book in Book.objects.all():
                assign(book, ["x"])
                set_tags(["y"], book, merge=True)
                make_editor(book.title, kind=default)
    """}, CODE)
    found = findings(tmp_path / "on", {"app/models.py": MODELS, "app/services.py": PERMISSIONS, "app/jobs.py": """
        from app.models import Book
        from app.services import make_editor, replace, set_tags


        def retag():
            for book in Book.objects.all():
                replace(book, ["x"])
            for book in Book.objects.all():
                set_tags(["y"], book, merge=False)
            for book in Book.objects.all():
                make_editor(book.title)
            for book in Book.objects.all():
                kind = book.author
                make_editor(book.title, kind=kind)
    """}, CODE)
    assert [f.span.start.line + 1 for f in found] == [7, 9, 11, 14]
    assert "`Tag` query (`.get()` in `tags_only_with()`)" in found[0].message
    assert "`Author` query (`.first()` in `make_editor()`)" in found[2].message


def test_a_helper_re_reading_the_object_it_is_handed_does_it_on_purpose(tmp_path):
    """paperless `signals/handlers.py:934`: `apply_assignment_to_document()` fetches
    `Document.objects.get(pk=document.pk)` "rather than the shared `document`" (a tag signal
    refreshes the instance); per workflow on purpose, as a loop re-reading its own row. A
    lookup by an id it is handed is a query like any other."""
    helpers = """
        from app.models import Book


        def tag_fresh(book, tag):
            Book.objects.get(pk=book.pk).tags.add(tag)


        def tag_by_id(book_id, tag):
            Book.objects.get(pk=book_id).tags.add(tag)
    """
    found = findings(tmp_path, {"app/models.py": MODELS, "app/helpers.py": helpers, "app/jobs.py": """
        from app.helpers import tag_by_id, tag_fresh
        from app.models import Book, Tag


        def tag_all(book):
            for tag in Tag.objects.all():
                tag_fresh(book, tag)
            for tag in Tag.objects.all():
                tag_by_id(book.pk, tag)
    """}, CODE)
    assert [f.span.start.line + 1 for f in found] == [9]
