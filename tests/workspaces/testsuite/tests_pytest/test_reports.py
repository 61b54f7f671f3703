import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_shelf_lists_books(client, book):
    assert client.get(reverse("catalog:shelf-report")).json()["shelf"] == [f"Piranesi ({book.author.name})"]
