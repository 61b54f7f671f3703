"""A receiver that runs on every saved tag (DJE507 judges the lookup it makes)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Country, Tag


@receiver(post_save, sender=Tag)
def tag_saved(sender, instance, created, **kwargs):
    if created and Country.objects.filter(name=instance.name).exists():
        instance.name = instance.name.upper()
