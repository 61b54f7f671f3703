from tests.analyzers.rules.helpers import check_fixed, check_noop, findings
from tests.analyzers.rules.performance.models import MODELS

CODE = "DJE510"

TASKS = """
    from celery import shared_task

    from app.celery import app


    @shared_task
    def index_book(book_id):
        return book_id


    @app.task(bind=True)
    def notify(self, user):
        return user


    def not_a_task(book):
        return book
"""
CELERY = """
    from celery import Celery

    app = Celery("app")
"""


def run(tmp_path, code):
    return findings(tmp_path, {"app/models.py": MODELS, "app/celery.py": CELERY, "app/tasks.py": TASKS,
                               "app/services.py": code}, CODE)


def test_instances_and_tasks_queued_inside_transactions_are_reported(tmp_path):
    found = run(tmp_path, """
        from django.db import transaction

        from app.models import Book
        from app.tasks import index_book, notify


        def publish(request, pk):
            book = Book.objects.get(pk=pk)
            index_book.delay(book)
            notify.apply_async((request.user,), countdown=5)
            for other in Book.objects.filter(author=book.author):
                index_book.delay(other)


        @transaction.atomic
        def create(title):
            book = Book.objects.create(title=title)
            index_book.delay(book.pk)


        def update(pk):
            with transaction.atomic():
                Book.objects.filter(pk=pk).update(title="x")
                index_book.delay(pk)
    """)
    messages = [f.message for f in found]
    assert [m.split("`")[1] + ":" + m.split("`")[3] for m in messages[:3]] == [
        "index_book:Book", "notify:user", "index_book:Book"]
    assert all("inside `transaction.atomic()`" in m for m in messages[3:]) and len(messages) == 5
    assert all(f.fix_title for f in found[3:])


def test_ids_and_committed_queues_stay_silent(tmp_path):
    check_noop(tmp_path, {"app/models.py": MODELS, "app/celery.py": CELERY, "app/tasks.py": TASKS,
                          "app/services.py": """
        from django.conf import settings
        from django.db import transaction

        from app.models import Book
        from app.tasks import index_book, not_a_task


        def publish(pk):
            book = Book.objects.get(pk=pk)
            index_book.delay(book.pk)
            not_a_task(book)
            with transaction.atomic():
                book.save()
                transaction.on_commit(lambda: index_book.delay(book.pk))
            index_book.delay(book.pk)


        def from_one_replica(pks):  # saleor: a transaction that only pins one replica for its reads
            with transaction.atomic(using=settings.DATABASE_CONNECTION_REPLICA_NAME, savepoint=False):
                missing = set(pks) - set(Book.objects.using("replica").filter(pk__in=pks).values_list("pk", flat=True))
                if missing:
                    index_book.delay(min(missing))
    """}, CODE)


def test_noqa(tmp_path):
    check_noop(tmp_path, {"app/models.py": MODELS, "app/celery.py": CELERY, "app/tasks.py": TASKS,
                          "app/services.py": """
        from app.models import Book
        from app.tasks import index_book


        def publish(pk):
            index_book.delay(Book.objects.get(pk=pk))  # noqa: DJE510
    """}, CODE)


def test_fix_queues_on_commit(tmp_path):
    check_fixed(tmp_path, {"app/models.py": MODELS, "app/celery.py": CELERY, "app/tasks.py": TASKS,
                           "app/services.py": """
        from django.db import transaction

        from app.tasks import index_book


        def update(pk):
            with transaction.atomic():
                index_book.delay(pk)  # reindex
    """}, CODE, {"app/services.py": """
        from django.db import transaction

        from app.tasks import index_book


        def update(pk):
            with transaction.atomic():
                transaction.on_commit(lambda: index_book.delay(pk))  # reindex
    """})
