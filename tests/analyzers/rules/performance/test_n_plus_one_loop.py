from django_expert.analyzers.fixes import apply_edits

from tests.analyzers.rules.helpers import check_fixed, check_noop, engine_for, findings
from tests.analyzers.rules.performance.models import CHAPTERS, MODELS

CODE = "DJE501"


def run(tmp_path, code):
    return findings(tmp_path, {"app/models.py": MODELS, "app/reports.py": code}, CODE)


def test_loops_and_comprehensions_reading_relations_are_reported(tmp_path):
    found = run(tmp_path, """
        from django.shortcuts import get_object_or_404

        from app.models import Author, Book


        def names():
            out = []
            for book in Book.objects.filter(published=True):
                out.append(book.author.name)
            return out


        def titles():
            books = Book.objects.order_by("title")
            return [f"{b.title} {b.author_name}" for b in books]


        def tag_map():
            return {b.pk: [t.name for t in b.tags.all()] for b in Book.objects.all()}


        def counts():
            return {a.pk: a.books.count() for a in Author.objects.all()}


        def chain():
            return [b.author.publisher.name for b in Book.objects.all()]


        def related_manager(pk):
            author = get_object_or_404(Author, pk=pk)
            return [b.tags.count() for b in author.books.all()]


        def custom_method():
            return [r.rating for b in Book.objects.published() for r in b.reviews.all()]


        def reverse_one_to_one():
            return [a.profile.pk for a in Author.objects.all()]
    """)
    assert [f.span.start.line + 1 for f in found] == [9, 15, 19, 23, 27, 32, 36, 40]
    messages = [f.message for f in found]
    assert "`Book.author` is read for every `Book` of the loop at line 8" in messages[0]
    assert '`select_related("author")`' in messages[1]
    assert '`prefetch_related("tags")`' in messages[2]
    assert '`prefetch_related("books")`' in messages[3]
    assert '`select_related("author__publisher")`' in messages[4]
    assert '`prefetch_related("tags")`' in messages[5]
    assert '`prefetch_related("reviews")`' in messages[6]
    assert '`select_related("profile")`' in messages[7]
    assert all(f.related and f.fix_title for f in found)


def test_loaded_or_free_reads_stay_silent(tmp_path):
    check_noop(tmp_path, {"app/models.py": MODELS, "app/reports.py": """
        from django.db.models import Count, Prefetch

        from app.models import Author, Book, Review


        def ids():
            return [b.author_id for b in Book.objects.all()]


        def selected():
            books = Book.objects.select_related("author__publisher")
            books = books.filter(published=True)
            return [b.author.publisher.name for b in books]


        def prefetched():
            good = Prefetch("reviews", queryset=Review.objects.filter(rating__gt=3), to_attr="good")
            return [(len(b.good), [t.name for t in b.tags.all()]) for b in Book.objects.prefetch_related("tags", good)]


        def values():
            return [row["author__name"] for row in Book.objects.values("author__name")]


        def annotated():
            return [a.n for a in Author.objects.annotate(n=Count("books"))]


        def custom_select():
            return [b.author.name for b in Book.objects.with_author()]


        def unknown(queryset):
            return [b.author.name for b in queryset]


        def writes():
            for b in Book.objects.all():
                b.author = None
                b.save()


        def filtered_per_row():
            return [a.books.filter(published=True).count() for a in Author.objects.all()]


        def deferred():
            return [b.author.name for b in Book.objects.only("title")]


        def lazily(books=Book.objects.all()):
            return [lambda: b.author.name for b in Book.objects.all()]
    """}, CODE)


def test_nested_loop_over_a_loop_variable_is_reported_once_on_the_outer_loop(tmp_path):
    found = run(tmp_path, """
        from app.models import Author


        def report():
            for author in Author.objects.all():
                for book in author.books.all():
                    print(book.editor.name)
    """)
    assert len(found) == 1
    assert '`prefetch_related("books__editor")`' in found[0].message


def test_test_modules_are_skipped(tmp_path):
    check_noop(tmp_path, {"app/models.py": MODELS, "app/tests/test_books.py": """
        from app.models import Book


        def test_names():
            assert [b.author.name for b in Book.objects.all()] == []
    """, "app/tests/__init__.py": ""}, CODE)


def test_noqa(tmp_path):
    check_noop(tmp_path, {"app/models.py": MODELS, "app/reports.py": """
        from app.models import Book


        def names():
            return [b.author.name for b in Book.objects.all()]  # noqa: DJE501
    """}, CODE)


def test_fix_inserts_select_related_after_the_manager(tmp_path):
    check_fixed(tmp_path, {"app/models.py": MODELS, "app/reports.py": """
        from app.models import Book


        def names():
            books = Book.objects.all()  # every book
            return [b.author.name for b in books]
    """}, CODE, {"app/reports.py": """
        from app.models import Book


        def names():
            books = Book.objects.select_related("author")  # every book
            return [b.author.name for b in books]
    """})


def test_fix_merges_into_existing_calls(tmp_path):
    check_fixed(tmp_path, {"app/models.py": MODELS, "app/reports.py": """
        from app.models import Book


        def names():
            books = Book.objects.filter(published=True).select_related("editor").prefetch_related("reviews")
            return [(b.author.name, b.editor.name, [t.name for t in b.tags.all()]) for b in books]
    """}, CODE, {"app/reports.py": """
        from app.models import Book


        def names():
            books = Book.objects.filter(published=True).select_related("editor", "author").prefetch_related("reviews", "tags")
            return [(b.author.name, b.editor.name, [t.name for t in b.tags.all()]) for b in books]
    """})


def test_fix_on_a_related_manager_of_a_fetched_object(tmp_path):
    check_fixed(tmp_path, {"app/models.py": MODELS, "app/reports.py": """
        from app.models import Author


        def for_author(pk):
            author = Author.objects.get(pk=pk)
            return [b.tags.count() for b in author.books.all()]
    """}, CODE, {"app/reports.py": """
        from app.models import Author


        def for_author(pk):
            author = Author.objects.get(pk=pk)
            return [b.tags.count() for b in author.books.prefetch_related("tags")]
    """})


def test_fix_on_a_custom_method_of_an_annotated_parameter(tmp_path):
    check_fixed(tmp_path, {"app/models.py": MODELS, "app/reports.py": """
        from app.models import Author


        def tags(author: Author):
            return [b.tags.count() for b in author.books.published()]
    """}, CODE, {"app/reports.py": """
        from app.models import Author


        def tags(author: Author):
            return [b.tags.count() for b in author.books.prefetch_related("tags").published()]
    """})


def test_select_related_without_fields_is_not_narrowed(tmp_path):
    finding = check_fixed(tmp_path, {"app/models.py": MODELS, "app/reports.py": """
        from app.models import Book


        def editors():
            return [b.editor.name for b in Book.objects.select_related()]
    """}, CODE, {"app/reports.py": """
        from app.models import Book


        def editors():
            return [b.editor.name for b in Book.objects.select_related().prefetch_related("editor")]
    """})
    assert '`prefetch_related("editor")`' in finding.message


def test_a_loop_that_leaves_after_its_first_row_is_not_reported(tmp_path):
    check_noop(tmp_path, {"app/models.py": MODELS, "app/reports.py": """
        from app.models import Book


        def first_author():
            for book in Book.objects.order_by("pk"):
                return book.author.name
    """}, CODE)


# -- across functions: what a senior reviewer would not call an N+1 (judged on real projects) ----

def test_reads_through_a_helper_and_a_model_method_are_reported_with_the_function_reading(tmp_path):
    found = findings(tmp_path, {"app/models.py": MODELS, "app/helpers.py": """
        def label(book):
            parts = [book.title]
            parts.append(book.author.name)
            return " ".join(parts)
    """, "app/reports.py": """
        from app.helpers import label
        from app.models import Book


        def labels():
            return [label(book) for book in Book.objects.all()]
    """}, CODE)
    assert len(found) == 1 and "is read in `label()` (app/helpers.py:1)" in found[0].message
    assert found[0].related[1].path.endswith("app/helpers.py")


def test_an_assigned_relation_a_new_object_branch_and_a_reverse_managers_owner_are_not_n_plus_one(tmp_path):
    check_noop(tmp_path, {"app/models.py": MODELS, "app/helpers.py": """
        def stamp(book):
            if not book.pk:
                book.editor.name
            return book.title
    """, "app/reports.py": """
        from app.helpers import stamp
        from app.models import Author, Book


        def reassign(author: Author):
            for book in Book.objects.all():
                book.author = author
                book.author.name


        def new_only():
            return [stamp(book) for book in Book.objects.all()]


        def owners(book: Book):
            return [review.book.title for review in book.reviews.all()]


        def back(author: Author):
            return [book.author.name for book in author.books.all()]
    """}, CODE)


def test_django_6_1_fetch_modes(tmp_path):
    found = findings(tmp_path, {"app/models.py": MODELS, "app/reports.py": """
        from django.db import models

        from app.models import Book


        def peers():
            return [book.author.name for book in Book.objects.fetch_mode(models.FETCH_PEERS)]


        def peers_still_prefetch_managers():
            return [book.tags.count() for book in Book.objects.fetch_mode(models.FETCH_PEERS)]


        def strict():
            return [book.author.name for book in Book.objects.fetch_mode(models.RAISE)]
    """}, CODE)
    assert [(f.span.start.line, "Book.tags" in f.message, "raises FieldFetchBlocked" in f.message) for f in found] == [
        (10, True, False), (14, False, True)]


def test_rows_from_get_user_model_and_the_app_registry(tmp_path):
    found = findings(tmp_path, {"app/models.py": MODELS, "app/reports.py": """
        from django.apps import apps
        from django.contrib.auth import get_user_model

        Book = apps.get_model("app", "Book")
        User = get_user_model()


        def authors():
            return [book.author.name for book in Book.objects.all()]


        def users():
            return [user.groups.count() for user in User.objects.all()]


        def users_inline():
            return [user.groups.count() for user in get_user_model().objects.all()]
    """}, CODE)
    assert [f.span.start.line for f in found] == [8, 12, 16]


def test_rows_of_a_filtersets_qs(tmp_path):
    found = findings(tmp_path, {"app/models.py": MODELS, "app/views.py": """
        from app.filters import BookFilter
        from app.models import Book


        def listing(request):
            books = BookFilter(request.GET, queryset=Book.objects.all()).qs
            return [book.author.name for book in books]


        def listing_variable(request):
            filtered = BookFilter(request.GET, queryset=Book.objects.select_related("author"))
            return [book.author.name for book in filtered.qs]
    """, "app/filters.py": """
        import django_filters

        from app.models import Book


        class BookFilter(django_filters.FilterSet):
            class Meta:
                model = Book
                fields = ["title"]
    """}, CODE)
    assert [f.span.start.line for f in found] == [6]  # the look-alike loads the author


def test_rows_regrouped_in_a_dict_are_followed_to_their_queryset(tmp_path):
    found = run(tmp_path, """
        from collections import defaultdict

        from app.models import Book


        def by_author():
            groups = defaultdict(list)
            for book in Book.objects.filter(published=True):
                groups[book.author_id].append(book)
            return [[b.tags.count() for b in books] for books in groups.values()]


        def by_pk():
            by_pk = {b.pk: b for b in Book.objects.all()}
            return [b.author.name for b in by_pk.values()]


        def by_key_items():
            groups = {}
            for book in Book.objects.all():
                groups.setdefault(book.author_id, []).append(book)
            out = []
            for author_id, books in groups.items():
                for book in books:
                    out.append(book.author.name)
            return out
    """)
    assert [(f.span.start.line + 1, f.fix_title) for f in found] == [
        (10, 'Add `prefetch_related("tags")` where the queryset is built'),
        (15, 'Add `select_related("author")` where the queryset is built'),
        (25, 'Add `select_related("author")` where the queryset is built')]
    assert "the queryset built at line 8 " in found[0].message


def test_regroupings_that_are_loaded_or_mixed_stay_silent(tmp_path):
    check_noop(tmp_path, {"app/models.py": MODELS, "app/reports.py": """
        from collections import defaultdict

        from app.models import Book


        def selected():
            groups = defaultdict(list)
            for book in Book.objects.select_related("author"):
                groups[book.author_id].append(book)
            return [b.author.name for books in groups.values() for b in books]


        def mixed(extra):
            groups = defaultdict(list)
            for book in Book.objects.all():
                groups[book.author_id].append(book)
            groups[0].append(extra)
            return [b.author.name for b in groups[0]]


        def keys_not_rows():
            by_title = {b.title: b.pk for b in Book.objects.all()}
            return [pk for pk in by_title.values()]
    """}, CODE)


def test_fix_of_a_regrouping_lands_at_the_queryset(tmp_path):
    check_fixed(tmp_path, {"app/models.py": MODELS, "app/reports.py": """
        from app.models import Book


        def by_pk():
            by_pk = {b.pk: b for b in Book.objects.all()}
            return [b.author.name for b in by_pk.values()]
    """}, CODE, {"app/reports.py": """
        from app.models import Book


        def by_pk():
            by_pk = {b.pk: b for b in Book.objects.select_related("author")}
            return [b.author.name for b in by_pk.values()]
    """})


def test_reads_past_an_early_return_or_after_delete(tmp_path):
    found = findings(tmp_path, {"app/models.py": CHAPTERS, "app/reports.py": """
        from app.models import Chapter


        def headings():
            return [c.display() for c in Chapter.objects.all()]


        def labels():  # every stored chapter has a book: the early return is always taken
            return [c.label() for c in Chapter.objects.all()]


        def discards():  # re-read after delete(): no loader could serve it
            return [c.discard() for c in Chapter.objects.all()]
    """}, CODE)
    assert [f.span.start.line + 1 for f in found] == [5]
    assert "`Book.title`" not in found[0].message
    assert "`Chapter.book` (only when `heading` is empty) is read in `Chapter.display()`" in found[0].message


ACTIVITY = MODELS + """
    from django.contrib.contenttypes.fields import GenericForeignKey
    from django.contrib.contenttypes.models import ContentType


    class Activity(models.Model):
        actor = models.ForeignKey(Author, on_delete=models.CASCADE)
        content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
        object_id = models.PositiveIntegerField()
        target = GenericForeignKey("content_type", "object_id")
"""


def test_a_read_into_a_generic_foreign_key_is_offered_fetch_peers(tmp_path):
    files = {"app/models.py": ACTIVITY, "app/reports.py": """
        from app.models import Activity


        def feed():
            return [(a.actor.name, a.target.name) for a in Activity.objects.all()]


        def targets():  # the generic key itself: prefetch_related("target") is exact
            return [a.target for a in Activity.objects.all()]
    """}
    found = findings(tmp_path, files, CODE)
    assert [(f.span.start.line + 1, f.fix_title.startswith("Fetch each relation"), f.fixable.value) for f in found] \
        == [(5, True, "safe"), (9, False, "safe")]
    assert "Django 6.1 or later only" in found[0].fix_title
    engine, root = engine_for(tmp_path / "fixed", files)
    finding = next(f for fs in engine.all_findings().values() for f in fs if f.code == CODE and "feed" not in f.message
                   and f.span.start.line == 4)
    fix = engine.fix(finding)
    assert fix.applicability.value == "unsafe"
    text = apply_edits((root / "app/reports.py").read_text(), list(fix.edits))
    assert "from django.db.models import FETCH_PEERS\n" in text
    assert "for a in Activity.objects.all().fetch_mode(FETCH_PEERS)]" in text


def test_rows_fetched_with_peers_read_generic_keys_in_one_go(tmp_path):
    check_noop(tmp_path, {"app/models.py": ACTIVITY, "app/reports.py": """
        from django.db import models

        from app.models import Activity


        def feed():
            return [(a.actor.name, a.target.name) for a in Activity.objects.fetch_mode(models.FETCH_PEERS)]
    """}, CODE)


def test_reads_filling_a_missing_denormalised_key_happen_on_the_first_save_only(tmp_path):
    """pretix's OutgoingMail.save(): `if self.orderposition_id and not self.order_id:
    self.order = self.orderposition.order` runs only until order_id is stored; re-saving
    queued mails reads nothing. A read under `not <fk>_id` that fills nothing is reported."""
    found = findings(tmp_path, {"app/models.py": MODELS, "app/helpers.py": """
        def fill(book):
            if book.author_id and not book.editor_id:
                book.editor = book.author
            if book.editor_id is None:
                book.editor_id = book.author.publisher_id
            return book.title


        def shout(book):
            if not book.editor_id:
                return book.author.name
            return book.title
    """, "app/reports.py": """
        from app.helpers import fill, shout
        from app.models import Book


        def requeue():
            for book in Book.objects.filter(title="x"):
                fill(book)
                book.save()


        def loud():
            return [shout(book) for book in Book.objects.all()]
    """}, CODE)
    assert [(f.path.rpartition("/")[2], f.message.split(" is read")[0]) for f in found] == [
        ("reports.py", "N+1 queries: `Book.author` (only when `editor_id` is empty)")]
    assert "loop at line 12" in found[0].message


def test_a_loop_over_a_relation_the_caller_prefetches_stays_silent(tmp_path):
    """pretix's dekodi exporter: render() prefetches `lines` and `lines__subevent` and hands
    each invoice to a helper looping over `invoice.lines.all()`. Without the nested prefetch
    of what the loop reads, it is reported."""
    helper = """
        from app.models import Author


        def encode(author: Author):
            return [book.editor.name for book in author.books.all()]


        def render():
            return [encode(a) for a in Author.objects.prefetch_related({lookups})]
    """
    check_noop(tmp_path / "a", {"app/models.py": MODELS,
                                "app/export.py": helper.replace("{lookups}", '"books", "books__editor"')}, CODE)
    found = findings(tmp_path / "b", {"app/models.py": MODELS,
                                      "app/export.py": helper.replace("{lookups}", '"books"')}, CODE)
    assert [f.path.rpartition("/")[2] for f in found] == ["export.py", "export.py"]  # the helper and the caller
    assert all("`Book.editor`" in f.message for f in found)


def test_no_fix_loads_before_the_loop_the_rows_it_writes(tmp_path):
    """taiga `userstories/services.py:395`: each story is closed and saved, then its sprint is
    judged on `milestone.user_stories.all()`, which must see that save. A prefetch of
    `milestone__user_stories` (or a join of `milestone`, saved too) would load those rows
    before the loop, so later rows read stale values: the N+1 is reported, without a fix for
    the written models (the fix keeps what the loop only reads)."""
    engine, root = engine_for(tmp_path, {"app/models.py": MODELS, "app/services.py": """
        from app.models import Book


        def close(book):
            book.published = False
            book.save(update_fields=["published"])


        def finish(author):
            author.name = "done"
            author.save()


        def recheck(ids):
            for book in Book.objects.filter(id__in=ids):
                close(book)
                if all(not b.published for b in book.author.books.all()):
                    finish(book.author)


        def retag(ids):
            for book in Book.objects.filter(id__in=ids):
                close(book)
                print([t.name for t in book.tags.all()], [b.title for b in book.author.books.all()])
    """})
    found = sorted((f for fs in engine.all_findings().values() for f in fs if f.code == CODE),
                   key=lambda f: f.span.start.line)
    assert [f.span.start.line + 1 for f in found] == [17, 24]
    assert found[0].fix_title == ""
    assert found[0].message.endswith("one query per row; but the loop writes `Author`, `Book` rows, which loaded "
                                     "before it would be stale: no fix loads `author__books`")
    assert found[1].fix_title == 'Add `select_related("author")` and `prefetch_related("tags")` where the queryset is built'
    assert found[1].message.endswith("the fix leaves out `author__books`")
    fix = engine.fix(found[1])
    path = root / "app/services.py"
    new = apply_edits(path.read_text(), [e for e in fix.edits])
    assert 'Book.objects.select_related("author").prefetch_related("tags").filter(id__in=ids)' in new


SERIES = CHAPTERS + """
    from django.utils.text import slugify


    class Series(models.Model):
        title = models.CharField(max_length=50)
        slug = models.SlugField(unique=True, blank=True)
        owner = models.ForeignKey(Author, on_delete=models.CASCADE)
        total = models.IntegerField(default=0)

        def save(self, *args, **kwargs):
            if not self.slug:
                with transaction.atomic():
                    self.slug = slugify(f"{self.owner.name}-{self.title}")
                    super().save(*args, **kwargs)
            else:
                super().save(*args, **kwargs)

        def refresh_totals(self):
            self.total = 1
            self.save(update_fields=["total"])

        def code(self):
            if not self.slug:
                return self.owner.name
            return self.slug
"""


def test_a_read_under_if_not_field_is_only_when_the_field_is_empty(tmp_path):
    """taiga `timeline/rebuilder.py:124`: `refresh_totals()` saves, and `save()` reads `owner`
    only under `if not self.slug:`, where it fills the slug: every stored row has it, so a
    loop over stored rows never reads `owner`. A read under `if not self.slug:` that fills
    nothing is reported "only when `slug` is empty"."""
    found = findings(tmp_path, {"app/models.py": SERIES.replace(
        "from django.db import models", "from django.db import models, transaction"), "app/reports.py": """
        from app.models import Series


        def refresh():
            for series in Series.objects.all():
                series.refresh_totals()


        def codes():
            return [s.code() for s in Series.objects.all()]
    """}, CODE)
    assert [f.span.start.line + 1 for f in found] == [10]
    assert "`Series.owner` (only when `slug` is empty) is read in `Series.code()`" in found[0].message


def test_an_early_return_on_one_read_qualifies_no_other_read(tmp_path):
    """paperless `views.py:3851`: `get_root_document()` returns early when `root_document_id`
    is None, then reads `root_document` itself; a later read past `if doc.root_document is not
    None: return` carried its guard over to the relation's need, reported "only when
    `root_document` is empty", backwards."""
    found = findings(tmp_path, {"app/models.py": CHAPTERS, "app/reports.py": """
        from app.models import Author, Chapter


        def editor_of(chapter):
            if chapter.editor_id is None:
                return None
            if chapter.editor is not None:
                return chapter.editor
            return Author.objects.filter(id=chapter.editor_id).first()


        def editors():
            return [editor_of(c) for c in Chapter.objects.all()]
    """}, CODE)
    assert len(found) == 1
    assert "`Chapter.editor` is read in `editor_of()`" in found[0].message


def test_a_relation_read_before_the_function_assigns_it_is_read(tmp_path):
    """taiga `projects/api.py:558`: `orphan_project()` reads `project.owner` (to delete the
    owner's membership), then sets `project.owner = None` and saves. The read before the
    assignment queries per project; only reads after it are served by the assignment. The
    finding was blamed on `Project.save()` instead."""
    found = findings(tmp_path, {"app/models.py": SERIES.replace(
        "from django.db import models", "from django.db import models, transaction"), "app/helpers.py": """
        from app.models import Book


        def orphan(series):
            Book.objects.filter(author=series.owner).delete()
            series.owner = None
            series.save()
            return series.owner
    """, "app/views.py": """
        from app.helpers import orphan
        from app.models import Series


        def orphan_all():
            for series in Series.objects.filter(total=0):
                orphan(series)
    """}, CODE)
    assert [f.message.split(" for every")[0] for f in found] == [
        "N+1 queries: `Series.owner` is read in `orphan()` (app/helpers.py:4)"]


def test_rows_the_loop_only_creates_are_stale_in_a_prefetched_collection_only(tmp_path):
    """paperless `paperless_mail/mail.py:619`: each rule's mails create `Correspondent` rows
    (`get_or_create()`), which cannot make the rule's joined `assign_correspondent` stale; a
    prefetched collection of the created model would miss them."""
    engine, _ = engine_for(tmp_path, {"app/models.py": MODELS, "app/services.py": """
        from app.models import Author, Book, Tag


        def label(book):
            Author.objects.get_or_create(name=book.title)
            Tag.objects.create(name=book.title)
            return [book.author.name, [t.name for t in book.tags.all()]]


        def labels():
            return [label(book) for book in Book.objects.all()]
    """})
    found = [f for fs in engine.all_findings().values() for f in fs if f.code == CODE]
    assert len(found) == 1
    assert found[0].fix_title == 'Add `select_related("author")` where the queryset is built'
    assert found[0].message.endswith("but the loop writes `Tag` rows, which loaded before it would be stale: "
                                     "the fix leaves out `tags`")


SHELVES = MODELS + """
    class Shelf(models.Model):
        name = models.CharField(max_length=50)
        owner = models.ForeignKey(Author, on_delete=models.CASCADE)

        def save(self, *args, **kwargs):
            super().save(*args, **kwargs)
            Slot.objects.create(shelf=self)


    class Slot(models.Model):
        shelf = models.ForeignKey(Shelf, related_name="slots", on_delete=models.CASCADE)
"""


def test_what_a_model_s_own_save_writes_counts_as_written(tmp_path):
    """taiga `userstories/services.py:395`: `UserStory.save()` creates `RolePoints` rows, which a
    prefetch of `role_points` made before the loop would not hold."""
    engine, _ = engine_for(tmp_path, {"app/models.py": SHELVES, "app/services.py": """
        from app.models import Shelf


        def refill():
            for shelf in Shelf.objects.all():
                shelf.save()
                print(shelf.owner.name, [s.pk for s in shelf.slots.all()])
    """})
    found = [f for fs in engine.all_findings().values() for f in fs if f.code == CODE]
    assert [f.fix_title for f in found] == ['Add `select_related("owner")` where the queryset is built']
    assert found[0].message.endswith("the loop writes `Slot` rows, which loaded before it would be stale: "
                                     "the fix leaves out `slots`")
