"""The models the N+1 rule tests share: authors, publishers, books, tags and reviews."""

MODELS = """
    from django.db import models


    class Publisher(models.Model):
        name = models.CharField(max_length=50)

        def __str__(self):
            return self.name


    class Author(models.Model):
        name = models.CharField(max_length=50)
        publisher = models.ForeignKey(Publisher, null=True, on_delete=models.SET_NULL, related_name="authors")

        def __str__(self):
            return self.name


    class Profile(models.Model):
        author = models.OneToOneField(Author, on_delete=models.CASCADE, related_name="profile")


    class Tag(models.Model):
        name = models.CharField(max_length=50)

        def __str__(self):
            return self.name


    class BookQuerySet(models.QuerySet):
        def published(self):
            return self.filter(published=True)

        def with_author(self):
            return self.select_related("author")


    class Book(models.Model):
        title = models.CharField(max_length=50)
        published = models.BooleanField(default=True)
        author = models.ForeignKey(Author, related_name="books", on_delete=models.CASCADE)
        editor = models.ForeignKey(Author, null=True, related_name="edited", on_delete=models.SET_NULL)
        tags = models.ManyToManyField(Tag, related_name="books")

        objects = BookQuerySet.as_manager()

        def __str__(self):
            return f"{self.title} by {self.author.name}"

        @property
        def author_name(self):
            return self.author.name


    class Review(models.Model):
        book = models.ForeignKey(Book, related_name="reviews", on_delete=models.CASCADE)
        rating = models.IntegerField()
"""

# Chapters: per-row methods whose reads depend on an early return or follow a delete().
CHAPTERS = MODELS + """
    class Chapter(models.Model):
        book = models.ForeignKey(Book, related_name="chapters", on_delete=models.CASCADE)
        heading = models.CharField(max_length=50, blank=True)
        editor = models.ForeignKey(Author, null=True, on_delete=models.SET_NULL)

        def __str__(self):
            return self.display()

        def display(self):
            if self.heading:
                return self.heading
            return self.book.title

        def label(self):
            if self.book_id:
                return "chapter"
            return self.editor.name

        def discard(self):
            self.delete()
            return self.book.chapters.count()
"""
