from tests.analyzers.rules.helpers import check_fixed, check_noop, findings

CODE = "DJE201"


def test_text_field_with_null_is_reported_and_fixed(tmp_path):
    finding = check_fixed(
        tmp_path,
        {"app/models.py": """
            from django.db import models


            class Product(models.Model):
                name = models.CharField(max_length=100)
                description = models.TextField(null=True, blank=True)  # shown on the page

                def __str__(self):
                    return self.name
        """},
        CODE,
        {"app/models.py": """
            from django.db import models


            class Product(models.Model):
                name = models.CharField(max_length=100)
                description = models.TextField(blank=True)  # shown on the page

                def __str__(self):
                    return self.name
        """},
    )
    assert finding.span.start.line == 5
    assert "`Product.description`" in finding.message
    assert finding.fixable.value == "unsafe"


def test_last_keyword_removed_keeps_the_call_well_formed(tmp_path):
    check_fixed(
        tmp_path,
        {"app/models.py": """
            from django.db import models as m


            class Page(m.Model):
                slug = m.SlugField(max_length=50, null=True)

                def __str__(self):
                    return self.slug
        """},
        CODE,
        {"app/models.py": """
            from django.db import models as m


            class Page(m.Model):
                slug = m.SlugField(max_length=50)

                def __str__(self):
                    return self.slug
        """},
    )


def test_subclass_of_a_string_field_and_imported_names(tmp_path):
    found = findings(
        tmp_path,
        {
            "app/fields.py": """
                from django.db.models import CharField


                class CodeField(CharField):
                    pass
            """,
            "app/models.py": """
                from django.db.models import Model, EmailField
                from .fields import CodeField


                class Contact(Model):
                    email = EmailField(null=True)
                    code = CodeField(max_length=5, null=True)

                    def __str__(self):
                        return self.email
            """,
        },
        CODE,
    )
    assert sorted(f.message.split("`")[1] for f in found) == ["Contact.code", "Contact.email"]


def test_reported_once_on_the_abstract_base_not_on_each_child(tmp_path):
    found = findings(
        tmp_path,
        {"app/models.py": """
            from django.db import models


            class Named(models.Model):
                nickname = models.CharField(max_length=20, null=True)

                class Meta:
                    abstract = True


            class Person(Named):
                def __str__(self):
                    return self.nickname or ""
        """},
        CODE,
    )
    assert [f.message.split("`")[1] for f in found] == ["Named.nickname"]


def test_lookalikes_stay_silent(tmp_path):
    check_noop(
        tmp_path,
        {"app/models.py": """
            from django.db import models


            class Account(models.Model):
                # unique and blank: NULLs do not collide where "" would
                external_id = models.CharField(max_length=40, null=True, blank=True, unique=True)
                age = models.IntegerField(null=True)
                notes = models.TextField(null=False)
                flag = models.CharField(max_length=1, null=SOME_SETTING)
                parent = models.ForeignKey("self", null=True, on_delete=models.CASCADE)
                legacy = models.TextField(null=True)  # noqa: DJE201

                def __str__(self):
                    return self.external_id or ""


            class NotAModel:
                name = models.CharField(max_length=10, null=True)
        """},
        CODE,
    )
