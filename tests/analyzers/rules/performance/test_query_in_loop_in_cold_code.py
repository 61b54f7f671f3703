"""DJE512: DJE506's queries per item in cold code (commands, dry-run branches, copies), and
their look-alikes in hot code, which stay DJE506's."""

from tests.analyzers.rules.helpers import check_noop, engine_for
from tests.analyzers.rules.performance.models import MODELS

CODES = ("DJE506", "DJE512")


def reported(tmp_path, files):
    """{(code, path, line)} of the query-in-loop findings, and the DJE512 messages."""
    engine, _ = engine_for(tmp_path, {"app/models.py": MODELS, **files})
    found = [f for fs in engine.all_findings().values() for f in fs if f.code in CODES]
    return {(f.code, f.path.rpartition("project/")[2], f.span.start.line + 1) for f in found}, \
        [f.message for f in found if f.code == "DJE512"]


def test_a_management_command_loop_is_dje512_and_the_same_loop_in_a_view_dje506(tmp_path):
    found, messages = reported(tmp_path, {
        "app/views.py": """
            from django.http import HttpResponse

            from app.models import Book, Review


            def cleanup(request):
                for book in Book.objects.filter(published=False):
                    Review.objects.filter(book=book).delete()
                return HttpResponse("ok")
        """,
        "app/management/commands/backfill.py": """
            from django.core.management.base import BaseCommand

            from app.models import Book, Review


            class Command(BaseCommand):
                def handle(self, *args, **options):
                    for book in Book.objects.filter(published=False):
                        Review.objects.filter(book=book).delete()
        """,
    })
    assert found == {("DJE506", "app/views.py", 8), ("DJE512", "app/management/commands/backfill.py", 9)}
    assert "of the loop at line 8, in a management command: run one `delete()`" in messages[0]


def test_dry_runs_and_copies_are_dje512(tmp_path):
    found, messages = reported(tmp_path, {
        "app/jobs.py": """
            from app.models import Book, Tag


            def retag(dry_run=False):
                if dry_run:
                    for book in Book.objects.all():
                        print(Tag.objects.filter(name=book.title).exists())
                for book in Book.objects.all():
                    Tag.objects.get_or_create(name=book.title)


            def clone_tags(source):
                for book in Book.objects.filter(author=source):
                    Tag.objects.create(name=book.title)
        """,
    })
    assert found == {("DJE512", "app/jobs.py", 7), ("DJE506", "app/jobs.py", 9), ("DJE512", "app/jobs.py", 14)}
    assert [m.split(", in ")[1].split(":")[0] for m in messages] == [
        "a dry-run or debug branch", "a copy function (`clone_tags()`)"]


def test_dje512_is_silent_in_hot_code(tmp_path):
    check_noop(tmp_path, {"app/models.py": MODELS, "app/views.py": """
        from app.models import Book, Tag


        def retag(request):
            for book in Book.objects.all():
                Tag.objects.get_or_create(name=book.title)
    """}, "DJE512")
