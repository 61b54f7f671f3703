from tests.analyzers.rules.helpers import check_fixed, check_noop, findings
from tests.analyzers.rules.performance.models import MODELS

CODE = "DJE502"

SERIALIZERS = """
    from rest_framework import serializers

    from app.models import Author, Book


    class AuthorSerializer(serializers.ModelSerializer):
        class Meta:
            model = Author
            fields = ["id", "name"]


    class NestedSerializer(serializers.ModelSerializer):
        author = AuthorSerializer(read_only=True)

        class Meta:
            model = Book
            fields = ["id", "author"]


    class SourceSerializer(serializers.ModelSerializer):
        publisher = serializers.CharField(source="author.publisher.name")

        class Meta:
            model = Book
            fields = ["id", "publisher"]


    class MethodSerializer(serializers.ModelSerializer):
        reviews = serializers.SerializerMethodField()

        class Meta:
            model = Book
            fields = ["id", "reviews"]

        def get_reviews(self, obj):
            return obj.reviews.count()


    class ManySerializer(serializers.ModelSerializer):
        editor = serializers.StringRelatedField()
        author = serializers.SlugRelatedField(slug_field="name", read_only=True)

        class Meta:
            model = Book
            fields = ["id", "tags", "editor", "author"]


    class DepthSerializer(serializers.ModelSerializer):
        class Meta:
            model = Book
            fields = "__all__"
            depth = 1


    class PkSerializer(serializers.ModelSerializer):
        class Meta:
            model = Book
            fields = ["id", "author", "editor"]


    class BooksOfAuthorSerializer(serializers.ModelSerializer):
        books = PkSerializer(many=True)

        class Meta:
            model = Author
            fields = ["id", "books"]
"""


def run(tmp_path, views):
    return findings(tmp_path, {"app/models.py": MODELS, "app/serializers.py": SERIALIZERS, "app/views.py": views}, CODE)


def test_list_views_whose_serializer_reads_relations_are_reported(tmp_path):
    found = run(tmp_path, """
        from rest_framework import generics, viewsets
        from rest_framework.response import Response
        from rest_framework.views import APIView

        from app.models import Author, Book
        from app.serializers import (
            BooksOfAuthorSerializer, DepthSerializer, ManySerializer, MethodSerializer, NestedSerializer,
            SourceSerializer)


        class Nested(generics.ListAPIView):
            queryset = Book.objects.all()
            serializer_class = NestedSerializer


        class Source(viewsets.ReadOnlyModelViewSet):
            serializer_class = SourceSerializer

            def get_queryset(self):
                return Book.objects.filter(published=True)


        class Method(generics.ListCreateAPIView):
            serializer_class = MethodSerializer

            def get_queryset(self):
                books = Book.objects.all()
                if self.request.GET.get("q"):
                    books = books.filter(title__icontains=self.request.GET["q"])
                return books


        class Many(generics.ListAPIView):
            queryset = Book.objects.select_related("editor")
            serializer_class = ManySerializer


        class Depth(generics.ListAPIView):
            queryset = Book.objects.all()
            serializer_class = DepthSerializer


        class Reverse(generics.ListAPIView):
            queryset = Author.objects.all()
            serializer_class = BooksOfAuthorSerializer


        class Plain(APIView):
            def get(self, request):
                books = Book.objects.all()
                return Response(NestedSerializer(books, many=True).data)
    """)
    messages = {f.message.split("queryset of `")[1].split("`")[0]: f.message for f in found}
    assert set(messages) == {"Nested", "Source", "Method", "Many", "Depth", "Reverse", "Plain.get"}
    assert '`select_related("author")`' in messages["Nested"]
    assert '`select_related("author__publisher")`' in messages["Source"]
    assert '`prefetch_related("reviews")`' in messages["Method"]
    assert '`select_related("author")` and `prefetch_related("tags")`' in messages["Many"]
    assert '`select_related("author", "editor")` and `prefetch_related("tags")`' in messages["Depth"]
    assert '`prefetch_related("books")`' in messages["Reverse"]
    related = next(f for f in found if "`Nested`" in f.message).related
    assert [r.message for r in related] == ["`NestedSerializer.author` reads it for every object"]
    assert related[0].path.endswith("serializers.py") and related[0].span.start.line == 12


def test_loaded_relations_and_primary_keys_stay_silent(tmp_path):
    check_noop(tmp_path, {"app/models.py": MODELS, "app/serializers.py": SERIALIZERS, "app/views.py": """
        from rest_framework import generics

        from app.models import Author, Book
        from app.serializers import BooksOfAuthorSerializer, NestedSerializer, PkSerializer, SourceSerializer


        class Pk(generics.ListAPIView):
            queryset = Book.objects.all()
            serializer_class = PkSerializer


        class Selected(generics.ListAPIView):
            queryset = Book.objects.select_related("author__publisher")
            serializer_class = SourceSerializer


        class FromSuper(generics.ListAPIView):
            queryset = Book.objects.all()
            serializer_class = NestedSerializer

            def get_queryset(self):
                return super().get_queryset().select_related("author")


        class Prefetched(generics.ListAPIView):
            queryset = Author.objects.prefetch_related("books")
            serializer_class = BooksOfAuthorSerializer


        class Detail(generics.RetrieveAPIView):
            queryset = Book.objects.all()
            serializer_class = NestedSerializer


        class Dynamic(generics.ListAPIView):
            queryset = Book.objects.all()

            def get_serializer_class(self):
                if self.request.method == "GET":
                    return NestedSerializer
                return PkSerializer


        class CustomList(generics.ListAPIView):
            queryset = Book.objects.all()
            serializer_class = NestedSerializer

            def list(self, request):
                return None
    """}, CODE)


def test_a_subclass_inheriting_the_queryset_is_covered_by_its_parent(tmp_path):
    found = run(tmp_path, """
        from rest_framework import generics

        from app.models import Book
        from app.serializers import NestedSerializer


        class Base(generics.ListAPIView):
            queryset = Book.objects.all()
            serializer_class = NestedSerializer


        class Child(Base):
            pagination_class = None


        class Refined(Base):
            def get_queryset(self):
                return super().get_queryset().filter(published=True)
    """)
    assert len(found) == 1 and "`Base`" in found[0].message


def test_noqa(tmp_path):
    check_noop(tmp_path, {"app/models.py": MODELS, "app/serializers.py": SERIALIZERS, "app/views.py": """
        from rest_framework import generics

        from app.models import Book
        from app.serializers import NestedSerializer


        class Nested(generics.ListAPIView):
            queryset = Book.objects.all()  # noqa: DJE502
            serializer_class = NestedSerializer
    """}, CODE)


def test_fix_adds_the_lookups_to_the_queryset_attribute(tmp_path):
    check_fixed(tmp_path, {"app/models.py": MODELS, "app/serializers.py": SERIALIZERS, "app/views.py": """
        from rest_framework import generics

        from app.models import Book
        from app.serializers import ManySerializer


        class Many(generics.ListAPIView):
            queryset = Book.objects.select_related("editor").order_by("title")
            serializer_class = ManySerializer
    """}, CODE, {"app/views.py": """
        from rest_framework import generics

        from app.models import Book
        from app.serializers import ManySerializer


        class Many(generics.ListAPIView):
            queryset = Book.objects.select_related("editor", "author").prefetch_related("tags").order_by("title")
            serializer_class = ManySerializer
    """})


def test_fix_in_a_multi_statement_get_queryset(tmp_path):
    check_fixed(tmp_path, {"app/models.py": MODELS, "app/serializers.py": SERIALIZERS, "app/views.py": """
        from rest_framework import generics

        from app.models import Book
        from app.serializers import MethodSerializer


        class Method(generics.ListAPIView):
            serializer_class = MethodSerializer

            def get_queryset(self):
                books = Book.objects.all()
                if self.request.GET.get("q"):
                    books = books.filter(title=self.request.GET["q"])
                return books
    """}, CODE, {"app/views.py": """
        from rest_framework import generics

        from app.models import Book
        from app.serializers import MethodSerializer


        class Method(generics.ListAPIView):
            serializer_class = MethodSerializer

            def get_queryset(self):
                books = Book.objects.prefetch_related("reviews")
                if self.request.GET.get("q"):
                    books = books.filter(title=self.request.GET["q"])
                return books
    """})


def test_a_related_field_class_whose_to_representation_reads_on(tmp_path):
    """Issue 12: the per-row read hides in a method of a related-field class."""
    found = findings(tmp_path, {
        "app/models.py": MODELS,
        "app/fields.py": """
            from rest_framework import serializers


            class AuthorLabel(serializers.RelatedField):
                def to_representation(self, value):
                    return f"{value.name} ({value.publisher.name})"
        """,
        "app/serializers.py": """
            from rest_framework import serializers

            from app.fields import AuthorLabel
            from app.models import Book


            class BookSerializer(serializers.ModelSerializer):
                author = AuthorLabel(read_only=True)

                class Meta:
                    model = Book
                    fields = ["id", "author"]
        """,
        "app/views.py": """
            from rest_framework import generics

            from app.models import Book
            from app.serializers import BookSerializer


            class Books(generics.ListAPIView):
                queryset = Book.objects.all()
                serializer_class = BookSerializer


            class Loaded(generics.ListAPIView):
                queryset = Book.objects.select_related("author__publisher")
                serializer_class = BookSerializer
        """,
    }, CODE)
    assert [f.message.split(" reads")[0] for f in found] == ["N+1 queries: `BookSerializer`"], [f.message for f in found]
    assert "Book.author" in found[0].message and "publisher" in found[0].message
