from rest_framework.permissions import BasePermission

from .models import Membership


class IsOrganizationAdmin(BasePermission):
    """The user administers at least one organization."""

    def has_permission(self, request, view):
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and Membership.objects.filter(user=user, role=Membership.Role.ADMIN).exists()
        )


class IsMemberOfUrlOrganization(BasePermission):
    """The user belongs to the organization the URL names (`<org_id>`). Says nothing about
    the objects a view then fetches by other ids."""

    def has_permission(self, request, view):
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and Membership.objects.filter(user=user, organization_id=view.kwargs["org_id"]).exists()
        )
