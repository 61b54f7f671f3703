from tests.analyzers.rules.helpers import check_noop, findings

CODE = "DJE409"


def test_redirects_to_request_data_are_reported(tmp_path):
    found = findings(tmp_path, {
        "app/views.py": """
            from django import http
            from django.http import HttpResponseRedirect
            from django.shortcuts import redirect
            from django.views import View


            def login_done(request):
                return redirect(request.GET.get("next", "/"))


            def back(request):
                target = request.GET.get("back") or "/"
                if target:
                    return HttpResponseRedirect(target)


            class Jump(View):
                def post(self, request):
                    url = self.request.POST["url"].strip()
                    return http.HttpResponsePermanentRedirect(redirect_to=url)


            def api(request):
                return redirect(f"{request.data['host']}/done")


            def checked_by_method(request):
                url = request.GET["next"]
                if url.startswith("/"):
                    return redirect(url)
        """,
    }, CODE)
    assert len(found) == 5
    assert "`login_done` redirects to a URL taken from the request" in found[0].message


def test_checked_internal_and_same_site_targets_stay_silent(tmp_path):
    check_noop(tmp_path, {
        "app/utils.py": """
            from django.shortcuts import redirect


            def go_back(request, fallback):
                return redirect(fallback)
        """,
        "app/views.py": """
            from django.http import HttpResponseRedirect
            from django.shortcuts import redirect
            from django.urls import reverse
            from django.utils.http import url_has_allowed_host_and_scheme


            def login_done(request):
                target = request.GET.get("next", "/")
                if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                    target = "/"
                return redirect(target)


            def custom_check(request):
                if _allow(request.GET.get("next")):
                    return redirect(request.GET["next"])


            def same_site(request, pk):
                redirect(f"/orders/{pk}/?tab={request.GET['tab']}")
                redirect("/search/?q=" + request.GET["q"])
                redirect("https://example.com/x/%s" % request.GET["x"])
                return redirect(reverse(request.GET["name"]))


            def internal(self):
                return HttpResponseRedirect(self.next_url)


            def path_only(request):
                return redirect(request.get_full_path())


            def referer(request):
                return redirect(request.META.get("HTTP_REFERER", "/"))


            def ignored(request):
                return redirect(request.GET["next"])  # noqa: DJE409
        """,
    }, CODE)
