from tests.analyzers.rules.helpers import check_fixed, check_noop, engine_for, findings

CODE = "DJE209"

MODELS = """
    from django.db import models


    class Stamped(models.Model):
        created = models.DateTimeField(auto_now_add=True)

        class Meta:
            abstract = True


    class AliveQuerySet(models.QuerySet):
        def alive(self):
            return self.filter(deleted=False)


    class Author(models.Model):
        name = models.CharField(max_length=100)


    class Book(Stamped):
        title = models.CharField(max_length=100)
        deleted = models.BooleanField(default=False)
        author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")
        editor = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="+")
        objects = AliveQuerySet.as_manager()

        class Meta:
            ordering = ["-created", "titel"]


    class Review(models.Model):
        book = models.ForeignKey(Book, on_delete=models.CASCADE)
        stars = models.IntegerField()
"""
VALID_MODELS = MODELS.replace('"titel"', '"title"')


def test_meta_ordering_through_inheritance(tmp_path):
    (found,) = findings(tmp_path, {"app/models.py": MODELS}, CODE)
    assert found.message == "app.Book has no field or relation named 'titel'; did you mean 'title'?"
    assert (found.span.start.line, found.span.start.column) == (27, 33)


def test_filter_keywords_q_and_expressions(tmp_path):
    found = findings(tmp_path, {"app/models.py": VALID_MODELS, "app/views.py": """
        from django.db.models import Count, F, Q
        from .models import Author, Book


        def view(request):
            Book.objects.filter(autor__name="x")
            Book.objects.filter(Q(title__icontain="x") | ~Q(created__yeer=1))
            Author.objects.annotate(n=Count("book")).filter(n__gt=1)
            Book.objects.alive().order_by("-titel")
            Book.objects.filter(title=F("autor__name"))
        """}, CODE)
    assert [f.message.split(";")[1].strip() for f in found] == [
        "did you mean 'author'?", "did you mean 'icontains'?", "did you mean 'year'?",
        "did you mean 'books'?", "did you mean 'title'?", "did you mean 'author'?"]


def test_reverse_relations_and_related_managers(tmp_path):
    found = findings(tmp_path, {"app/models.py": VALID_MODELS, "app/views.py": """
        from django.shortcuts import get_object_or_404
        from .models import Author, Book


        def view(request, pk):
            author = get_object_or_404(Author, pk=pk, nam="x")
            author.books.filter(review__strs=3)
            Author.objects.filter(books_set__title="x")
            Book.objects.filter(review__stars__gte=4, author__books__title="x")
        """}, CODE)
    assert [(f.span.start.line, f.message.split(";")[-1].strip()) for f in found] == [
        (5, "did you mean 'name'?"), (6, "did you mean 'stars'?"), (7, "did you mean 'books'?")]


def test_fix_replaces_the_segment(tmp_path):
    views = """
        from .models import Book


        def view(request):
            return Book.objects.filter(autor__name__icontains="x")
        """
    found = check_fixed(tmp_path, {"app/models.py": VALID_MODELS, "app/views.py": views},
                        CODE, {"app/views.py": views.replace("autor__", "author__")})
    assert found.fix_title == "Replace 'autor' with 'author'"


def test_silent_when_the_model_or_names_cannot_be_known(tmp_path):
    check_noop(tmp_path, {"app/models.py": VALID_MODELS, "app/views.py": """
        from django.db.models import Count
        from library.models import Thing
        from .models import Book


        def view(request, queryset):
            Thing.objects.filter(anything=1)
            queryset.filter(anything=1)
            Book.objects.annotate(n=Count("review")).filter(n__gt=1)
            Book.objects.custom_method().filter(anything=1)
            Book.objects.filter(**{"anything": 1})
            Book.objects.values("title").order_by("?")
        """}, CODE)


def test_an_abstract_model_may_order_by_the_primary_key_its_children_get(tmp_path):
    """django-oscar: `class Meta: abstract = True; ordering = ["-delta_votes", "id"]`."""
    models = '''
from django.db import models


class AbstractReview(models.Model):
    score = models.IntegerField()

    class Meta:
        abstract = True
        ordering = ["-score", "id"]


class AbstractTypo(models.Model):
    score = models.IntegerField()

    class Meta:
        abstract = True
        ordering = ["idd"]
'''
    engine, root = engine_for(tmp_path, {"reviews/models.py": models})
    messages = [f.message for f in engine.findings(root / "reviews/models.py") if f.code == "DJE209"]
    assert messages == ["reviews.AbstractTypo has no field or relation named 'idd'"]


def test_a_relation_declared_by_a_class_of_an_unknown_base_keeps_the_reverse_name_open(tmp_path):
    """`class Import(TimeStampedModel)` with django_extensions' base (not indexed) may be a
    model: its foreign key may give `Run` a reverse `import` lookup nobody can see."""
    models = '''
from django.db import models
from django_extensions.db.models import TimeStampedModel


class Run(models.Model):
    name = models.CharField(max_length=10)


class Import(TimeStampedModel):
    run = models.ForeignKey("app.Run", on_delete=models.CASCADE)
'''
    views = '''
from django.db.models import Count

from app.models import Run


def runs():
    return Run.objects.annotate(imports=Count("import__id")).filter(nmae="x")
'''
    engine, root = engine_for(tmp_path, {"app/models.py": models, "app/views.py": views})
    messages = [f.message for f in engine.findings(root / "app/views.py") if f.code == "DJE209"]
    assert messages == ["app.Run has no field or relation named 'nmae'; did you mean 'name'?"]


def test_the_attname_of_a_foreign_key_class_outside_django_stays_open(tmp_path):
    """wagtail: `CommentReply.comment` is modelcluster's ParentalKey (a ForeignKey), so
    `comment_id` and `comment_replies__comment_id__in` are valid; a CharField's is not."""
    models = '''
from django.conf import settings
from django.db import models
from modelcluster.fields import ParentalKey


class Comment(models.Model):
    text = models.TextField()


class CommentReply(models.Model):
    comment = ParentalKey(Comment, on_delete=models.CASCADE, related_name="replies")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_replies")
    title = models.CharField(max_length=10)
'''
    views = '''
from django.contrib.auth.models import User

from app.models import CommentReply


def subscribers(ids):
    CommentReply.objects.filter(comment_id__in=ids, title_id=1)
    return User.objects.filter(comment_replies__comment_id__in=ids)
'''
    engine, root = engine_for(tmp_path, {"app/models.py": models, "app/views.py": views})
    messages = [f.message for f in engine.findings(root / "app/views.py") if f.code == "DJE209"]
    assert [m.split(";")[0] for m in messages] == ["app.CommentReply has no field or relation named 'title_id'"]


def test_lookups_a_test_expects_django_to_reject_stay_silent(tmp_path):
    """Read in the precision sample: a test asserting the lookup fails is not a bug."""
    found = findings(tmp_path, {
        "app/models.py": """
            from django.db import models


            class Book(models.Model):
                title = models.CharField(max_length=20)
        """,
        "app/tests.py": """
            import pytest
            from django.core.exceptions import FieldError
            from django.test import TestCase

            from app.models import Book


            def test_unknown_prefetch_is_refused():
                with pytest.raises(AttributeError):
                    list(Book.objects.prefetch_related("UNKNOWN"))


            class Lookups(TestCase):
                def test_refused(self):
                    with self.assertRaises(FieldError):
                        Book.objects.filter(titel="x")

                def test_typo(self):
                    return Book.objects.filter(titel="x")
        """,
    }, "DJE209")
    assert [f.span.start.line + 1 for f in found] == [19]


def test_an_expected_failure_nested_in_other_blocks_stays_silent(tmp_path):
    """The `with ...raises` blocks are found at any depth: in a try's `else`, an except
    handler, a `case`, a loop's body."""
    found = findings(tmp_path, {
        "app/models.py": """
            from django.db import models


            class Book(models.Model):
                title = models.CharField(max_length=20)
        """,
        "app/tests.py": """
            import pytest
            from django.core.exceptions import FieldError

            from app.models import Book


            def test_nested(kind):
                try:
                    pass
                except ValueError:
                    with pytest.raises(FieldError):
                        Book.objects.filter(titel="a")
                else:
                    for _ in range(2):
                        with pytest.raises(FieldError):
                            Book.objects.filter(titel="b")
                match kind:
                    case "c":
                        with pytest.raises(FieldError):
                            Book.objects.filter(titel="c")
                return Book.objects.filter(titel="d")
        """,
    }, "DJE209")
    assert [f.span.start.line + 1 for f in found] == [21]
