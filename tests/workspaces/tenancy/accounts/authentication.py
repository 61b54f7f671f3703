from rest_framework.authentication import SessionAuthentication


class CsrfExemptSessionAuthentication(SessionAuthentication):
    """Session authentication for the single-page app, which does not send a CSRF token."""

    def enforce_csrf(self, request):
        return
