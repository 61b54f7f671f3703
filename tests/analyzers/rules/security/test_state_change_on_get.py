"""DJE421: deleting rows or logging out when answering GET (netbox's notification views and
LogoutView, oscar's and pretix's logout), and the look-alikes that answer POST only."""

from tests.analyzers.rules.helpers import check_noop, findings

CODE = "DJE421"

MODELS = """
    from django.conf import settings
    from django.db import models


    class NotificationQuerySet(models.QuerySet):
        def unread(self):
            return self.filter(read=False)


    class Notification(models.Model):
        user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
        read = models.BooleanField(default=False)
        objects = NotificationQuerySet.as_manager()


    class Share(models.Model):
        token = models.CharField(max_length=40, unique=True)
"""


def test_deletes_and_logouts_answering_get_are_reported(tmp_path):
    found = findings(tmp_path, {"app/models.py": MODELS, "app/views.py": """
        from django.contrib.auth import logout
        from django.shortcuts import get_object_or_404, redirect
        from django.views import View

        from app.models import Notification


        class DismissAll(View):
            def get(self, request):
                request.user.notifications.unread().delete()
                return redirect("/")


        class Dismiss(View):
            def get(self, request, pk):
                notification = get_object_or_404(request.user.notifications, pk=pk)
                notification.delete()
                return redirect("/")


        class Clear(View):
            def get(self, request):
                Notification.objects.filter(user=request.user).delete()
                return redirect("/")


        def bye(request):
            logout(request)
            return redirect("/")
    """}, CODE)
    assert [f.message.split(" on GET")[0] for f in found] == [
        "`DismissAll.get()` deletes `Notification` rows",
        "`Dismiss.get()` deletes a `Notification` row",
        "`Clear.get()` deletes `Notification` rows",
        "`bye()`, which answers every method, logs the user out",
    ]


def test_post_handlers_method_checks_and_one_time_tokens_stay_silent(tmp_path):
    check_noop(tmp_path, {"app/models.py": MODELS, "app/views.py": """
        from django.contrib.auth import logout
        from django.http import HttpResponse
        from django.shortcuts import redirect
        from django.views import View
        from django.views.decorators.http import require_POST
        from rest_framework.decorators import api_view

        from app.models import Notification, Share


        class Dismiss(View):
            def post(self, request):
                request.user.notifications.unread().delete()
                return redirect("/")

            def get(self, request):
                return HttpResponse(str(Notification.objects.filter(user=request.user).count()))


        @require_POST
        def bye(request):
            logout(request)
            return redirect("/")


        def bye_when_posted(request):
            if request.method == "POST":
                logout(request)
            return redirect("/")


        @api_view(["DELETE"])
        def clear(request):
            Notification.objects.filter(user=request.user).delete()
            return redirect("/")


        def open_share(request, token):  # a one-time link: the GET consumes its token
            share = Share.objects.get(token=token)
            share.delete()
            return HttpResponse("ok")


        def helper(data):
            data.delete()
    """}, CODE)
