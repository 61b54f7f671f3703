import pytest

from tests_pytest.factories import BookFactory


@pytest.fixture
def book(db):
    return BookFactory(title="Piranesi")
