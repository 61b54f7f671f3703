from django.db import models


class Warehouse(models.Model):
    code = models.CharField(max_length=10, unique=True)
    city = models.CharField(max_length=100)

    def __str__(self):
        return self.code


class Item(models.Model):
    sku = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    warehouse = models.ForeignKey(Warehouse, related_name="items", on_delete=models.CASCADE)
    quantity = models.IntegerField(default=0)

    class Meta:
        ordering = ["sku"]

    def __str__(self):
        return self.sku
