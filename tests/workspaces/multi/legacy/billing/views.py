from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from .models import Invoice


def invoice_detail(request, invoice_id):
    invoice = get_object_or_404(Invoice, pk=invoice_id)
    return HttpResponse(f"Invoice {invoice.number}: {invoice.amount}")
