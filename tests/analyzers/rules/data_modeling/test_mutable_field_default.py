from tests.analyzers.rules.helpers import check_fixed, check_noop, findings

CODE = "DJE204"


def test_an_empty_dict_default_is_reported_and_fixed(tmp_path):
    finding = check_fixed(
        tmp_path,
        {"app/models.py": """
            from django.db import models


            class Order(models.Model):
                metadata = models.JSONField(default={}, blank=True)  # extra data

                def __str__(self):
                    return str(self.pk)
        """},
        CODE,
        {"app/models.py": """
            from django.db import models


            class Order(models.Model):
                metadata = models.JSONField(default=dict, blank=True)  # extra data

                def __str__(self):
                    return str(self.pk)
        """},
    )
    assert finding.span.start.line == 4
    assert "`Order.metadata`" in finding.message and "(dict)" in finding.message
    assert finding.fixable.value == "unsafe"


def test_list_literal_and_set_call_are_fixed(tmp_path):
    check_fixed(
        tmp_path,
        {"app/models.py": """
            from django.contrib.postgres.fields import ArrayField
            from django.db.models import CharField, Model


            class Tagged(Model):
                tags = ArrayField(
                    CharField(max_length=20),
                    default=[],
                )
        """},
        CODE,
        {"app/models.py": """
            from django.contrib.postgres.fields import ArrayField
            from django.db.models import CharField, Model


            class Tagged(Model):
                tags = ArrayField(
                    CharField(max_length=20),
                    default=list,
                )
        """},
    )


def test_non_empty_defaults_are_reported_without_a_fix(tmp_path):
    found = findings(
        tmp_path,
        {
            "app/fields.py": """
                from django.db import models


                class TagsField(models.JSONField):
                    pass
            """,
            "app/models.py": """
                from django.db import models
                from .fields import TagsField


                class Settings(models.Model):
                    options = models.JSONField(default={"theme": "light"})
                    seen = TagsField(default=set())
                    flags = models.JSONField(default=dict(a=1))

                    class Meta:
                        abstract = True
            """,
        },
        CODE,
    )
    assert [(f.message.split("`")[1], f.fixable.value) for f in found] == [
        ("Settings.options", "none"), ("Settings.seen", "unsafe"), ("Settings.flags", "none")]


def test_lookalikes_stay_silent(tmp_path):
    check_noop(
        tmp_path,
        {
            "app/fields.py": """
                import copy

                from django.db import models


                class CopyingJSONField(models.JSONField):
                    def get_default(self):
                        return copy.deepcopy(self.default)


                class MultipleFlagField(models.CharField):
                    # baserow: the list default becomes an immutable string of flags
                    def __init__(self, num_flags=8, default=None, **kwargs):
                        if isinstance(default, list):
                            kwargs["default"] = "".join("1" if f else "0" for f in default)
                        super().__init__(**kwargs)
            """,
            "app/models.py": """
                from django.db import models
                from jsonfield import JSONField as LegacyJSONField
                from .fields import CopyingJSONField, MultipleFlagField


                def empty():
                    return {}


                class Profile(models.Model):
                    data = models.JSONField(default=dict)
                    more = models.JSONField(default=empty)
                    pair = models.JSONField(default=(1, 2))
                    name = models.CharField(max_length=20, default="")
                    legacy = LegacyJSONField(default={})
                    copied = CopyingJSONField(default={})
                    flags = MultipleFlagField(default=[False, False, False, False], num_flags=4)
                    ignored = models.JSONField(default={})  # noqa: DJE204

                    def __str__(self):
                        return self.name


                class NotAModel:
                    data = models.JSONField(default={})
            """,
        },
        CODE,
    )
