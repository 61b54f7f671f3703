from django.urls import include, path
from rest_framework.routers import SimpleRouter

from inventory.views import ItemViewSet

router = SimpleRouter()
router.register("items", ItemViewSet)

urlpatterns = [path("api/", include(router.urls))]
