from .item import OrderItem, ShippingAddress
from .order import Coupon, Order, OrderCoupon

__all__ = ["Coupon", "Order", "OrderCoupon", "OrderItem", "ShippingAddress"]
