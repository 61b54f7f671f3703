from tests.analyzers.rules.helpers import check_fixed, check_noop, findings

CODE = "DJE206"


def test_index_together_is_reported_and_moved_to_indexes(tmp_path):
    finding = check_fixed(
        tmp_path,
        {"app/models.py": """
            from django.db import models


            class Membership(models.Model):
                team = models.CharField(max_length=20)
                joined_at = models.DateTimeField()

                class Meta:
                    ordering = ["team"]
                    index_together = [("team", "joined_at")]

                def __str__(self):
                    return self.team
        """},
        CODE,
        {"app/models.py": """
            from django.db import models


            class Membership(models.Model):
                team = models.CharField(max_length=20)
                joined_at = models.DateTimeField()

                class Meta:
                    ordering = ["team"]
                    indexes = [
                        models.Index(fields=["team", "joined_at"]),
                    ]

                def __str__(self):
                    return self.team
        """},
    )
    assert finding.span.start.line == 9
    assert "removed in Django 5.1" in finding.message
    assert finding.fixable.value == "unsafe"


def test_flat_unique_together_joins_existing_constraints(tmp_path):
    check_fixed(
        tmp_path,
        {"app/models.py": """
            from django.db import models as m


            class Seat(m.Model):
                row = m.IntegerField()
                number = m.IntegerField()

                class Meta:
                    unique_together = ("row", "number")
                    constraints = [
                        m.CheckConstraint(condition=m.Q(row__gte=0), name="row_positive"),
                    ]
        """},
        CODE,
        {"app/models.py": """
            from django.db import models as m


            class Seat(m.Model):
                row = m.IntegerField()
                number = m.IntegerField()

                class Meta:
                    constraints = [
                        m.CheckConstraint(condition=m.Q(row__gte=0), name="row_positive"),
                        m.UniqueConstraint(fields=["row", "number"], name="app_seat_row_number_uniq"),
                    ]
        """},
    )


def test_abstract_base_gets_interpolated_names_and_bare_imports(tmp_path):
    check_fixed(
        tmp_path,
        {"app/models.py": """
            from django.db.models import CharField, Model, UniqueConstraint


            class Base(Model):
                code = CharField(max_length=5)
                site = CharField(max_length=5)

                class Meta:
                    abstract = True
                    unique_together = [["code", "site"], ["site"]]
        """},
        CODE,
        {"app/models.py": """
            from django.db.models import CharField, Model, UniqueConstraint


            class Base(Model):
                code = CharField(max_length=5)
                site = CharField(max_length=5)

                class Meta:
                    abstract = True
                    constraints = [
                        UniqueConstraint(fields=["code", "site"], name="%(app_label)s_%(class)s_code_site_uniq"),
                        UniqueConstraint(fields=["site"], name="%(app_label)s_%(class)s_site_uniq"),
                    ]
        """},
    )


def test_both_options_and_an_unreadable_value(tmp_path):
    found = findings(
        tmp_path,
        {"app/models.py": """
            from django.db import models


            class Slot(models.Model):
                a = models.IntegerField()
                b = models.IntegerField()

                class Meta:
                    unique_together = PAIRS
                    index_together = ["a", "b"]
        """},
        CODE,
    )
    assert sorted((f.span.start.line, f.fixable.value) for f in found) == [(8, "none"), (9, "unsafe")]


def test_lookalikes_stay_silent(tmp_path):
    check_noop(
        tmp_path,
        {
            "app/models.py": """
                from django.db import models


                class Clean(models.Model):
                    a = models.IntegerField()

                    class Meta:
                        unique_together = ()
                        constraints = [models.UniqueConstraint(fields=["a"], name="a_uniq")]


                class Child(Clean):
                    class Meta(Clean.Meta):
                        pass


                class Legacy(models.Model):
                    class Meta:
                        unique_together = [("id",)]  # noqa: DJE206


                class NotAModel:
                    class Meta:
                        unique_together = [("a", "b")]
            """,
            "app/migrations/__init__.py": "",
            "app/migrations/0001_initial.py": """
                from django.db import migrations


                class Migration(migrations.Migration):
                    operations = [migrations.AlterUniqueTogether(name="clean", unique_together={("a",)})]
            """,
        },
        CODE,
    )


def test_unique_together_is_discouraged_and_a_nullable_column_is_the_real_problem(tmp_path):
    found = findings(tmp_path, {"app/models.py": """
        from django.db import models


        class Team(models.Model):
            name = models.CharField(max_length=50)


        class Membership(models.Model):
            team = models.ForeignKey(Team, on_delete=models.CASCADE)
            email = models.EmailField()

            class Meta:
                unique_together = [("team", "email")]


        class Invite(models.Model):
            team = models.ForeignKey(Team, null=True, on_delete=models.SET_NULL)
            email = models.EmailField()

            class Meta:
                unique_together = ("team", "email")
    """}, CODE)
    plain, nullable = sorted(found, key=lambda f: f.span.start.line)
    assert plain.message == ("`Membership.Meta.unique_together` is discouraged (not deprecated) in favour of "
                             "Meta.constraints: a UniqueConstraint has a name you choose and supports conditions")
    assert "deprecated;" not in plain.message and "may be deprecated" not in plain.message
    assert nullable.message.startswith("`Invite.Meta.unique_together` ('team', 'email') enforces nothing for rows "
                                       "where `team` is NULL")
    assert "nulls_distinct=False" in nullable.message
