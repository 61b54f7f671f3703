from django.contrib.auth.models import User
from django.db import models


class Customer(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="billing_customer")
    vat_number = models.CharField(max_length=20, blank=True)

    def __str__(self):
        return str(self.user)


class Invoice(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    number = models.CharField(max_length=20, unique=True)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    issued_on = models.DateField()
    paid = models.BooleanField(default=False)

    class Meta:
        db_table = "legacy_invoice"
        ordering = ["-issued_on"]
