from rest_framework import serializers

from .models import Item


class ItemSerializer(serializers.ModelSerializer):
    warehouse_code = serializers.CharField(source="warehouse.code", read_only=True)

    class Meta:
        model = Item
        fields = ["id", "sku", "name", "warehouse", "warehouse_code", "quantity"]
