import threading

import pytest
from django.db import connection
from django.urls import reverse

from catalog.models import Book


# DJE603 seeded: transaction=True for a test that only reads.
@pytest.mark.django_db(transaction=True)
def test_list_shows_book(client, book):
    response = client.get(reverse("catalog:book-list"))
    assert response.json()["books"][0].startswith("Piranesi")


# DJE603 look-alike: another thread must see the committed row.
@pytest.mark.django_db(transaction=True)
def test_other_thread_sees_book(book):
    seen = []

    def read():
        seen.append(Book.objects.filter(pk=book.pk).exists())
        connection.close()

    worker = threading.Thread(target=read)
    worker.start()
    worker.join()
    assert seen == [True]


@pytest.mark.django_db
def test_detail(client, book):
    assert client.get(f"/books/{book.pk}/").json()["title"] == "Piranesi"


@pytest.mark.django_db
def test_authors_fixture(django_db_setup, django_db_blocker):
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("loaddata", "tests_pytest/fixtures/authors.json")
