from rest_framework import serializers

from .models import Announcement, Comment, Project, Task


class ProjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = Project
        fields = ["id", "organization", "name", "archived"]
        read_only_fields = ["organization", "archived"]


class TaskSerializer(serializers.ModelSerializer):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all())

    class Meta:
        model = Task
        fields = ["id", "project", "title", "done"]


class QuickTaskSerializer(serializers.ModelSerializer):
    """A task added from the quick-add box, in one of the caller's projects."""

    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.none())

    class Meta:
        model = Task
        fields = ["id", "project", "title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.context["request"].user
        self.fields["project"].queryset = Project.objects.for_user(user)


class TaskMoveSerializer(serializers.Serializer):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all())

    def validate_project(self, project):
        user = self.context["request"].user
        if not Project.objects.for_user(user).filter(pk=project.pk).exists():
            raise serializers.ValidationError("You are not a member of this project.")
        return project


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.ReadOnlyField(source="author.username")

    class Meta:
        model = Comment
        fields = ["id", "task", "author", "body"]


class AnnouncementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Announcement
        fields = ["id", "title", "body", "published"]
