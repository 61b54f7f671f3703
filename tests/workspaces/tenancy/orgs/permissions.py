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
