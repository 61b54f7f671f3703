from rest_framework import generics, status
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Membership
from .permissions import IsOrganizationAdmin
from .scoping import administered_organizations
from .serializers import InvitationSerializer, MembershipSerializer


class MembershipListView(generics.ListAPIView):
    """The members of the organizations the user administers."""

    serializer_class = MembershipSerializer
    permission_classes = [IsOrganizationAdmin | IsAdminUser]

    def get_queryset(self):
        return Membership.objects.filter(organization__in=administered_organizations(self.request.user))


class InvitationView(APIView):
    """An organization admin adds a user to their organization."""

    permission_classes = [IsAuthenticated]

    def post(self, request):
        serializer = InvitationSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        membership = serializer.save()
        return Response(
            {"id": membership.pk, "organization": membership.organization_id, "role": membership.role},
            status=status.HTTP_201_CREATED,
        )
