"""The bases of Django and DRF classes the analyser does not parse, by qualified name.

Projects subclass these; the class index extends an MRO through this table so that
`class OrderViewSet(ModelViewSet)` is known to be a GenericAPIView, an APIView and a
ViewSet without reading DRF's source. Public import paths are listed (what users write)
with their parents; aliases map other public spellings onto one name.
"""

from __future__ import annotations

_DRF = "rest_framework"
_V = "django.views.generic"

EXTERNAL_BASES: dict[str, tuple[str, ...]] = {
    # Django models and forms
    "django.db.models.Model": (),
    "django.db.models.QuerySet": (),
    "django.db.models.Manager": (),
    "django.contrib.admin.ModelAdmin": ("django.contrib.admin.options.BaseModelAdmin",),
    "django.contrib.admin.TabularInline": ("django.contrib.admin.options.InlineModelAdmin",),
    "django.contrib.admin.StackedInline": ("django.contrib.admin.options.InlineModelAdmin",),
    "django.contrib.admin.options.InlineModelAdmin": ("django.contrib.admin.options.BaseModelAdmin",),
    "django.forms.ModelForm": ("django.forms.BaseModelForm",),
    "django.forms.Form": ("django.forms.BaseForm",),
    "django.apps.AppConfig": (),
    "django.db.migrations.Migration": (),
    "django.core.management.base.BaseCommand": (),
    "django.test.TestCase": ("django.test.TransactionTestCase",),
    "django.test.TransactionTestCase": ("django.test.SimpleTestCase",),
    # Django class-based views
    "django.views.View": (),
    f"{_V}.TemplateView": ("django.views.View",),
    f"{_V}.RedirectView": ("django.views.View",),
    f"{_V}.ListView": (f"{_V}.list.MultipleObjectMixin", "django.views.View"),
    f"{_V}.DetailView": (f"{_V}.detail.SingleObjectMixin", "django.views.View"),
    f"{_V}.CreateView": (f"{_V}.edit.ModelFormMixin", "django.views.View"),
    f"{_V}.UpdateView": (f"{_V}.edit.ModelFormMixin", "django.views.View"),
    f"{_V}.DeleteView": (f"{_V}.detail.SingleObjectMixin", "django.views.View"),
    f"{_V}.FormView": (f"{_V}.edit.FormMixin", "django.views.View"),
    # DRF serializers
    f"{_DRF}.serializers.BaseSerializer": (),
    f"{_DRF}.serializers.Serializer": (f"{_DRF}.serializers.BaseSerializer",),
    f"{_DRF}.serializers.ListSerializer": (f"{_DRF}.serializers.BaseSerializer",),
    f"{_DRF}.serializers.ModelSerializer": (f"{_DRF}.serializers.Serializer",),
    f"{_DRF}.serializers.HyperlinkedModelSerializer": (f"{_DRF}.serializers.ModelSerializer",),
    # DRF views
    f"{_DRF}.views.APIView": ("django.views.View",),
    f"{_DRF}.generics.GenericAPIView": (f"{_DRF}.views.APIView",),
    f"{_DRF}.viewsets.ViewSetMixin": (),
    f"{_DRF}.viewsets.ViewSet": (f"{_DRF}.viewsets.ViewSetMixin", f"{_DRF}.views.APIView"),
    f"{_DRF}.viewsets.GenericViewSet": (f"{_DRF}.viewsets.ViewSetMixin", f"{_DRF}.generics.GenericAPIView"),
    f"{_DRF}.viewsets.ReadOnlyModelViewSet": (
        f"{_DRF}.mixins.RetrieveModelMixin", f"{_DRF}.mixins.ListModelMixin", f"{_DRF}.viewsets.GenericViewSet"),
    f"{_DRF}.viewsets.ModelViewSet": (
        f"{_DRF}.mixins.CreateModelMixin", f"{_DRF}.mixins.RetrieveModelMixin", f"{_DRF}.mixins.UpdateModelMixin",
        f"{_DRF}.mixins.DestroyModelMixin", f"{_DRF}.mixins.ListModelMixin", f"{_DRF}.viewsets.GenericViewSet"),
    f"{_DRF}.generics.CreateAPIView": (f"{_DRF}.mixins.CreateModelMixin", f"{_DRF}.generics.GenericAPIView"),
    f"{_DRF}.generics.ListAPIView": (f"{_DRF}.mixins.ListModelMixin", f"{_DRF}.generics.GenericAPIView"),
    f"{_DRF}.generics.RetrieveAPIView": (f"{_DRF}.mixins.RetrieveModelMixin", f"{_DRF}.generics.GenericAPIView"),
    f"{_DRF}.generics.DestroyAPIView": (f"{_DRF}.mixins.DestroyModelMixin", f"{_DRF}.generics.GenericAPIView"),
    f"{_DRF}.generics.UpdateAPIView": (f"{_DRF}.mixins.UpdateModelMixin", f"{_DRF}.generics.GenericAPIView"),
    f"{_DRF}.generics.ListCreateAPIView": (
        f"{_DRF}.mixins.ListModelMixin", f"{_DRF}.mixins.CreateModelMixin", f"{_DRF}.generics.GenericAPIView"),
    f"{_DRF}.generics.RetrieveUpdateAPIView": (
        f"{_DRF}.mixins.RetrieveModelMixin", f"{_DRF}.mixins.UpdateModelMixin", f"{_DRF}.generics.GenericAPIView"),
    f"{_DRF}.generics.RetrieveDestroyAPIView": (
        f"{_DRF}.mixins.RetrieveModelMixin", f"{_DRF}.mixins.DestroyModelMixin", f"{_DRF}.generics.GenericAPIView"),
    f"{_DRF}.generics.RetrieveUpdateDestroyAPIView": (
        f"{_DRF}.mixins.RetrieveModelMixin", f"{_DRF}.mixins.UpdateModelMixin", f"{_DRF}.mixins.DestroyModelMixin",
        f"{_DRF}.generics.GenericAPIView"),
}

# Other public spellings of the same classes.
ALIASES: dict[str, str] = {
    "django.db.models.base.Model": "django.db.models.Model",
    "django.db.models.query.QuerySet": "django.db.models.QuerySet",
    "django.db.models.manager.Manager": "django.db.models.Manager",
    "django.contrib.admin.options.ModelAdmin": "django.contrib.admin.ModelAdmin",
    "django.contrib.admin.options.TabularInline": "django.contrib.admin.TabularInline",
    "django.contrib.admin.options.StackedInline": "django.contrib.admin.StackedInline",
    "django.contrib.gis.admin.ModelAdmin": "django.contrib.admin.ModelAdmin",
    "django.forms.models.ModelForm": "django.forms.ModelForm",
    "django.forms.forms.Form": "django.forms.Form",
    "django.views.generic.base.View": "django.views.View",
    "django.views.generic.View": "django.views.View",
    "django.views.generic.base.TemplateView": "django.views.generic.TemplateView",
    "django.views.generic.list.ListView": "django.views.generic.ListView",
    "django.views.generic.detail.DetailView": "django.views.generic.DetailView",
    "django.views.generic.edit.CreateView": "django.views.generic.CreateView",
    "django.views.generic.edit.UpdateView": "django.views.generic.UpdateView",
    "django.views.generic.edit.DeleteView": "django.views.generic.DeleteView",
    "django.views.generic.edit.FormView": "django.views.generic.FormView",
    "django.apps.config.AppConfig": "django.apps.AppConfig",
    "django.db.migrations.migration.Migration": "django.db.migrations.Migration",
    "django.test.testcases.TestCase": "django.test.TestCase",
    "django.contrib.gis.db.models.Model": "django.db.models.Model",
}
