"""Which rows of other apps a user may see, by organization membership."""
from orgs.models import Membership, Organization
from projects.models import Document


def visible_documents(user):
    return Document.objects.filter(organization__memberships__user=user)


def administered_organizations(user):
    return Organization.objects.filter(memberships__user=user, memberships__role=Membership.Role.ADMIN)
