"""Task endpoints under an organization's URL (`/api/orgs/<org_id>/tasks/...`), guarded by a
permission class that checks membership of that organization only."""

from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from orgs.permissions import IsMemberOfUrlOrganization

from .models import Task


class OrganizationTaskRenameView(APIView):
    permission_classes = [IsMemberOfUrlOrganization]

    def post(self, request, org_id, pk):
        try:
            task = Task.objects.get(pk=pk)
        except Task.DoesNotExist:
            raise NotFound("No such task.")
        task.title = request.data["title"]
        task.save(update_fields=["title"])
        return Response({"title": task.title})


class OrganizationTaskRetitleView(APIView):
    permission_classes = [IsMemberOfUrlOrganization]

    def post(self, request, org_id, pk):
        try:
            task = Task.objects.get(pk=pk, project__organization_id=org_id)
        except Task.DoesNotExist:
            raise NotFound("No such task.")
        task.title = request.data["title"]
        task.save(update_fields=["title"])
        return Response({"title": task.title})


class OrganizationTaskBulkCompleteView(APIView):
    permission_classes = [IsMemberOfUrlOrganization]

    def post(self, request, org_id):
        tasks = Task.objects.filter(pk__in=request.data["tasks"])
        for task in tasks:
            task.done = True
        Task.objects.bulk_update(tasks, ["done"])
        return Response({"done": len(tasks)})


class OrganizationTaskBulkCloseView(APIView):
    permission_classes = [IsMemberOfUrlOrganization]

    def post(self, request, org_id):
        tasks = Task.objects.filter(pk__in=request.data["tasks"], project__organization_id=org_id)
        for task in tasks:
            task.done = True
        Task.objects.bulk_update(tasks, ["done"])
        return Response({"done": len(tasks)})
