"""The migration graph read from migration modules' facts."""

from django_expert.analyzers.facts.values import Const
from django_expert.analyzers.project.migrations import migration_graph, migration_node
from django_expert.analyzers.project.model import Recording

from tests.analyzers.rules.helpers import engine_for


def migration(dependencies: str, operations: str, extra: str = "") -> str:
    return (
        "from django.conf import settings\nfrom django.db import migrations, models\n\n\n"
        f"class Migration(migrations.Migration):\n{extra}    dependencies = [{dependencies}]\n"
        f"    operations = [{operations}]\n"
    )


FILES = {
    "config/settings.py": (
        'SECRET_KEY = "x"\nINSTALLED_APPS = ["django.contrib.auth", "app", "shop.apps.ShopConfig"]\n'
    ),
    "shop/__init__.py": "",
    "shop/apps.py": "from django.apps import AppConfig\n\n\nclass ShopConfig(AppConfig):\n"
                    "    name = 'shop'\n    label = 'store'\n",
    "app/migrations/__init__.py": "",
    "app/migrations/0001_initial.py": migration(
        "migrations.swappable_dependency(settings.AUTH_USER_MODEL)",
        'migrations.CreateModel(name="Order", fields=[("id", models.AutoField(primary_key=True))]),'
        'migrations.CreateModel(name="Draft", fields=[], options={"proxy": True}),',
        extra="    initial = True\n"),
    "app/migrations/0002_order_paid.py": migration(
        '("app", "0001_initial")',
        'migrations.AddField("order", "paid", models.BooleanField(default=False)),'
        'migrations.RenameModel("Order", "Purchase"),'),
    "app/migrations/0003_delete.py": migration(
        '("app", "0002_order_paid"), ("store", "__first__")', 'migrations.DeleteModel("Draft"),'),
    # squashed: replaces 0002 and 0003; both originals are still on disk
    "app/migrations/0002_squashed_0003.py": migration(
        '("app", "0001_initial")', 'migrations.RenameModel("Order", "Purchase"),',
        extra='    replaces = [("app", "0002_order_paid"), ("app", "0003_delete")]\n'),
    "app/migrations/0004_last.py": migration('("app", "0003_delete")', ""),
    "shop/migrations/__init__.py": "",
    "shop/migrations/0001_initial.py": migration("", 'migrations.CreateModel("Item", [("id", models.AutoField())]),'),
    "shop/migrations/0002_dynamic.py": migration('("store", "0001_initial")', "").replace(
        "operations = []", "operations = make_operations()"),
}


def test_nodes_labels_and_order(tmp_path):
    engine, _root = engine_for(tmp_path, FILES)
    project = engine.projects[0].model
    graph = migration_graph(project)
    assert graph.apps() == ("app", "store")
    assert [m.name for m in graph.migrations("app")] == ["0001_initial", "0002_squashed_0003", "0004_last"]
    assert graph.superseded == {("app", "0002_order_paid"), ("app", "0003_delete")}
    assert migration_node(project, "shop.migrations.0002_dynamic") == ("store", "0002_dynamic")
    initial = graph.get("app", "0001_initial")
    assert initial.initial is True and initial.dependencies == (("auth", "__first__"),)
    assert [op.kind for op in initial.operations] == ["CreateModel", "CreateModel"]
    assert graph.get("store", "0002_dynamic").operations is None


def test_ancestors_go_through_the_squash_and_first(tmp_path):
    engine, _root = engine_for(tmp_path, FILES)
    graph = migration_graph(engine.projects[0].model)
    with Recording() as keys:
        ancestors, complete = graph.ancestors(("app", "0004_last"))
    assert ancestors == [("app", "0001_initial"), ("app", "0002_squashed_0003")]
    assert complete
    assert ("class", "app.migrations.0002_squashed_0003.Migration") in keys
    ancestors, complete = graph.ancestors(("app", "0003_delete"))
    assert ("store", "0001_initial") in ancestors and complete


def test_models_before_and_after(tmp_path):
    engine, _root = engine_for(tmp_path, FILES)
    graph = migration_graph(engine.projects[0].model)
    before = graph.models_before(("app", "0004_last"))
    assert before.certain
    assert set(before.models) == {"purchase", "draft"}
    purchase = before.models["purchase"]
    assert purchase.created_in == ("app", "0001_initial") and purchase.fields == ["id"]
    assert purchase.has_table is True
    assert before.models["draft"].has_table is False and before.models["draft"].options["proxy"] == Const(True)
    after_original = graph.models_after(("app", "0002_order_paid"))
    assert after_original.models["purchase"].fields == ["id", "paid"]
    assert not graph.models_before(("store", "0003_missing")).certain
    assert not graph.models_after(("store", "0002_dynamic")).certain


def test_a_missing_dependency_makes_the_history_uncertain(tmp_path):
    files = dict(FILES)
    files["app/migrations/0005_broken.py"] = migration('("app", "0004_gone")', "")
    engine, _root = engine_for(tmp_path, files)
    graph = migration_graph(engine.projects[0].model)
    ancestors, complete = graph.ancestors(("app", "0005_broken"))
    assert ancestors == [] and not complete
