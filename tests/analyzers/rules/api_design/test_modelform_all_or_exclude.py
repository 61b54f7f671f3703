from tests.analyzers.rules.helpers import check_fixed, check_noop, findings

CODE = "DJE308"

MODELS = """
    from django.conf import settings
    from django.db import models


    class Tag(models.Model):
        name = models.CharField(max_length=20)


    class Profile(models.Model):
        user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
        bio = models.TextField(blank=True)
        tags = models.ManyToManyField(Tag, blank=True)
        token = models.CharField(max_length=40, editable=False)
        created = models.DateTimeField(auto_now_add=True)
        website = models.URLField(blank=True)
"""


def test_exclude_becomes_the_fields_the_form_edits(tmp_path):
    finding = check_fixed(tmp_path, {
        "app/models.py": MODELS,
        "app/forms.py": """
            from django import forms

            from app.models import Profile


            class ProfileForm(forms.ModelForm):
                class Meta:
                    model = Profile
                    exclude = ["user"]
        """,
    }, CODE, {"app/forms.py": """
        from django import forms

        from app.models import Profile


        class ProfileForm(forms.ModelForm):
            class Meta:
                model = Profile
                fields = ["bio", "tags", "website"]
    """})
    assert "`ProfileForm` edits every field of `Profile` with exclude" in finding.message


def test_all_becomes_the_explicit_list(tmp_path):
    check_fixed(tmp_path, {
        "app/models.py": MODELS,
        "app/forms.py": """
            from django.forms import ModelForm

            from app import models


            class TagForm(ModelForm):
                class Meta:
                    model = models.Tag
                    fields = "__all__"
        """,
    }, CODE, {"app/forms.py": """
        from django.forms import ModelForm

        from app import models


        class TagForm(ModelForm):
            class Meta:
                model = models.Tag
                fields = ["name"]
    """})


def test_unknown_model_is_reported_without_fix(tmp_path):
    found = findings(tmp_path, {
        "app/forms.py": """
            from django import forms
            from elsewhere import Thing


            class ThingForm(forms.ModelForm):
                class Meta:
                    model = Thing
                    fields = "__all__"
        """,
    }, CODE)
    assert len(found) == 1 and found[0].fix_title == ""


def test_lookalikes_stay_silent(tmp_path):
    check_noop(tmp_path, {
        "app/models.py": MODELS,
        "app/forms.py": """
            from django import forms
            from django.contrib import admin
            from rest_framework import serializers

            from app.models import Profile, Tag


            class Explicit(forms.ModelForm):
                class Meta:
                    model = Profile
                    fields = ["bio"]


            class Plain(forms.Form):
                class Meta:
                    fields = "__all__"


            class TagSerializer(serializers.ModelSerializer):
                class Meta:
                    model = Tag
                    fields = "__all__"


            class TagAdmin(admin.ModelAdmin):
                exclude = ["name"]


            class Ignored(forms.ModelForm):
                class Meta:
                    model = Tag
                    fields = "__all__"  # noqa: DJE308


            class Narrowed(Explicit):
                class Meta(Explicit.Meta):
                    exclude = ["bio"]
        """,
    }, CODE)
