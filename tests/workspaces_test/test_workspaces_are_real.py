"""The projects under tests/workspaces/ are real Django projects.

Django itself validates each one (``manage.py check``, no pending migrations)
and the oracle (tests/oracle/django_dump.py) reports the models the fixtures'
README promises. Everything runs on a temporary copy of the workspace so no
db.sqlite3 or __pycache__ lands in the repository.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent.parent
WORKSPACES = TESTS_DIR / "workspaces"
FAKE_SECRET = "fake-prod-secret-for-fixture-tests-0123456789-abcdefghijklmnopqrstuvwxyz"


def _load_runner():
    spec = importlib.util.spec_from_file_location("oracle_runner", TESTS_DIR / "oracle" / "runner.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


runner = _load_runner()

# (id, project dir relative to workspaces/, settings module, extra env, expected model labels)
PROJECTS = [
    (
        "shop-dev",
        "shop",
        "shop.settings.dev",
        {},
        [
            "catalog.Category",
            "catalog.Tag",
            "catalog.Brand",
            "catalog.Product",
            "catalog.FeaturedProduct",
            "catalog.DigitalProduct",
            "orders.Order",
            "orders.Coupon",
            "orders.OrderCoupon",
            "orders.OrderItem",
            "orders.ShippingAddress",
            "accounts.Profile",
            "auth.User",
        ],
    ),
    (
        "shop-prod",
        "shop",
        "shop.settings.prod",
        {"DJANGO_SECRET_KEY": FAKE_SECRET},
        ["catalog.Product", "orders.Order", "orders.OrderItem", "accounts.Profile"],
    ),
    (
        "blog",
        "blog",
        "config.settings",
        {},
        [
            "accounts.User",
            "blog_posts.Post",
            "blog_posts.Comment",
            "blog_posts.Like",
            "sites.Site",
            "flatpages.FlatPage",
            "redirects.Redirect",
        ],
    ),
    # Settings assembled by django-split-settings; settings read with django-environ.
    ("split-settings", "split_settings", "splitsite.settings", {}, ["notes.Note"]),
    ("environ-defaults", "environ_defaults", "envsite.settings", {}, ["inventory.Item"]),
    # A URL conf package built from unpacked, added and imported lists, includes and DRF routers.
    ("urlconf", "urlconf", "urlsite.settings", {}, ["catalog.Category", "catalog.Product", "blog.Post"]),
    ("multi-backend", "multi/backend", "api_project.settings", {}, ["inventory.Warehouse", "inventory.Item"]),
    ("multi-legacy", "multi/legacy", "legacysite.settings", {}, ["billing.Customer", "billing.Invoice"]),
    # The reusable app's sandbox imports the app from ../src, as `pip install -e .` would.
    ("reusable-sandbox", "reusable_app/sandbox", "settings", {"PYTHONPATH": "../src"},
     ["bookshelf.Author", "bookshelf.Book", "bookshelf.Loan"]),
    ("subapps", "subapps", "tracker_site.settings", {}, ["trk.Product", "trk.Finding", "trk.Endpoint"]),
    ("two-projects-api", "two_projects/api", "config.settings.dev", {}, ["accounts.Profile"]),
    ("two-projects-tools", "two_projects/tools", "toolsite.settings", {}, ["auth.User"]),
    # Request data reaching SQL and shell commands through helpers (tests/oracle/test_taint_oracle.py).
    ("taint", "taint", "taint.settings", {}, ["shop.Product"]),
    # Organisations, memberships and the authorization defects of issue 13
    # (tests/oracle/test_tenancy_oracle.py exploits each one).
    ("tenancy-dev", "tenancy", "tenancy.settings.dev", {},
     ["orgs.Organization", "orgs.Membership", "projects.Project", "projects.ProjectMembership", "projects.Task",
      "projects.Comment", "projects.Document", "projects.Announcement", "authtoken.Token", "auth.User"]),
    ("tenancy-prod", "tenancy", "tenancy.settings.prod", {}, ["orgs.Organization", "projects.Task"]),
    # A pytest suite and a unittest suite seeded for the testing rules (DJE6xx, issue 17).
    ("testsuite", "testsuite", "library_site.settings", {}, ["catalog.Author", "catalog.Book"]),
]


@pytest.fixture(scope="module")
def workspace_copy(tmp_path_factory):
    dest = tmp_path_factory.mktemp("ws") / "workspaces"
    shutil.copytree(WORKSPACES, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.sqlite3"))
    return dest


def _manage(project_dir, settings, extra_env, *args):
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", *args, "--settings", settings],
        cwd=project_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "rel, settings, env, expected", [p[1:] for p in PROJECTS], ids=[p[0] for p in PROJECTS]
)
def test_project_is_valid_django(workspace_copy, rel, settings, env, expected):
    project = workspace_copy / rel

    check = _manage(project, settings, env, "check")
    assert check.returncode == 0, check.stderr + check.stdout

    pending = _manage(project, settings, env, "makemigrations", "--check", "--dry-run")
    assert pending.returncode == 0, pending.stderr + pending.stdout
    assert "No changes detected" in pending.stdout

    data = runner.dump(project, settings, env=env)
    assert data["django_version"].startswith("5.")
    missing = sorted(set(expected) - set(data["models"]))
    assert not missing, f"models missing from the dump: {missing}"


def test_shop_prod_deploy_check_warns(workspace_copy):
    proc = _manage(
        workspace_copy / "shop", "shop.settings.prod", {"DJANGO_SECRET_KEY": FAKE_SECRET}, "check", "--deploy"
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "security.W0" in output
    for code in ("security.W004", "security.W008", "security.W016"):
        assert code in output, output


def test_oracle_reports_the_documented_shapes(workspace_copy):
    shop = runner.dump(
        workspace_copy / "shop", "shop.settings.dev", app_labels=["catalog", "orders", "accounts"]
    )
    models = shop["models"]
    assert set(shop["apps"]) == {"catalog", "orders", "accounts"}
    assert "auth.User" not in models

    product = models["catalog.Product"]
    assert product["ordering"] == ["name"]
    assert product["managers"] == ["objects"]
    assert product["abstract_bases"] == ["core.models.TimeStampedModel", "core.mixins.SoftDeleteModel"]
    fields = {f["name"]: f for f in product["fields"]}
    assert fields["description"]["null"] is True
    assert fields["price"]["class"] == "MoneyField"
    assert fields["price"]["internal_type"] == "DecimalField"
    assert fields["created"]["declared_in"] == "core.models.TimeStampedModel"
    assert fields["category"]["reverse_accessor"] == "product_set"
    assert fields["tags"]["related_name"] == "products"
    assert fields["tags"]["through_auto_created"] is True
    assert fields["brand"]["related_query_name"] == "item"

    assert models["catalog.FeaturedProduct"]["proxy"] is True
    assert models["catalog.FeaturedProduct"]["proxy_for"] == "catalog.Product"
    assert models["catalog.FeaturedProduct"]["parents"] == []
    digital = models["catalog.DigitalProduct"]
    assert digital["parents"] == ["catalog.Product"]
    ptr = {f["name"]: f for f in digital["fields"]}["product_ptr"]
    assert ptr["parent_link"] is True and ptr["auto_created"] is True

    assert models["catalog.Tag"]["has_str"] is False
    assert models["catalog.Brand"]["has_str"] is True

    order = models["orders.Order"]
    assert order["module"] == "orders.models.order"
    order_fields = {f["name"]: f for f in order["fields"]}
    assert order_fields["total"]["class"] == "FloatField"
    assert order_fields["customer"]["related_model"] == "auth.User"
    assert order_fields["coupons"]["through"] == "orders.OrderCoupon"
    reverse = {r["accessor"]: r for r in order["reverse_relations"]}
    assert reverse["items"]["related_model"] == "orders.OrderItem"
    assert reverse["shipping_address"]["one_to_one"] is True
    product_reverse = {r["accessor"] for r in product["reverse_relations"]}
    assert "orderitem_set" in product_reverse

    blog = runner.dump(workspace_copy / "blog", "config.settings", app_labels=["accounts", "blog_posts"])
    assert blog["apps"]["blog_posts"]["name"] == "posts"
    user_fields = {f["name"]: f for f in blog["models"]["accounts.User"]["fields"]}
    assert user_fields["friends"]["symmetrical"] is True
    assert user_fields["following"]["symmetrical"] is False
    assert user_fields["following"]["reverse_accessor"] == "followers"
    like_fields = {f["name"]: f for f in blog["models"]["blog_posts.Like"]["fields"]}
    assert like_fields["target"]["class"] == "GenericForeignKey"
    assert like_fields["target"]["private"] is True


def test_oracle_contrib_dump():
    data = runner.dump_contrib()
    assert {"auth.User", "auth.Group", "admin.LogEntry", "sites.Site", "flatpages.FlatPage", "redirects.Redirect"} <= set(
        data["models"]
    )
    assert data["settings_module"] is None


def test_testsuite_unittest_suite_runs(workspace_copy):
    """The seeded unittest cases (DJE602, DJE603 and their look-alikes) are real, passing tests."""
    proc = _manage(workspace_copy / "testsuite", "library_site.settings_ci", {}, "test", "catalog", "-v", "2")
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "Ran 13 tests" in output  # 12 seeded for DJE602/DJE603, 1 loading a JSON fixture (DJE608)
    for name in ("BookReadTests", "BookStockTests", "RestockCommitTests", "ConcurrentReadTests"):
        assert name in output, output
