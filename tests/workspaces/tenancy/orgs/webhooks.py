import hashlib
import hmac

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Organization


@method_decorator(csrf_exempt, name="dispatch")
class BillingWebhookView(APIView):
    """The billing provider reports plan changes; each body is signed with the shared secret."""

    authentication_classes = []
    permission_classes = [AllowAny]

    def post(self, request):
        secret = settings.BILLING_WEBHOOK_SECRET.encode()
        expected = hmac.new(secret, request.body, hashlib.sha256).hexdigest()
        signature = request.headers.get("X-Billing-Signature", "")
        if not secret or not hmac.compare_digest(expected, signature):
            raise PermissionDenied("Bad signature.")
        organization = get_object_or_404(Organization, pk=request.data["organization"])
        organization.plan = request.data["plan"]
        organization.save(update_fields=["plan"])
        return Response({"plan": organization.plan})
