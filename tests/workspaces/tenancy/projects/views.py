from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import DetailView, ListView

from orgs.scoping import visible_documents

from .models import Document


class DocumentListView(LoginRequiredMixin, ListView):
    template_name = "projects/document_list.html"
    context_object_name = "documents"

    def get_queryset(self):
        return visible_documents(self.request.user)


class DocumentDetailView(LoginRequiredMixin, DetailView):
    model = Document
    template_name = "projects/document_detail.html"


class DocumentPrintView(LoginRequiredMixin, DetailView):
    template_name = "projects/document_detail.html"

    def get_queryset(self):
        return Document.objects.for_user(self.request.user)
