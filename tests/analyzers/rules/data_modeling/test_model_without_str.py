from tests.analyzers.rules.helpers import check_fixed, check_noop, findings

CODE = "DJE202"


def test_model_without_str_gets_one_returning_its_name_field(tmp_path):
    finding = check_fixed(
        tmp_path,
        {"app/models.py": """
            from django.db import models


            class Tag(models.Model):
                slug = models.SlugField()
                name = models.CharField(max_length=50)  # the label

                class Meta:
                    ordering = ["name"]

                def get_absolute_url(self):
                    return f"/tags/{self.slug}/"
        """},
        CODE,
        {"app/models.py": """
            from django.db import models


            class Tag(models.Model):
                slug = models.SlugField()
                name = models.CharField(max_length=50)  # the label

                class Meta:
                    ordering = ["name"]

                def __str__(self):
                    return self.name

                def get_absolute_url(self):
                    return f"/tags/{self.slug}/"
        """},
    )
    assert finding.span.start.line == 3 and finding.fixable.value == "unsafe", "str() of every object changes"


def test_model_with_no_text_field_shows_verbose_name_and_pk(tmp_path):
    check_fixed(
        tmp_path,
        {"app/models.py": """
            from django.db import models


            class Reading(models.Model):
                value = models.FloatField()
        """},
        CODE,
        {"app/models.py": """
            from django.db import models


            class Reading(models.Model):
                value = models.FloatField()

                def __str__(self):
                    return f"{self._meta.verbose_name} {self.pk}"
        """},
    )


def test_str_inherited_from_abstract_base_mixin_or_parent_counts(tmp_path):
    check_noop(
        tmp_path,
        {
            "app/mixins.py": """
                class Labelled:
                    def __str__(self):
                        return self.label
            """,
            "app/models.py": """
                from django.db import models
                from .mixins import Labelled


                class Named(models.Model):
                    name = models.CharField(max_length=10)

                    class Meta:
                        abstract = True

                    def __str__(self):
                        return self.name


                class City(Named):
                    pass


                class Badge(Labelled, models.Model):
                    label = models.CharField(max_length=10)


                class Capital(City):
                    pass


                class CityProxy(City):
                    class Meta:
                        proxy = True


                class Base(models.Model):
                    class Meta:
                        abstract = True
            """,
        },
        CODE,
    )


def test_only_concrete_models_without_str_are_reported(tmp_path):
    found = findings(
        tmp_path,
        {"app/models.py": """
            from django.db import models


            class Event(models.Model):
                title = models.CharField(max_length=10)


            class Talk(Event):
                room = models.CharField(max_length=10)
        """},
        CODE,
    )
    assert [f.message.split("`")[1] for f in found] == ["Event", "Talk"]


def test_the_admin_is_named_only_when_the_project_installs_it(tmp_path):
    models = {"app/models.py": """
        from django.db import models


        class Tag(models.Model):
            name = models.CharField(max_length=50)
    """}
    [without] = findings(tmp_path / "plain", models, CODE)
    assert "admin" not in without.message
    assert without.message.endswith('shows as "Tag object (1)" in forms, logs and the shell')
    settings = {"config/settings.py": """
        SECRET_KEY = "x"
        INSTALLED_APPS = ["django.contrib.admin", "django.contrib.contenttypes", "django.contrib.auth", "app"]
    """}
    [with_admin] = findings(tmp_path / "admin", {**models, **settings}, CODE)
    assert with_admin.message.endswith('shows as "Tag object (1)" in the admin, forms and logs')
