from django.conf import settings
from django.db import models

from issues.endpoint.models import Endpoint


class Product(models.Model):
    name = models.CharField(max_length=100)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="products")

    def __str__(self):
        return self.name


class Finding(models.Model):
    title = models.CharField(max_length=200)
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="findings")
    endpoints = models.ManyToManyField("trk.Endpoint", related_name="findings", blank=True)
    duplicate_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True)

    def __str__(self):
        return self.title


__all__ = ["Endpoint", "Finding", "Product"]
