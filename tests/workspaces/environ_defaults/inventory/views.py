from rest_framework import generics

from inventory.models import Item
from inventory.serializers import ItemSerializer


class ItemList(generics.ListAPIView):
    queryset = Item.objects.order_by("sku")
    serializer_class = ItemSerializer
