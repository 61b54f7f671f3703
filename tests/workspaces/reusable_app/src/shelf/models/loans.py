from django.conf import settings
from django.db import models


class Loan(models.Model):
    book = models.ForeignKey("Book", on_delete=models.CASCADE, related_name="loans")
    borrower = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="loans")
    returned = models.BooleanField(default=False)

    def __str__(self):
        return f"{self.book_id} -> {self.borrower_id}"
