from django.db import models


class TimeStampedModel(models.Model):
    """Abstract base adding creation and modification timestamps."""

    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class NamedModel(models.Model):
    """Abstract base whose __str__ is inherited by concrete children."""

    name = models.CharField(max_length=100)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name
