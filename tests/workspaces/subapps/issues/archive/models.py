from django.db import models


class ArchivedFinding(models.Model):
    title = models.CharField(max_length=200)
    product = models.ForeignKey("trk.Product", on_delete=models.CASCADE, related_name="findings")
