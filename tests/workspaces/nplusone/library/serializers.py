from rest_framework import serializers

from .models import Author, Book


class AuthorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Author
        fields = ["id", "name"]


class BookNestedSerializer(serializers.ModelSerializer):
    author = AuthorSerializer(read_only=True)

    class Meta:
        model = Book
        fields = ["id", "title", "author"]


class BookSourceSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.name", read_only=True)

    class Meta:
        model = Book
        fields = ["id", "title", "author_name"]


class BookReviewCountSerializer(serializers.ModelSerializer):
    review_count = serializers.SerializerMethodField()

    class Meta:
        model = Book
        fields = ["id", "title", "review_count"]

    def get_review_count(self, obj):
        return obj.reviews.count()


class BookTagIdsSerializer(serializers.ModelSerializer):
    class Meta:
        model = Book
        fields = ["id", "title", "tags"]


class BookAuthorStringSerializer(serializers.ModelSerializer):
    author = serializers.StringRelatedField()

    class Meta:
        model = Book
        fields = ["id", "title", "author"]


class BookDepthSerializer(serializers.ModelSerializer):
    class Meta:
        model = Book
        fields = ["id", "title", "author"]
        depth = 1


class BookTitleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Book
        fields = ["id", "title"]


class AuthorBooksSerializer(serializers.ModelSerializer):
    books = BookTitleSerializer(many=True, read_only=True)

    class Meta:
        model = Author
        fields = ["id", "name", "books"]


class BookAuthorPkSerializer(serializers.ModelSerializer):
    class Meta:
        model = Book
        fields = ["id", "title", "author", "editor"]


class BookDescribedSerializer(serializers.ModelSerializer):
    line = serializers.SerializerMethodField()

    class Meta:
        model = Book
        fields = ["id", "line"]

    def get_line(self, obj):
        from .helpers import describe

        return describe(obj)


class AuthorLabelField(serializers.RelatedField):
    """A related field of the project: its to_representation reads the author per row."""

    def to_representation(self, value):
        return value.name.upper()


class BookLabelSerializer(serializers.ModelSerializer):
    author = AuthorLabelField(read_only=True)

    class Meta:
        model = Book
        fields = ["id", "title", "author"]


class BookRelatedFieldSerializer(serializers.ModelSerializer):
    """ModelSerializer builds every relation of Meta.fields as serializer_related_field."""

    serializer_related_field = AuthorLabelField

    class Meta:
        model = Book
        fields = ["id", "title", "author"]


class BookBuiltFieldSerializer(serializers.ModelSerializer):
    """build_relational_field hands every relation to the project's field class."""

    def build_relational_field(self, field_name, relation_info):
        field_class, field_kwargs = super().build_relational_field(field_name, relation_info)
        return AuthorLabelField, field_kwargs

    class Meta:
        model = Book
        fields = ["id", "title", "author"]
