"""DJE511: DJE501's loops in cold code (commands, dry-run branches, copies, one object's rows),
and their look-alikes in hot code, which stay DJE501's."""

from tests.analyzers.rules.helpers import check_noop, engine_for
from tests.analyzers.rules.performance.models import MODELS

CODES = ("DJE501", "DJE511")


def reported(tmp_path, files):
    """{(code, path, line)} of the N+1 loop findings, and the DJE511 messages."""
    engine, _ = engine_for(tmp_path, {"app/models.py": MODELS, **files})
    found = [f for fs in engine.all_findings().values() for f in fs if f.code in CODES]
    return {(f.code, f.path.rpartition("project/")[2], f.span.start.line + 1) for f in found}, \
        [f.message for f in found if f.code == "DJE511"]


LOOP = """
        for book in Book.objects.filter(published=True):
            out.append(book.author.name)
"""


def test_a_management_command_loop_is_dje511_and_the_same_loop_in_a_view_dje501(tmp_path):
    found, messages = reported(tmp_path, {
        "app/views.py": """
            from django.http import HttpResponse

            from app.models import Book


            def catalogue(request):
                out = []
                for book in Book.objects.filter(published=True):
                    out.append(book.author.name)
                return HttpResponse(", ".join(out))
        """,
        "app/management/commands/authors.py": """
            from django.core.management.base import BaseCommand

            from app.models import Book


            class Command(BaseCommand):
                def handle(self, *args, **options):
                    out = []
                    for book in Book.objects.filter(published=True):
                        out.append(book.author.name)
                    self.stdout.write(", ".join(out))
        """,
    })
    assert found == {("DJE501", "app/views.py", 9), ("DJE511", "app/management/commands/authors.py", 10)}
    assert messages[0].endswith("one query per row, in a management command")


def test_a_worker_command_with_a_while_loop_stays_dje501(tmp_path):
    found, _ = reported(tmp_path, {"app/management/commands/worker.py": """
        import time

        from django.core.management.base import BaseCommand

        from app.models import Book


        class Command(BaseCommand):
            def handle(self, *args, **options):
                while True:
                    self.tick()
                    time.sleep(2)

            def tick(self):
                for book in Book.objects.filter(published=True):
                    print(book.author.name)
    """})
    assert found == {("DJE501", "app/management/commands/worker.py", 16)}


def test_a_while_outside_handle_does_not_make_a_worker(tmp_path):
    found, _ = reported(tmp_path, {"app/management/commands/backfill.py": """
        from django.core.management.base import BaseCommand

        from app.models import Book


        class Command(BaseCommand):
            def handle(self, *args, **options):
                for book in Book.objects.filter(published=True):
                    print(book.author.name)

            def chunks(self, items):
                while items:
                    yield items[:100]
                    items = items[100:]
    """})
    assert found == {("DJE511", "app/management/commands/backfill.py", 9)}


def test_dry_run_and_debug_branches_and_copies_are_dje511(tmp_path):
    found, messages = reported(tmp_path, {"app/jobs.py": """
        from django.conf import settings

        from app.models import Book


        def publish(dry_run=False):
            books = Book.objects.filter(published=False)
            if dry_run:
                for book in books:
                    print(book.author.name)
            else:
                for book in books:
                    print(book.editor.name)
            if not dry_run:
                return [b.author.name for b in books]
            else:
                return [b.editor.name for b in books]


        def report():
            if settings.DEBUG:
                print([b.author.name for b in Book.objects.all()])


        def copy_tags(source, target):
            for book in Book.objects.filter(author=source):
                target.books.create(title=book.title, editor=book.editor.publisher)
    """})
    assert found == {
        ("DJE511", "app/jobs.py", 10), ("DJE501", "app/jobs.py", 13),   # the dry run lists, the real run does
        ("DJE501", "app/jobs.py", 15), ("DJE511", "app/jobs.py", 17),   # `if not dry_run:` negated
        ("DJE511", "app/jobs.py", 22), ("DJE511", "app/jobs.py", 27),
    }
    assert sorted(m.rpartition(", in ")[2] for m in messages) == [
        "a copy function (`copy_tags()`)", "a dry-run or debug branch", "a dry-run or debug branch",
        "a dry-run or debug branch"]


def test_a_model_method_over_its_own_rows_is_dje511_over_the_whole_table_dje501(tmp_path):
    found, messages = reported(tmp_path, {"app/models.py": MODELS + """
    class Shelf(models.Model):
        author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="shelves")

        def review_counts(self):
            return [b.reviews.count() for b in Book.objects.filter(author=self.author)]

        def everything(self):
            return [b.reviews.count() for b in Book.objects.all()]
    """, "app/views.py": """
        from django.shortcuts import get_object_or_404

        from app.models import Author


        def author_tags(request, pk):
            author = get_object_or_404(Author, pk=pk)
            return [b.tags.count() for b in author.books.all()]
    """})
    assert found == {
        ("DJE511", "app/models.py", 63),  # the books of the shelf's one author
        ("DJE501", "app/models.py", 66),  # every book
        ("DJE501", "app/views.py", 8),    # one author's books in a view: the list a page shows
    }
    assert messages == [messages[0]] and messages[0].endswith("in the rows of the one object this method handles")


def test_a_serializer_updating_one_instance_is_dje511(tmp_path):
    found, _ = reported(tmp_path, {"app/serializers.py": """
        from rest_framework import serializers

        from app.models import Author, Book


        class AuthorSerializer(serializers.ModelSerializer):
            class Meta:
                model = Author
                fields = ["name"]

            def update(self, instance, validated_data):
                for book in Book.objects.filter(author=instance):
                    book.editor.name
                return super().update(instance, validated_data)

            def validate_name(self, value):
                for book in Book.objects.filter(published=True):
                    book.editor.name
                return value
    """})
    assert found == {("DJE511", "app/serializers.py", 13), ("DJE501", "app/serializers.py", 18)}


def test_dje511_is_silent_in_hot_code(tmp_path):
    check_noop(tmp_path, {"app/models.py": MODELS, "app/views.py": f"""
        from app.models import Book


        def catalogue(request):
            out = []{LOOP}            return out
    """}, "DJE511")


def test_one_objects_rows_in_filtersets_receivers_forms_and_serializers_are_dje511(tmp_path):
    """Round 3's debatable DJE501 shapes: netbox's filter methods over the devices a filter value
    names, a cable's terminations in its post_save receiver, a form over the IPs of its one
    instance's interfaces (through a local), pretix's serializer over the rows of the object
    `super().update()` saved. Their look-alikes over a whole table stay DJE501."""
    found, messages = reported(tmp_path, {"app/filters.py": """
        import django_filters

        from app.models import Author, Book


        class BookFilterSet(django_filters.FilterSet):
            def filter_author(self, queryset, name, value, strict=False):
                authors = Author.objects.filter(**{f"{name}__in": value})
                ids = []
                for author in authors:
                    ids.append(author.publisher.name)
                return queryset.filter(author__in=ids)

            def filter_all(self, queryset, name, value):
                return [a.publisher.name for a in Author.objects.filter(name="x")]
    """, "app/signals.py": """
        from django.db.models.signals import post_save
        from django.dispatch import receiver

        from app.models import Author, Book


        @receiver(post_save, sender=Author)
        def author_saved(instance, created, **kwargs):
            for book in Book.objects.filter(author=instance):
                book.editor.name


        @receiver(post_save, sender=Author)
        def any_saved(instance, created, **kwargs):
            for book in Book.objects.filter(published=True):
                book.editor.name
    """, "app/forms.py": """
        from django import forms

        from app.models import Author, Review


        class AuthorForm(forms.ModelForm):
            class Meta:
                model = Author
                fields = ["name"]

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                ids = self.instance.books.values_list("pk", flat=True)
                self.labels = [r.book.editor.name for r in Review.objects.filter(book_id__in=ids)]
    """, "app/serializers.py": """
        from rest_framework import serializers

        from app.models import Author, Book


        class AuthorSerializer(serializers.ModelSerializer):
            class Meta:
                model = Author
                fields = ["name"]

            def update(self, instance, validated_data):
                author = super().update(instance, validated_data)
                return {b.editor.name: b.pk for b in Book.objects.filter(author=author)}
    """})
    assert found == {
        ("DJE511", "app/filters.py", 11), ("DJE501", "app/filters.py", 15),
        ("DJE511", "app/signals.py", 10), ("DJE501", "app/signals.py", 16),
        ("DJE511", "app/forms.py", 14),
        ("DJE511", "app/serializers.py", 13),
    }, found
    assert any(m.endswith("in the objects a filter value names") for m in messages)
    assert any(m.endswith("in the rows of the one object the signal is about") for m in messages)


def test_a_serializer_on_an_unindexed_rest_framework_base_is_recognised(tmp_path):
    """pretix's `SubEventSerializer(I18nAwareModelSerializer)`, from `i18nfield.rest_framework`
    (a library the project does not index); a plain class of another library is not."""
    code = """
        from {module} import {base}

        from app.models import Author, Book


        class AuthorSerializer({base}):
            def update(self, instance, validated_data):
                author = super().update(instance, validated_data)
                return {{b.editor.name: b.pk for b in Book.objects.filter(author=author)}}
    """
    found, _ = reported(tmp_path / "a", {"app/serializers.py": code.format(
        module="i18nfield.rest_framework", base="I18nAwareModelSerializer")})
    assert found == {("DJE511", "app/serializers.py", 9)}
    found, _ = reported(tmp_path / "b", {"app/serializers.py": code.format(module="somelib.things", base="Handler")})
    assert found == {("DJE501", "app/serializers.py", 9)}
