from celery import shared_task


@shared_task
def send_order_confirmation(order_id):
    from django.core.mail import send_mail

    from .models import Order

    order = Order.objects.select_related("customer").get(pk=order_id)
    send_mail(
        f"Order #{order.pk} confirmed",
        "Thank you for your order.",
        "shop@example.com",
        [order.customer.email],
    )


@shared_task(bind=True, max_retries=3)
def cancel_stale_orders(self, days=7):
    from datetime import timedelta

    from django.utils import timezone

    from .models import Order

    cutoff = timezone.now() - timedelta(days=days)
    return Order.objects.filter(status=Order.Status.PENDING, created__lt=cutoff).update(
        status=Order.Status.CANCELLED
    )
