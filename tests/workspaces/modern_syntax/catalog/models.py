"""Models in Python 3.12/3.13 syntax: PEP 695 generic classes and methods, a type alias,
PEP 696 type parameter defaults and PEP 701 f-strings."""

from django.db import models

type Cents = int  # PEP 695 type alias


class Timestamped[T = int](models.Model):  # PEP 695 + PEP 696 default, abstract
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class Shelf(models.Model):
    name = models.CharField(max_length=50, unique=True)

    def __str__(self) -> str:
        return f"{self.name}"

    def labels[T](self, items: list[T]) -> list[str]:  # PEP 695 generic method
        return [f"{self.name}: {item!s}" for item in items]


class Tag(models.Model):
    name = models.CharField(max_length=30)

    def __str__(self) -> str:
        return self.name


class Book[PriceT: (int, float) = int](Timestamped):  # constrained type parameter with a default
    title = models.CharField(max_length=200)
    shelf = models.ForeignKey(Shelf, on_delete=models.CASCADE, related_name="books")
    price_cents = models.PositiveIntegerField(default=0)
    tags = models.ManyToManyField(Tag, blank=True, related_name="books")
    subtitle = models.CharField(max_length=200, blank=True, help_text=f"{"shown under the title"}")

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.shelf.name})"

    def describe(self) -> str:
        # PEP 701: quotes reused and nested f-strings inside the braces
        return f"{self.title} on {self.shelf.name} at {f"{self.price_cents / 100:.2f}"} {"EUR"}"
