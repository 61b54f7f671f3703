from django.views.generic import DetailView, ListView

from .models import Post


class PostListView(ListView):
    queryset = Post.objects.filter(status=Post.Status.PUBLISHED).select_related("author")
    template_name = "posts/post_list.html"
    paginate_by = 10


class PostDetailView(DetailView):
    model = Post
    template_name = "posts/post_detail.html"
