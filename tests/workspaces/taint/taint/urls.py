from django.urls import path

from shop import views

urlpatterns = [
    path("search/", views.search_products),
    path("search/relayed/", views.search_relayed),
    path("search/form/", views.search_with_form),
    path("search/safe/", views.search_safely),
    path("search/constant/", views.search_constant),
    path("thumbnail/", views.make_thumbnail),
    path("thumbnail/safe/", views.make_thumbnail_safely),
    path("next/", views.next_page),
    path("next/checked/", views.next_page_checked),
    path("back/", views.back_to_referer),
    path("highlight/", views.search_highlight),
    path("highlight/safe/", views.search_highlight_safely),
    path("cart/restore/", views.restore_saved_cart),
    path("cart/restore/safe/", views.restore_saved_cart_safely),
    path("config/import/", views.import_config),
    path("config/import/safe/", views.import_config_safely),
]
