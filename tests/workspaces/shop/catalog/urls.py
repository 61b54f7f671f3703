from django.urls import path, re_path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.product_list, name="product-list"),
    path("categories/", views.CategoryListView.as_view(), name="category-list"),
    path("categories/<int:pk>/products/", views.CategoryProductsView.as_view(), name="category-products"),
    path("count/", views.product_count, name="product-count"),
    re_path(r"^p/(?P<slug>[-\w]+)/$", views.product_detail, name="product-detail"),
]
