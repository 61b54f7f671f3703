from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import api, lookups, loops, views

router = SimpleRouter()
router.register("api/reviewed-books", api.BookReviewCountViewSet, basename="reviewed-book")
router.register("api/chosen-books", api.BookChosenSerializerViewSet, basename="chosen-book")
router.register("api/chosen-books-selected", api.BookChosenSerializerSelectedViewSet, basename="chosen-book-selected")

urlpatterns = [
    path("books/", views.book_list, name="book-list"),
    path("books/cards/", views.book_cards, name="book-cards"),
    path("books/tagged/", views.book_tagged, name="book-tagged"),
    path("books/titles-filtered/", views.book_titles_filtered, name="book-titles-filtered"),
    path("books/tags/", views.BookTagListView.as_view(), name="book-tags"),
    path("authors/", views.AuthorListView.as_view(), name="author-list"),
    path("books/publishers/", views.BookPublisherListView.as_view(), name="book-publishers"),
    path("books/str/", views.BookStrListView.as_view(), name="book-str"),
    path("authors/<int:pk>/", views.AuthorDetailView.as_view(), name="author-detail"),
    path("books/recent/", views.RecentBooksView.as_view(), name="book-recent"),
    path("books/titles/", views.book_titles, name="book-titles"),
    path("books/recent-titles/", views.RecentTitlesView.as_view(), name="book-recent-titles"),
    path("books/selected/", views.book_list_selected, name="book-list-selected"),
    path("authors/prefetched/", views.AuthorPrefetchedListView.as_view(), name="author-prefetched"),
    path("books/tags/prefetched/", views.BookTagPrefetchedListView.as_view(), name="book-tags-prefetched"),
    path("books/<int:pk>/", views.book_detail, name="book-detail"),
    path("api/books/nested/", api.BookNestedList.as_view()),
    path("api/books/source/", api.BookSourceList.as_view()),
    path("api/books/described/", api.BookDescribedList.as_view()),
    path("api/books/described-selected/", api.BookDescribedSelectedList.as_view()),
    path("api/books/tag-ids/", api.BookTagIdsList.as_view()),
    path("api/books/author-string/", api.BookAuthorStringList.as_view()),
    path("api/books/depth/", api.BookDepthList.as_view()),
    path("api/authors/books/", api.AuthorBooksList.as_view()),
    path("api/books/published/", api.PublishedBooksView.as_view()),
    path("api/books/nested-selected/", api.BookNestedSelectedList.as_view()),
    path("api/books/author-pk/", api.BookAuthorPkList.as_view()),
    path("api/authors/books-prefetched/", api.AuthorBooksPrefetchedList.as_view()),
    path("api/books/source-selected/", api.BookSourceSelectedList.as_view()),
    path("tags/by-id/", loops.tags_by_posted_ids),
    path("tags/by-id/bulk/", loops.tags_by_posted_ids_in_bulk),
    path("books/shelf/", views.book_shelf, name="book-shelf"),
    path("books/shelf-selected/", views.book_shelf_selected, name="book-shelf-selected"),
    path("books/shelf-given/", views.book_shelf_given, name="book-shelf-given"),
    path("books/shelf-given-selected/", views.book_shelf_given_selected, name="book-shelf-given-selected"),
    path("books/shelf-since/", views.book_shelf_since, name="book-shelf-since"),
    path("books/shelf-since-selected/", views.book_shelf_since_selected, name="book-shelf-since-selected"),
    path("books/shelf-context/", views.book_shelf_context, name="book-shelf-context"),
    path("books/shelf-context-selected/", views.book_shelf_context_selected, name="book-shelf-context-selected"),
    path("lookups/book/", lookups.book_by_title),
    path("lookups/tag/", lookups.new_tag),
    path("lookups/book-of-author/", lookups.book_of_author),
    path("lookups/profile/", lookups.profile_of_author),
    path("api/books/label/", api.BookLabelList.as_view()),
    path("api/books/label-selected/", api.BookLabelSelectedList.as_view()),
    path("api/books/related-field/", api.BookRelatedFieldList.as_view()),
    path("api/books/related-field-selected/", api.BookRelatedFieldSelectedList.as_view()),
    path("api/books/built-field/", api.BookBuiltFieldList.as_view()),
    path("api/books/built-field-selected/", api.BookBuiltFieldSelectedList.as_view()),
    path("", include(router.urls)),
]
