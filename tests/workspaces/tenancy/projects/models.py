from django.conf import settings
from django.db import models

from orgs.models import Organization


class ProjectQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(memberships__user=user)


class TaskQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(project__memberships__user=user)


class DocumentQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(organization__memberships__user=user)


class Project(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="projects")
    name = models.CharField(max_length=100)
    archived = models.BooleanField(default=False)

    objects = ProjectQuerySet.as_manager()

    def __str__(self):
        return self.name


class ProjectMembership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_memberships")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "project"], name="one_membership_per_project")]

    def __str__(self):
        return f"{self.user} in {self.project}"


class Task(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    done = models.BooleanField(default=False)

    objects = TaskQuerySet.as_manager()

    def __str__(self):
        return self.title


class Comment(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments")
    body = models.TextField()

    def __str__(self):
        return f"{self.author} on {self.task}"


class Document(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)

    objects = DocumentQuerySet.as_manager()

    def __str__(self):
        return self.title


class Announcement(models.Model):
    """News for everyone who visits the site: no owner, no organization."""

    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    published = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.title
