from rest_framework import serializers

from catalog.serializers import ProductSerializer

from .models import Order, OrderItem, ShippingAddress


class OrderItemSerializer(serializers.ModelSerializer):
    product = ProductSerializer(read_only=True)

    class Meta:
        model = OrderItem
        fields = ["id", "product", "quantity", "unit_price"]


class ShippingAddressSerializer(serializers.ModelSerializer):
    class Meta:
        model = ShippingAddress
        fields = "__all__"


class OrderSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.username", read_only=True)
    items = OrderItemSerializer(many=True, read_only=True)
    item_count = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = ["id", "customer", "customer_name", "status", "total", "items", "item_count", "created"]
        read_only_fields = ["created", "total"]
        extra_kwargs = {"customer": {"write_only": True}}

    def get_item_count(self, obj):
        return obj.items.count()
