import pytest

from catalog.models import Genre


# Depends on catalog/migrations/0003_default_genres.py, which --nomigrations skips (DJE606).
@pytest.mark.django_db
def test_default_genres_exist():
    assert set(Genre.objects.values_list("name", flat=True)) >= {"Fiction", "History"}
