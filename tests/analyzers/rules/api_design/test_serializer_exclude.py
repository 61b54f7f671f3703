from tests.analyzers.rules.helpers import check_fixed, check_noop, findings

CODE = "DJE302"

MODELS = """
    from django.db import models


    class Category(models.Model):
        name = models.CharField(max_length=50)


    class Product(models.Model):
        name = models.CharField(max_length=100)
        cost = models.DecimalField(max_digits=8, decimal_places=2)
        category = models.ForeignKey(Category, on_delete=models.CASCADE)
        tags = models.ManyToManyField("self", blank=True)
"""


def test_exclude_becomes_the_explicit_list(tmp_path):
    finding = check_fixed(tmp_path, {
        "app/models.py": MODELS,
        "app/serializers.py": """
            from rest_framework import serializers

            from app.models import Product


            class ProductSerializer(serializers.ModelSerializer):
                label = serializers.CharField(source="name", read_only=True)

                class Meta:
                    model = Product
                    exclude = ("cost", "tags")  # internal
        """,
    }, CODE, {"app/serializers.py": """
        from rest_framework import serializers

        from app.models import Product


        class ProductSerializer(serializers.ModelSerializer):
            label = serializers.CharField(source="name", read_only=True)

            class Meta:
                model = Product
                fields = ["id", "label", "name", "category"]  # internal
    """})
    assert "`ProductSerializer` exposes every field of `Product` except those in exclude" in finding.message


def test_inherited_meta_model_and_unresolvable_model(tmp_path):
    found = findings(tmp_path, {
        "app/models.py": MODELS,
        "app/serializers.py": """
            from rest_framework.serializers import ModelSerializer, HyperlinkedModelSerializer

            from app.models import Category
            from elsewhere import Thing


            class Base(ModelSerializer):
                class Meta:
                    model = Category
                    fields = ["id", "name"]


            class Narrow(Base):
                class Meta(Base.Meta):
                    fields = None
                    exclude = ["name"]


            class Linked(HyperlinkedModelSerializer):
                class Meta:
                    model = Thing
                    exclude = ["secret"]
        """,
    }, CODE)
    assert [f.message.split("`")[1] for f in found] == ["Narrow", "Linked"]
    assert "of `Category`" in found[0].message and found[1].fixable.value == "none"


def test_lookalikes_stay_silent(tmp_path):
    check_noop(tmp_path, {
        "app/models.py": MODELS,
        "app/serializers.py": """
            from django import forms
            from rest_framework import serializers

            from app.models import Product


            class Explicit(serializers.ModelSerializer):
                class Meta:
                    model = Product
                    fields = ["id", "name"]


            class Plain(serializers.Serializer):
                class Meta:
                    exclude = ["x"]


            class ProductForm(forms.ModelForm):
                class Meta:
                    model = Product
                    exclude = ["cost"]


            class Ignored(serializers.ModelSerializer):
                class Meta:
                    model = Product
                    exclude = ["cost"]  # noqa: DJE302


            class Both(Explicit):
                class Meta(Explicit.Meta):
                    exclude = ["name"]
        """,
    }, CODE)
