from django.db import models
from django.urls import reverse


class Country(models.Model):
    name = models.CharField(max_length=60)

    def __str__(self):
        return self.name


class Publisher(models.Model):
    name = models.CharField(max_length=80)
    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="publishers")

    def __str__(self):
        return self.name


class Author(models.Model):
    name = models.CharField(max_length=80)
    publisher = models.ForeignKey(
        Publisher, null=True, blank=True, on_delete=models.SET_NULL, related_name="authors"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.name

    @property
    def publisher_name(self):
        return self.publisher.name if self.publisher_id else ""


class Profile(models.Model):
    author = models.OneToOneField(Author, on_delete=models.CASCADE, related_name="profile")
    bio = models.TextField(blank=True)

    def __str__(self):
        return f"Profile of {self.author.name}"


class Tag(models.Model):
    name = models.CharField(max_length=40)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.name


class BookQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def with_author(self):
        return self.select_related("author")


class Book(models.Model):
    title = models.CharField(max_length=120)
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")
    editor = models.ForeignKey(
        Author, null=True, blank=True, on_delete=models.SET_NULL, related_name="edited_books"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="books")
    published = models.BooleanField(default=True)

    objects = BookQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.title} by {self.author.name}"

    @property
    def author_name(self):
        return self.author.name

    def byline(self):
        words = [self.title, "by"]
        words.append(self.author.name)
        return " ".join(words)

    def summary_line(self):
        from .helpers import describe

        return describe(self)

    def get_absolute_url(self):
        return reverse("book-detail", args=[self.pk])


class Review(models.Model):
    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="reviews")
    rating = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.rating}/5"

    def headline(self):
        if self.book_id:  # every stored review has its book: the read below is never reached
            return f"{self.rating}/5"
        return self.book.title
