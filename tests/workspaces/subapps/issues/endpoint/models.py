from django.db import models


class Endpoint(models.Model):
    host = models.CharField(max_length=255)
    product = models.ForeignKey("trk.Product", on_delete=models.CASCADE, related_name="endpoints")

    def __str__(self):
        return self.host
