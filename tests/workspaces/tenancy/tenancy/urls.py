from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token

from accounts import api as accounts_api
from orgs import api as orgs_api
from orgs.webhooks import BillingWebhookView

urlpatterns = [
    path("api/auth/login/", accounts_api.SessionLoginView.as_view(), name="login"),
    path("api/auth/mobile-login/", accounts_api.MobileLoginView.as_view(), name="mobile-login"),
    path("api/auth/token/", obtain_auth_token, name="token"),
    path("api/auth/app-token/", accounts_api.AppTokenView.as_view(), name="app-token"),
    path("api/me/", accounts_api.MeView.as_view(), name="me"),
    path("api/profile/", accounts_api.ProfileView.as_view(), name="profile"),
    path("api/orgs/members/", orgs_api.MembershipListView.as_view(), name="membership-list"),
    path("api/orgs/invitations/", orgs_api.InvitationView.as_view(), name="invitation"),
    path("hooks/billing/", BillingWebhookView.as_view(), name="billing-webhook"),
    path("api/", include("projects.api_urls")),
    path("", include("projects.urls")),
]
