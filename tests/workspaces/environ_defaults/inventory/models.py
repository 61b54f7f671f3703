from django.db import models


class Item(models.Model):
    sku = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField(default=0)

    def __str__(self):
        return self.name
