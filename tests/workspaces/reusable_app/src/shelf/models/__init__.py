from .books import Author, Book
from .loans import Loan

__all__ = ["Author", "Book", "Loan"]
