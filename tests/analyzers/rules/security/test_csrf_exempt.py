from tests.analyzers.rules.helpers import check_noop, findings

CODE = "DJE406"


def test_exempt_views_that_use_the_session_are_reported(tmp_path):
    found = findings(tmp_path, {
        "app/views.py": """
            from django.contrib.auth import login
            from django.contrib.auth.decorators import login_required
            from django.contrib.auth.mixins import LoginRequiredMixin
            from django.utils.decorators import method_decorator
            from django.views import View
            from django.views.decorators.csrf import csrf_exempt


            @csrf_exempt
            def update_email(request):
                request.user.email = request.POST["email"]
                request.user.save()


            @csrf_exempt
            @login_required
            def delete(request, pk):
                pass


            @csrf_exempt
            def sign_in(request):
                login(request, authenticate(request))


            @method_decorator(csrf_exempt, name="dispatch")
            class Settings(LoginRequiredMixin, View):
                def post(self, request):
                    pass


            class Cart(View):
                @method_decorator(csrf_exempt)
                def dispatch(self, request, *args, **kwargs):
                    return super().dispatch(request, *args, **kwargs)

                def post(self, request):
                    cart = request.session.get("cart", [])
                    cart.append(request.POST["item"])


            class Account(LoginRequiredMixin, View):
                pass
        """,
        "app/urls.py": """
            from django.urls import path
            from django.views.decorators.csrf import csrf_exempt

            from app import views

            urlpatterns = [path("account/", csrf_exempt(views.Account.as_view()))]
        """,
    }, CODE)
    messages = [f.message for f in found]
    assert len(found) == 6, messages
    reads_user = "`update_email` is csrf_exempt but acts for the signed-in user (it reads request.user)"
    assert any(reads_user in m for m in messages)
    assert any("`Account` is csrf_exempt" in m and "requires a login" in m for m in messages)


def test_machine_endpoints_safe_methods_and_drf_stay_silent(tmp_path):
    check_noop(tmp_path, {
        "app/views.py": """
            import hmac

            from django.http import HttpResponse
            from django.urls import path
            from django.utils.decorators import method_decorator
            from django.views import View
            from django.views.decorators.csrf import csrf_exempt
            from django.views.decorators.http import require_GET
            from rest_framework.decorators import api_view
            from rest_framework.views import APIView


            @csrf_exempt
            def stripe_webhook(request):
                signature = request.headers["Stripe-Signature"]
                request.session["paid"] = True
                request.session.cycle_key()
                return HttpResponse(hmac.compare_digest(signature, "x"))


            @csrf_exempt
            @require_GET
            def feed(request):
                return HttpResponse(request.user.username)


            @csrf_exempt
            @api_view(["POST"])
            def api(request):
                return HttpResponse(request.user.username)


            @method_decorator(csrf_exempt, name="dispatch")
            class Ping(View):
                def post(self, request, check_id):
                    return HttpResponse("ok")


            @method_decorator(csrf_exempt, name="dispatch")
            class Api(APIView):
                def post(self, request):
                    return HttpResponse(request.user.username)


            @csrf_exempt  # noqa: DJE406
            def legacy(request):
                return HttpResponse(request.user.username)


            urlpatterns = [path("ping/", csrf_exempt(Ping.as_view())), path("h/", csrf_exempt(stripe_webhook))]
        """,
    }, CODE)


GRAPHQL_VIEW = """
    from django.views.decorators.csrf import csrf_exempt
    from strawberry.django.views import GraphQLView

    from app.auth import token_user


    class TokenGraphQLView(GraphQLView):
        @csrf_exempt
        def dispatch(self, request, *args, **kwargs):
            if not request.user.is_authenticated:
                request.user = token_user(request)
            return super().dispatch(request, *args, **kwargs)
"""
GRAPHQL_SCHEMA = """
    import strawberry


    @strawberry.type
    class Query:
        name: str = "netbox"


    schema = strawberry.Schema(query=Query, config=None)
"""


def test_a_graphql_view_whose_schemas_have_no_mutation_stays_silent(tmp_path):
    # netbox: the GraphQL API is read-only (Query only); csrf_exempt lets token clients in and
    # a cross-site page can neither change anything nor read the answer.
    files = {"app/views.py": GRAPHQL_VIEW, "app/auth.py": "def token_user(request):\n    return None\n"}
    check_noop(tmp_path / "read-only", {**files, "app/schema.py": GRAPHQL_SCHEMA}, CODE)
    # With a mutation in the schema, or no schema the analyser can see, it is reported.
    mutating = GRAPHQL_SCHEMA.replace("config=None", "mutation=Mutation, config=None").replace(
        "    schema =", "    @strawberry.type\n    class Mutation:\n        ok: bool = True\n\n\n    schema =")
    for name, extra in {"mutating": {"app/schema.py": mutating}, "unseen": {}}.items():
        found = findings(tmp_path / name, {**files, **extra}, CODE)
        assert len(found) == 1, name
