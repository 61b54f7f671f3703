from django.db import models

from core.fields import MoneyField
from core.mixins import SoftDeleteModel
from core.models import NamedModel, TimeStampedModel


class Category(models.Model):
    name = models.CharField(max_length=100)
    parent = models.ForeignKey(
        "self", null=True, blank=True, related_name="children", on_delete=models.CASCADE
    )

    class Meta:
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name


class Tag(models.Model):
    # No __str__: the admin and shell show "Tag object (1)".
    label = models.CharField(max_length=50, unique=True)


class Brand(NamedModel):
    # __str__ comes from the abstract NamedModel.
    website = models.URLField(blank=True)


class Product(TimeStampedModel, SoftDeleteModel):
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    description = models.TextField(null=True)
    price = MoneyField()
    category = models.ForeignKey(Category, on_delete=models.CASCADE)
    brand = models.ForeignKey(
        Brand, null=True, blank=True, on_delete=models.SET_NULL, related_query_name="item"
    )
    tags = models.ManyToManyField(Tag, related_name="products", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class FeaturedProduct(Product):
    class Meta:
        proxy = True


class DigitalProduct(Product):
    download_url = models.URLField()
