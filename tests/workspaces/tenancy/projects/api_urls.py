from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("projects", api.ProjectViewSet, basename="project")
router.register("tasks", api.TaskViewSet, basename="task")
router.register("comments", api.CommentViewSet, basename="comment")

urlpatterns = [
    path("tasks/quick/", api.QuickTaskCreateView.as_view(), name="task-quick-create"),
    path("tasks/<int:pk>/summary/", api.TaskSummaryView.as_view(), name="task-summary"),
    path("tasks/<int:pk>/activity/", api.TaskActivityView.as_view(), name="task-activity"),
    path("tasks/<int:pk>/complete/", api.TaskCompleteView.as_view(), name="task-complete"),
    path("tasks/<int:pk>/reopen/", api.TaskReopenView.as_view(), name="task-reopen"),
    path("org-tasks/", api.OrganizationTaskListView.as_view(), name="organization-tasks"),
    path("comments/feed/", api.CommentFeedView.as_view(), name="comment-feed"),
    path("project-directory/", api.ProjectDirectoryView.as_view(), name="project-directory"),
    path("announcements/<int:pk>/", api.announcement_detail, name="announcement-detail"),
    path("", include(router.urls)),
]
