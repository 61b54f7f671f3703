"""What django-expert knows about Django and DRF themselves, as data: class hierarchies, field types, setting defaults."""
