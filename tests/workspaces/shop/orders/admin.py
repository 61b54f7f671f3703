from django.contrib import admin

from .models import Coupon, Order, OrderItem, ShippingAddress


class OrderItemInline(admin.TabularInline):
    model = OrderItem
    extra = 0


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["id", "customer", "status", "total", "created"]
    list_filter = ["status"]
    inlines = [OrderItemInline]


admin.site.register(Coupon)
admin.site.register(ShippingAddress)
