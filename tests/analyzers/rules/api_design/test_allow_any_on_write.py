from tests.analyzers.rules.helpers import check_noop, findings

CODE = "DJE305"

MODELS = """
    from django.db import models


    class Article(models.Model):
        title = models.CharField(max_length=20)
"""


def test_allow_any_on_views_that_change_data_is_reported(tmp_path):
    found = findings(tmp_path, {
        "app/models.py": MODELS,
        "app/base.py": """
            from rest_framework.permissions import AllowAny
            from rest_framework.views import APIView


            class PublicView(APIView):
                permission_classes = (AllowAny,)
        """,
        "app/views.py": """
            from rest_framework import generics, mixins, permissions, viewsets
            from rest_framework.decorators import api_view, permission_classes
            from rest_framework.permissions import AllowAny
            from rest_framework.views import APIView

            from app.base import PublicView
            from app.models import Article


            class ArticleViewSet(viewsets.ModelViewSet):
                queryset = Article.objects.all()
                permission_classes = [AllowAny]


            class Detail(generics.RetrieveUpdateDestroyAPIView):
                permission_classes = [permissions.AllowAny]


            class Mixed(mixins.DestroyModelMixin, viewsets.GenericViewSet):
                permission_classes = []


            class Remove(PublicView):
                def delete(self, request, pk):
                    pass


            @api_view(["GET", "DELETE"])
            @permission_classes([AllowAny])
            def remove(request, pk):
                pass
        """,
    }, CODE)
    messages = {f.message.split("`")[1]: f for f in found}
    assert sorted(messages) == ["ArticleViewSet", "Detail", "Mixed", "Remove", "remove"]
    assert "accepts PUT, PATCH, DELETE" in messages["ArticleViewSet"].message
    assert "inherited from `PublicView`" in messages["Remove"].message
    assert messages["Remove"].related


def test_public_reads_posts_and_restricted_writes_stay_silent(tmp_path):
    check_noop(tmp_path, {
        "app/models.py": MODELS,
        "app/views.py": """
            from rest_framework import generics, permissions, viewsets
            from rest_framework.decorators import api_view, permission_classes
            from rest_framework.permissions import AllowAny
            from rest_framework.views import APIView

            from app.models import Article


            class Catalog(viewsets.ReadOnlyModelViewSet):
                queryset = Article.objects.all()
                permission_classes = [AllowAny]


            class Register(generics.CreateAPIView):
                permission_classes = [AllowAny]


            class Login(APIView):
                permission_classes = [AllowAny]

                def post(self, request):
                    pass


            class ReadOnlyMethods(viewsets.ModelViewSet):
                permission_classes = [AllowAny]
                http_method_names = ["get", "post"]


            class Guarded(viewsets.ModelViewSet):
                permission_classes = [permissions.IsAuthenticatedOrReadOnly]


            class Dynamic(viewsets.ModelViewSet):
                permission_classes = [AllowAny]

                def get_permissions(self):
                    return super().get_permissions()


            class Ignored(viewsets.ModelViewSet):
                permission_classes = [AllowAny]  # noqa: DJE305


            @api_view(["POST"])
            @permission_classes([AllowAny])
            def login(request):
                pass
        """,
    }, CODE)
