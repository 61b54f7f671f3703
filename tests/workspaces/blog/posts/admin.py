from django.contrib import admin

from .models import Comment, Like, Post


class CommentInline(admin.StackedInline):
    model = Comment
    extra = 0


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "status", "published_at"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [CommentInline]


admin.site.register(Like)
