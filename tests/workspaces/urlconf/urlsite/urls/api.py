from django.urls import include, path
from rest_framework.routers import DefaultRouter, SimpleRouter

from catalog.views import CategoryViewSet, ProductViewSet, StatsViewSet

router = DefaultRouter()
router.register("products", ProductViewSet)
router.register(r"categories", CategoryViewSet)
router.register("stats", StatsViewSet, basename="stats")

v2 = SimpleRouter(trailing_slash=False, use_regex_path=False)
v2.register("products", ProductViewSet, basename="product")

api_urls = [path("api/", include(router.urls))] + [path("api/v2/", include((v2.urls, "v2")))]
api_urls += [path("api-auth/", include("rest_framework.urls"))]
