from django_expert.analyzers.findings import Applicability
from tests.analyzers.rules.helpers import check_fixed, check_noop, findings

CODE = "DJE301"

MODELS = """
    from django.db import models


    class Stamped(models.Model):
        created = models.DateTimeField(auto_now_add=True)

        class Meta:
            abstract = True


    class Category(models.Model):
        name = models.CharField(max_length=50)

        def __str__(self):
            return self.name


    class Product(Stamped):
        name = models.CharField(max_length=100)
        category = models.ForeignKey(Category, on_delete=models.CASCADE)
        related = models.ManyToManyField("self", blank=True)
        price = models.DecimalField(max_digits=8, decimal_places=2)

        def __str__(self):
            return self.name
"""


def test_all_fields_becomes_the_explicit_list_drf_would_use(tmp_path):
    finding = check_fixed(
        tmp_path,
        {
            "app/models.py": MODELS,
            "app/serializers.py": """
                from rest_framework import serializers

                from app.models import Product


                class ProductSerializer(serializers.ModelSerializer):
                    category_name = serializers.CharField(source="category.name", read_only=True)

                    class Meta:
                        model = Product
                        fields = "__all__"  # TODO: narrow
            """,
        },
        CODE,
        {"app/serializers.py": """
            from rest_framework import serializers

            from app.models import Product


            class ProductSerializer(serializers.ModelSerializer):
                category_name = serializers.CharField(source="category.name", read_only=True)

                class Meta:
                    model = Product
                    fields = ["id", "category_name", "created", "name", "price", "category", "related"]  # TODO: narrow
        """},
    )
    assert "`ProductSerializer` exposes every field of `Product`" in finding.message
    assert finding.message.endswith("Which of its fields may clients read, and which may they write?")
    assert finding.fixable is Applicability.UNSAFE, "freezing the exposure keeps what should not be exposed"
    assert finding.fix_title == "Freeze the current exposure: list the 7 fields exposed today (review which to keep)"


def test_lookalikes_stay_silent(tmp_path):
    check_noop(
        tmp_path,
        {
            "app/models.py": MODELS,
            "app/serializers.py": """
                from rest_framework import serializers
                from django import forms

                from app.models import Product


                class Explicit(serializers.ModelSerializer):
                    class Meta:
                        model = Product
                        fields = ["id", "name"]


                class Plain(serializers.Serializer):
                    class Meta:
                        fields = "__all__"


                class ProductForm(forms.ModelForm):
                    class Meta:
                        model = Product
                        fields = "__all__"


                class Ignored(serializers.ModelSerializer):
                    class Meta:
                        model = Product
                        fields = "__all__"  # noqa: DJE301
            """,
        },
        CODE,
    )


def test_subclass_of_a_project_base_serializer_is_reported(tmp_path):
    found = findings(
        tmp_path,
        {
            "app/models.py": MODELS,
            "app/base.py": """
                from rest_framework.serializers import ModelSerializer


                class BaseSerializer(ModelSerializer):
                    pass
            """,
            "app/serializers.py": """
                from app.base import BaseSerializer
                from app import models


                class CategorySerializer(BaseSerializer):
                    class Meta:
                        model = models.Category
                        fields = "__all__"
            """,
        },
        CODE,
    )
    assert len(found) == 1 and found[0].fix_data == ("CategorySerializer", ("id", "name"))
