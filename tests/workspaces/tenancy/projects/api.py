from django.shortcuts import get_object_or_404
from rest_framework import generics, mixins, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, DjangoModelPermissions, IsAdminUser, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import CsrfExemptSessionAuthentication

from .models import Announcement, Comment, Project, Task
from .permissions import IsCommentAuthor
from .serializers import (
    AnnouncementSerializer,
    CommentSerializer,
    ProjectSerializer,
    QuickTaskSerializer,
    TaskMoveSerializer,
    TaskSerializer,
)


class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProjectSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return Project.objects.for_user(self.request.user)

    @action(detail=True, methods=["get"])
    def members(self, request, pk=None):
        project = self.get_object()
        return Response([m.user.username for m in project.memberships.select_related("user")])

    @action(detail=False, methods=["post"])
    def rename(self, request):
        try:
            project = Project.objects.for_user(request.user).get(pk=request.data["project"])
        except Project.DoesNotExist:
            raise NotFound("No such project.")
        project.name = request.data["name"]
        project.save(update_fields=["name"])
        return Response(ProjectSerializer(project).data)

    @action(detail=False, methods=["post"])
    def archive(self, request):
        try:
            project = Project.objects.get(pk=request.data["project"])
        except Project.DoesNotExist:
            raise NotFound("No such project.")
        project.archived = True
        project.save(update_fields=["archived"])
        return Response(ProjectSerializer(project).data)


class TaskViewSet(viewsets.ModelViewSet):
    serializer_class = TaskSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return Task.objects.for_user(self.request.user)

    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        task = self.get_object()
        serializer = TaskMoveSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        task.project = serializer.validated_data["project"]
        task.save(update_fields=["project"])
        return Response(TaskSerializer(task).data)


class QuickTaskCreateView(generics.CreateAPIView):
    serializer_class = QuickTaskSerializer
    permission_classes = [IsAuthenticated]


class TaskSummaryView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request, **kwargs):
        task = get_object_or_404(Task, pk=kwargs["pk"])
        return Response({"title": task.title, "done": task.done, "comments": task.comments.count()})


class TaskActivityView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request, **kwargs):
        task = get_object_or_404(Task.objects.for_user(request.user), pk=kwargs["pk"])
        return Response({"title": task.title, "comments": [c.body for c in task.comments.all()]})


class TaskCompleteView(APIView):
    authentication_classes = [CsrfExemptSessionAuthentication]
    permission_classes = [IsAuthenticated]

    def post(self, request, **kwargs):
        task = get_object_or_404(Task.objects.for_user(request.user), pk=kwargs["pk"])
        task.done = True
        task.save(update_fields=["done"])
        return Response({"done": task.done})


class TaskReopenView(APIView):
    authentication_classes = [SessionAuthentication]
    permission_classes = [IsAuthenticated]

    def post(self, request, **kwargs):
        task = get_object_or_404(Task.objects.for_user(request.user), pk=kwargs["pk"])
        task.done = False
        task.save(update_fields=["done"])
        return Response({"done": task.done})


class OrganizationTaskListView(generics.ListAPIView):
    """Every task of the organizations the user belongs to, for the team board."""

    serializer_class = TaskSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return Task.objects.filter(project__organization__memberships__user=self.request.user)


class CommentViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = CommentSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return Comment.objects.filter(task__in=Task.objects.for_user(self.request.user))

    def perform_create(self, serializer):
        serializer.save(author=self.request.user)


class CommentFeedView(generics.ListAPIView):
    queryset = Comment.objects.select_related("author")
    serializer_class = CommentSerializer
    permission_classes = [IsCommentAuthor | IsAdminUser]


class ProjectDirectoryView(generics.ListAPIView):
    queryset = Project.objects.all()
    serializer_class = ProjectSerializer
    permission_classes = [DjangoModelPermissions]


@api_view(["GET"])
@permission_classes([AllowAny])
def announcement_detail(request, pk):
    announcement = get_object_or_404(Announcement, pk=pk)
    return Response(AnnouncementSerializer(announcement).data)
