from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from rest_framework import generics, serializers

from .models import Post


def home(request):
    return HttpResponse("home")


def about(request):
    return HttpResponse("about")


def contact(request):
    return HttpResponse("contact")


def health(request):
    return JsonResponse({"ok": True})


def legacy(request, year):
    return HttpResponse(year)


def post_list(request):
    return HttpResponse(", ".join(Post.objects.values_list("title", flat=True)))


def post_detail(request, slug):
    return HttpResponse(get_object_or_404(Post, slug=slug).title)


def feed(request):
    return HttpResponse("feed", content_type="application/rss+xml")


class PostSerializer(serializers.ModelSerializer):
    class Meta:
        model = Post
        fields = ["id", "title", "slug"]


class PostListAPI(generics.ListAPIView):
    queryset = Post.objects.all()
    serializer_class = PostSerializer
