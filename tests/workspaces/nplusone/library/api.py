"""DRF list endpoints (DJE502): N+1 serializers first, then lookalikes that stay silent."""
from rest_framework import generics, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Author, Book
from .serializers import (
    AuthorBooksSerializer,
    BookAuthorPkSerializer,
    BookAuthorStringSerializer,
    BookDescribedSerializer,
    BookDepthSerializer,
    BookNestedSerializer,
    BookReviewCountSerializer,
    BookSourceSerializer,
    BookTagIdsSerializer,
)

# -- N+1 ----------------------------------------------------------------------------------


class BookNestedList(generics.ListAPIView):
    queryset = Book.objects.all()
    serializer_class = BookNestedSerializer


class BookDescribedList(generics.ListAPIView):
    queryset = Book.objects.all()
    serializer_class = BookDescribedSerializer


class BookChosenSerializerViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Book.objects.all()

    def get_serializer_class(self):
        if self.action == "list":
            return BookDescribedSerializer
        return BookNestedSerializer


class BookSourceList(generics.ListAPIView):
    queryset = Book.objects.order_by("title")
    serializer_class = BookSourceSerializer


class BookReviewCountViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = BookReviewCountSerializer

    def get_queryset(self):
        return Book.objects.filter(published=True)


class BookTagIdsList(generics.ListAPIView):
    serializer_class = BookTagIdsSerializer

    def get_queryset(self):
        books = Book.objects.all()
        if self.request.query_params.get("published"):
            books = books.filter(published=True)
        return books


class BookAuthorStringList(generics.ListAPIView):
    queryset = Book.objects.all()
    serializer_class = BookAuthorStringSerializer


class BookDepthList(generics.ListAPIView):
    queryset = Book.objects.all()
    serializer_class = BookDepthSerializer


class AuthorBooksList(generics.ListAPIView):
    queryset = Author.objects.all()
    serializer_class = AuthorBooksSerializer


class PublishedBooksView(APIView):
    def get(self, request):
        books = Book.objects.filter(published=True)
        return Response(BookNestedSerializer(books, many=True).data)


# -- lookalikes -----------------------------------------------------------------------------


class BookNestedSelectedList(generics.ListAPIView):
    queryset = Book.objects.select_related("author")
    serializer_class = BookNestedSerializer


class BookAuthorPkList(generics.ListAPIView):
    queryset = Book.objects.all()
    serializer_class = BookAuthorPkSerializer


class AuthorBooksPrefetchedList(generics.ListAPIView):
    queryset = Author.objects.prefetch_related("books")
    serializer_class = AuthorBooksSerializer


class BookSourceSelectedList(generics.ListAPIView):
    queryset = Book.objects.all()
    serializer_class = BookSourceSerializer

    def get_queryset(self):
        return super().get_queryset().select_related("author")


class BookDescribedSelectedList(generics.ListAPIView):
    queryset = Book.objects.select_related("author")
    serializer_class = BookDescribedSerializer


class BookChosenSerializerSelectedViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Book.objects.select_related("author")

    def get_serializer_class(self):
        if self.action == "list":
            return BookDescribedSerializer
        return BookNestedSerializer


from .serializers import BookLabelSerializer  # noqa: E402 - kept with the cases that use it


class BookLabelList(generics.ListAPIView):
    """The per-row read hides in a related-field class (AuthorLabelField.to_representation)."""

    queryset = Book.objects.order_by("title")
    serializer_class = BookLabelSerializer


class BookLabelSelectedList(generics.ListAPIView):
    queryset = Book.objects.select_related("author").order_by("title")
    serializer_class = BookLabelSerializer


from .serializers import BookBuiltFieldSerializer, BookRelatedFieldSerializer  # noqa: E402


class BookRelatedFieldList(generics.ListAPIView):
    """The per-row read is in the field class ModelSerializer builds for `author`
    (serializer_related_field = AuthorLabelField)."""

    queryset = Book.objects.order_by("title")
    serializer_class = BookRelatedFieldSerializer


class BookRelatedFieldSelectedList(generics.ListAPIView):
    queryset = Book.objects.select_related("author").order_by("title")
    serializer_class = BookRelatedFieldSerializer


class BookBuiltFieldList(generics.ListAPIView):
    """The per-row read is in the field class build_relational_field returns."""

    queryset = Book.objects.order_by("title")
    serializer_class = BookBuiltFieldSerializer


class BookBuiltFieldSelectedList(generics.ListAPIView):
    queryset = Book.objects.select_related("author").order_by("title")
    serializer_class = BookBuiltFieldSerializer
