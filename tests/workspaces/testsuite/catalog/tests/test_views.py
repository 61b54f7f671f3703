import threading

from django.contrib.auth.models import User
from django.db import connection
from django.test import TestCase, TransactionTestCase
from django.urls import reverse

from catalog import views
from catalog.models import Author, Book
from catalog.tests.factories import make_book


# DJE602 seeded: the rows (a user's password hashed among them) are created again before each
# of five tests, and no test changes them.
class BookReadTests(TestCase):
    def setUp(self):
        self.author = Author.objects.create(name="Ursula K. Le Guin")
        self.book = Book.objects.create(title="The Dispossessed", author=self.author, stock=3)
        self.reader = User.objects.create_user("reader", password="a long passphrase")

    def test_list_shows_the_book(self):
        response = self.client.get(reverse("catalog:book-list"))
        self.assertEqual(response.json(), {"books": ["The Dispossessed by Ursula K. Le Guin"]})

    def test_detail_shows_the_author(self):
        response = self.client.get(f"/books/{self.book.pk}/")
        self.assertEqual(response.json()["author"], "Ursula K. Le Guin")

    def test_detail_shows_the_title(self):
        response = self.client.get(reverse("catalog:book-detail", args=[self.book.pk]))
        self.assertEqual(response.json()["title"], "The Dispossessed")

    def test_detail_shows_the_stock(self):
        response = self.client.get(reverse("catalog:book-detail", args=[self.book.pk]))
        self.assertEqual(response.json()["stock"], 3)

    def test_list_has_one_book(self):
        response = self.client.get(reverse("catalog:book-list"))
        self.assertEqual(len(response.json()["books"]), 1)


# DJE602 look-alike: a test deletes a row setUp made (setUpTestData would work too, but the
# rule stays with what it can tell is read-only).
class BookDeleteTests(TestCase):
    def setUp(self):
        self.book = make_book()

    def test_detail(self):
        self.assertEqual(self.client.get(reverse("catalog:book-detail", args=[self.book.pk])).status_code, 200)

    def test_detail_after_delete(self):
        pk = self.book.pk
        self.book.delete()
        self.assertEqual(self.client.get(reverse("catalog:book-detail", args=[pk])).status_code, 404)


# DJE602 look-alike: setUp also logs the client in, which is per test.
class SignedInTests(TestCase):
    def setUp(self):
        self.user = User.objects.create_user("reader", password="pw")
        self.client.force_login(self.user)

    def test_list(self):
        self.assertEqual(self.client.get("/books/").status_code, 200)

    def test_empty(self):
        self.assertEqual(self.client.get("/books/").json(), {"books": []})


# DJE603 seeded: nothing here needs real commits.
class BookStockTests(TransactionTestCase):
    def test_restock_adds_one(self):
        book = make_book(stock=1)
        self.client.post(reverse("catalog:book-restock", args=[book.pk]))
        book.refresh_from_db()
        self.assertEqual(book.stock, 2)


# DJE603 look-alike: the view's on_commit callback runs only when the transaction commits.
class RestockCommitTests(TransactionTestCase):
    def test_on_commit_callback_runs(self):
        book = make_book()
        views.SENT.clear()
        self.client.post(reverse("catalog:book-restock", args=[book.pk]))
        self.assertEqual(views.SENT, [book.pk])


# DJE603 look-alike: another thread must see the committed row.
class ConcurrentReadTests(TransactionTestCase):
    def test_other_thread_sees_the_book(self):
        book = make_book()
        seen = []

        def read():
            seen.append(Book.objects.filter(pk=book.pk).exists())
            connection.close()

        worker = threading.Thread(target=read)
        worker.start()
        worker.join()
        self.assertEqual(seen, [True])
