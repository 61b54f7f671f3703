from django.contrib.auth.models import Group
from django.test import TestCase


# DJE608 look-alike: the fixture holds auth.group rows, which no factory of the project builds.
class LibrarianGroupTests(TestCase):
    fixtures = ["groups.json"]

    def test_librarians_exist(self):
        self.assertTrue(Group.objects.filter(name="Librarians").exists())
