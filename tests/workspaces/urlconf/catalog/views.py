from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .models import Category, Product
from .serializers import CategorySerializer, ProductSerializer


class ProductViewSet(viewsets.ModelViewSet):
    """Registered on both routers: the DefaultRouter's basename comes from the queryset's model."""

    queryset = Product.objects.select_related("category")
    serializer_class = ProductSerializer
    lookup_field = "slug"
    lookup_value_converter = "slug"

    @action(detail=True, methods=["post"], url_path="set-price", url_name="set_price")
    def set_price(self, request, slug=None):
        product = self.get_object()
        product.price = request.data["price"]
        product.save(update_fields=["price"])
        return Response({"price": str(product.price)})

    @action(detail=False)
    def featured_items(self, request):
        return Response(self.get_serializer(self.get_queryset()[:5], many=True).data)


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Category.objects.all()
    serializer_class = CategorySerializer
    lookup_value_regex = r"\d+"

    @action(detail=True, url_path=r"products/(?P<product_slug>[-\w]+)")
    def product(self, request, pk=None, product_slug=None):
        product = self.get_object().products.get(slug=product_slug)
        return Response(ProductSerializer(product).data)


class StatsViewSet(viewsets.ViewSet):
    """No queryset: registered with an explicit basename; only a list route and one action."""

    def list(self, request):
        return Response({"products": Product.objects.count()})

    @action(detail=False, url_name="daily")
    def today(self, request):
        return Response({"categories": Category.objects.count()})
