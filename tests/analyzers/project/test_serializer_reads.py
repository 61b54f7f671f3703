"""What a serializer reads per instance through the relation fields ModelSerializer builds
(`serializer_related_field`, a `build_relational_field` override), and where it gives up."""

from django_expert.analyzers.project.serializer_reads import related_field_class, serializer_reads

from tests.analyzers.project.build import project_from_sources

MODELS = """
    from django.db import models


    class Author(models.Model):
        name = models.CharField(max_length=20)


    class Book(models.Model):
        title = models.CharField(max_length=20)
        author = models.ForeignKey(Author, on_delete=models.CASCADE)
        coauthors = models.ManyToManyField(Author, related_name="cowritten")
"""

SERIALIZERS = """
    from rest_framework import serializers

    from shop.models import Book


    class NameField(serializers.RelatedField):
        def to_representation(self, value):
            return value.name


    class Plain(serializers.ModelSerializer):
        class Meta:
            model = Book
            fields = ["title", "author", "coauthors"]


    class Attribute(Plain):
        serializer_related_field = NameField


    class Built(Plain):
        def build_relational_field(self, field_name, relation_info):
            field_class, kwargs = super().build_relational_field(field_name, relation_info)
            return NameField, kwargs


    class BuiltOnAttribute(Attribute):
        def build_relational_field(self, field_name, relation_info):
            return super().build_relational_field(field_name, relation_info)


    class Chosen(Plain):
        def build_relational_field(self, field_name, relation_info):
            if field_name == "author":
                return NameField, {"read_only": True}
            return super().build_relational_field(field_name, relation_info)


    class LocalClass(Plain):
        def build_relational_field(self, field_name, relation_info):
            field_class, kwargs = super().build_relational_field(field_name, relation_info)
            kwargs["help_text"] = field_name
            return field_class, kwargs


    class Strings(Plain):
        serializer_related_field = serializers.StringRelatedField


    class Links(serializers.HyperlinkedModelSerializer):
        class Meta:
            model = Book
            fields = ["title", "author"]
"""


def project():
    return project_from_sources({"shop.models": MODELS, "shop.serializers": SERIALIZERS,
                                 "shop.settings": "INSTALLED_APPS = ['shop']\n"}, settings="shop.settings")


def chains(model, name: str):
    found = serializer_reads(model, f"shop.serializers.{name}")
    return None if found is None else sorted({read.chain for read in found})


def test_default_relation_fields_read_the_key_only_and_iterate_many():
    model = project()
    assert related_field_class(model, "shop.serializers.Plain") == "rest_framework.relations.PrimaryKeyRelatedField"
    assert chains(model, "Plain") == [("coauthors", "all"), ("title",)]
    assert related_field_class(model, "shop.serializers.Links").endswith("HyperlinkedRelatedField")
    assert chains(model, "Links") == [("title",)]


def test_serializer_related_field_reads_what_its_to_representation_reads():
    model = project()
    assert related_field_class(model, "shop.serializers.Attribute") == "shop.serializers.NameField"
    assert chains(model, "Attribute") == [("author", "name"), ("coauthors", "all", "name"), ("title",)]
    assert chains(model, "Strings") == [("author", "__str__"), ("coauthors", "all", "__str__"), ("title",)]


def test_build_relational_field_override_gives_the_class_it_returns():
    model = project()
    assert chains(model, "Built") == [("author", "name"), ("coauthors", "all", "name"), ("title",)]
    # an override that only calls super() keeps the attribute its base set
    assert chains(model, "BuiltOnAttribute") == chains(model, "Attribute")


def test_a_class_chosen_by_condition_is_not_guessed():
    model = project()
    assert related_field_class(model, "shop.serializers.Chosen") is None
    assert chains(model, "Chosen") is None
    assert related_field_class(model, "shop.serializers.LocalClass") is None  # a local name, not a class
