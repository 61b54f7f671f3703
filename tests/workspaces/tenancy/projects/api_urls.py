from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import api, org_api

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
    path("orgs/<int:org_id>/tasks/<int:pk>/rename/", org_api.OrganizationTaskRenameView.as_view(),
         name="org-task-rename"),
    path("orgs/<int:org_id>/tasks/<int:pk>/retitle/", org_api.OrganizationTaskRetitleView.as_view(),
         name="org-task-retitle"),
    path("orgs/<int:org_id>/tasks/bulk-complete/", org_api.OrganizationTaskBulkCompleteView.as_view(),
         name="org-task-bulk-complete"),
    path("orgs/<int:org_id>/tasks/bulk-close/", org_api.OrganizationTaskBulkCloseView.as_view(),
         name="org-task-bulk-close"),
    path("", include(router.urls)),
]
