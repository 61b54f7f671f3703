"""Unit tests of the static models (analyzers/project/models.py) on source strings.

tests/oracle/test_model_oracle.py compares the same answers with what Django reports for
real projects; these tests pin down each rule on the smallest source that shows it.
"""

from __future__ import annotations

from django_expert.analyzers.project.model import Recording
from tests.analyzers.project.build import project_from_sources

SETTINGS = """
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "shop", "blog.apps.BlogConfig"]
"""

AUTH = {
    "django.contrib.auth.models": """
        from django.db import models

        class AbstractUser(models.Model):
            username = models.CharField(max_length=150, unique=True)

            class Meta:
                abstract = True

        class User(AbstractUser):
            class Meta(AbstractUser.Meta):
                swappable = "AUTH_USER_MODEL"
    """,
}


def fields(info) -> list[str]:
    return [f.name for f in info.fields]


def reverse(info) -> list[tuple[str | None, str, str]]:
    return [(r.accessor, r.related_model, r.field) for r in info.reverse_relations()]


# -- fields ----------------------------------------------------------------------------------


def test_fields_come_in_declaration_order_after_the_implicit_id() -> None:
    project = project_from_sources({"shop.models": """
        from django.db import models

        class Order(models.Model):
            number = models.CharField(max_length=20)
            placed = models.DateTimeField(auto_now_add=True)
            note = models.TextField(null=True, blank=True)

            def total(self):
                return 0
    """})
    order = project.model("shop.Order")
    assert fields(order) == ["id", "number", "placed", "note"]
    id_field = order.field("id")
    assert (id_field.kind, id_field.primary_key, id_field.auto_created) == ("AutoField", True, True)
    assert id_field.unique
    assert order.pk == "id"
    assert order.field("note").null and order.field("note").blank
    assert order.field("placed").blank  # auto_now_add makes a field blank
    assert order.field("number").max_length == 20


def test_every_spelling_of_a_field_class_is_recognised() -> None:
    project = project_from_sources({
        "shop.models": """
            from django.db import models as m
            from django.db.models import ForeignKey, CASCADE
            from django.db.models.fields.related import OneToOneField
            import django.db.models

            class Customer(m.Model):
                name = m.CharField(max_length=10)

            class Order(django.db.models.Model):
                customer = ForeignKey(Customer, on_delete=CASCADE)
                invoice = OneToOneField("shop.Customer", CASCADE, related_name="invoice_order")
                code = django.db.models.SlugField()
        """,
        "shop.legacy": """
            from django.db.models import *

            class Old(Model):
                title = CharField(max_length=5)
        """,
    })
    order = project.model("shop.Order")
    assert [(f.name, f.kind) for f in order.fields] == [
        ("id", "AutoField"), ("customer", "ForeignKey"), ("invoice", "OneToOneField"), ("code", "SlugField")]
    assert order.field("customer").related_model == "shop.Customer"
    assert order.field("invoice").on_delete == "CASCADE"
    assert fields(project.model("shop.Old")) == ["id", "title"]


def test_a_model_base_re_exported_by_a_project_module_is_followed() -> None:
    project = project_from_sources({
        "common.db": """
            from django.db.models import Model, CharField
        """,
        "shop.models": """
            from common import db

            class Item(db.Model):
                name = db.CharField(max_length=5)
        """,
    })
    assert fields(project.model("shop.Item")) == ["id", "name"]


def test_field_kinds_follow_the_nearest_django_class() -> None:
    project = project_from_sources({
        "core.fields": """
            from django.db import models

            class MoneyField(models.DecimalField):
                pass

            class TreeForeignKey(models.ForeignKey):
                pass
        """,
        "shop.models": """
            from ckeditor.fields import RichTextField
            from django.db import models

            from core.fields import MoneyField, TreeForeignKey

            class Item(models.Model):
                price = MoneyField(max_digits=12, decimal_places=2)
                email = models.EmailField()
                parent = TreeForeignKey("self", models.CASCADE, null=True)
                body = RichTextField()
        """,
    })
    item = project.model("shop.Item")
    price, email, parent, body = (item.field(n) for n in ("price", "email", "parent", "body"))
    assert price.field_class == "core.fields.MoneyField"
    assert (price.kind, price.internal_type) == ("DecimalField", "DecimalField")
    assert (email.kind, email.internal_type, email.max_length) == ("EmailField", "CharField", 254)
    # ForeignKey's get_internal_type() is Field's: the class name.
    assert (parent.kind, parent.internal_type, parent.related_model) == ("ForeignKey", "TreeForeignKey", "shop.Item")
    assert (body.kind, body.inferred) == ("TextField", True)


def test_django_defaults_for_indexes_and_uniqueness() -> None:
    project = project_from_sources({"shop.models": """
        from django.db import models

        class Tag(models.Model):
            slug = models.SlugField()
            plain = models.SlugField(db_index=False)

        class Item(models.Model):
            tag = models.ForeignKey(Tag, models.CASCADE)
            unindexed = models.ForeignKey(Tag, models.CASCADE, db_index=False, related_name="+")
            one = models.OneToOneField(Tag, models.CASCADE, unique=False, related_name="only")
    """})
    tag, item = project.model("shop.Tag"), project.model("shop.Item")
    assert (tag.field("slug").db_index, tag.field("slug").max_length) == (True, 50)
    assert not tag.field("plain").db_index
    assert item.field("tag").db_index and not item.field("unindexed").db_index
    assert item.field("one").unique  # OneToOneField forces unique=True
    assert item.field("tag").attname == "tag_id" and item.field("tag").column == "tag_id"


# -- relation targets and reverse relations --------------------------------------------------


def test_relation_targets_resolve_like_django() -> None:
    project = project_from_sources({
        "shop.models": """
            from django.conf import settings
            from django.db import models

            from blog.models import Post

            class Category(models.Model):
                parent = models.ForeignKey("self", models.CASCADE, null=True)

            class Product(models.Model):
                category = models.ForeignKey("Category", models.CASCADE)
                same = models.ForeignKey("shop.category", models.CASCADE, related_name="+")
                post = models.ForeignKey(Post, models.CASCADE)
                owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE)
        """,
        "blog.models": """
            from .post import Post
        """,
        "blog.models.post": """
            from django.db import models

            class Post(models.Model):
                title = models.CharField(max_length=5)
        """,
    })
    product = project.model("shop.Product")
    assert project.model("shop.Category").field("parent").related_model == "shop.Category"
    assert product.field("category").related_model == "shop.Category"
    assert product.field("same").related_model == "shop.Category"  # model names are case-insensitive
    assert product.field("post").related_model == "blog.Post"
    assert product.field("post").related_qualname == "blog.models.post.Post"
    owner = product.field("owner")
    assert (owner.related_model, owner.related_qualname) == ("auth.User", None)  # auth is not indexed here


def test_reverse_relations_and_their_names() -> None:
    project = project_from_sources({"shop.models": """
        from django.db import models

        class Customer(models.Model):
            friends = models.ManyToManyField("self")

        class Order(models.Model):
            customer = models.ForeignKey(Customer, models.CASCADE)
            buyer = models.ForeignKey(Customer, models.CASCADE, related_name="purchases", related_query_name="purchase")
            hidden = models.ForeignKey(Customer, models.CASCADE, related_name="+")

        class Profile(models.Model):
            customer = models.OneToOneField(Customer, models.CASCADE)
            tags = models.ManyToManyField(Customer, related_name="tagged_profiles")
    """})
    customer = project.model("shop.Customer")
    by_field = {(r.related_model, r.field): r for r in customer.reverse_relations()}
    assert by_field[("shop.Order", "customer")].accessor == "order_set"
    assert by_field[("shop.Order", "customer")].name == "order"
    buyer = by_field[("shop.Order", "buyer")]
    assert (buyer.accessor, buyer.name) == ("purchases", "purchase")
    assert by_field[("shop.Order", "hidden")].hidden
    assert by_field[("shop.Profile", "customer")].accessor == "profile"
    assert by_field[("shop.Profile", "tags")].accessor == "tagged_profiles"
    friends = by_field[("shop.Customer", "friends")]
    assert (friends.accessor, friends.related_name, friends.hidden) == (None, "friends_rel_+", True)
    through = by_field[("shop.Profile_tags", "customer")]
    assert through.through_auto_created and through.hidden and through.accessor == "Profile_tags+"
    assert customer.reverse_relation("purchases") is by_field[("shop.Order", "buyer")]
    assert customer.reverse_relation("order") is by_field[("shop.Order", "customer")]
    order = project.model("shop.Order")
    assert order.field("buyer").reverse_accessor == "purchases"
    assert order.field("customer").related_query_name == "order"
    assert project.model("shop.Profile").field("tags").through == "shop.Profile_tags"


def test_names_on_abstract_bases_are_interpolated_per_child() -> None:
    project = project_from_sources({"shop.models": """
        from django.db import models

        class Owner(models.Model):
            pass

        class Owned(models.Model):
            owner = models.ForeignKey(Owner, models.CASCADE, related_name="%(app_label)s_%(class)s_set",
                                      related_query_name="%(class)ss")

            class Meta:
                abstract = True

        class Car(Owned):
            pass

        class Boat(Owned):
            pass
    """})
    assert project.model("shop.Car").field("owner").related_name == "shop_car_set"
    assert project.model("shop.Boat").field("owner").related_query_name == "boats"
    assert [r.accessor for r in project.model("shop.Owner").reverse_relations()] == ["shop_car_set", "shop_boat_set"]
    assert project.model("shop.Owned").reverse_relations() == ()


# -- inheritance -----------------------------------------------------------------------------


def test_abstract_bases_give_fields_and_meta_but_not_abstractness() -> None:
    project = project_from_sources({
        "core.models": """
            from django.db import models

            class Stamped(models.Model):
                created = models.DateTimeField(auto_now_add=True)
                label = models.CharField(max_length=5)

                class Meta:
                    abstract = True
                    ordering = ["-created"]

            class Named(models.Model):
                name = models.CharField(max_length=5)

                class Meta:
                    abstract = True

                def __str__(self):
                    return self.name
        """,
        "shop.models": """
            from django.db import models

            from core.models import Named, Stamped

            class Brand(Stamped, Named):
                label = None
                website = models.URLField()
        """,
    })
    brand = project.model("shop.Brand")
    assert not brand.abstract and project.model("core.Stamped").abstract
    assert fields(brand) == ["id", "created", "name", "website"]  # `label = None` removes the field
    name = brand.field("name")
    assert (name.defined_in, name.declared_in) == ("shop.Brand", "core.models.Named")
    assert (name.module, name.location_key) == ("core.models", "Named.name")
    assert project.locations_of("core.models").get(name.location_key) is not None
    assert brand.ordering == ("-created",)
    assert brand.abstract_bases == ("core.models.Stamped", "core.models.Named")
    assert brand.has_str is True
    assert brand.declared_fields == (brand.field("website"),)


def test_proxy_models_share_the_concrete_model() -> None:
    project = project_from_sources({"shop.models": """
        from django.db import models

        class Product(models.Model):
            name = models.CharField(max_length=5)

            class Meta:
                ordering = ["name"]

        class Featured(Product):
            class Meta:
                proxy = True

        class Line(models.Model):
            product = models.ForeignKey(Featured, models.CASCADE)
    """})
    featured = project.model("shop.Featured")
    assert featured.proxy and featured.proxy_for == "shop.Product" and featured.concrete_model == "shop.Product"
    assert fields(featured) == ["id", "name"] and {f.defined_in for f in featured.fields} == {"shop.Product"}
    assert (featured.pk, featured.db_table, featured.ordering) == ("id", "shop_product", ("name",))
    assert featured.concrete_parents == () and featured.ancestors == ("shop.Product",)
    # A relation to a proxy is a reverse relation of its concrete model, targeting the proxy.
    (relation,) = project.model("shop.Product").reverse_relations()
    assert (relation.related_model, relation.target) == ("shop.Line", "shop.Featured")
    assert featured.reverse_relations() == (relation,)


def test_multi_table_inheritance_adds_a_parent_link() -> None:
    project = project_from_sources({"shop.models": """
        from django.db import models

        class Place(models.Model):
            name = models.CharField(max_length=5)

        class Restaurant(Place):
            pizza = models.BooleanField(default=False)

        class Italian(Restaurant):
            pasta = models.BooleanField(default=True)
    """})
    italian = project.model("shop.Italian")
    assert fields(italian) == ["id", "name", "place_ptr", "pizza", "restaurant_ptr", "pasta"]
    assert [f.defined_in for f in italian.fields] == ["shop.Place"] * 2 + ["shop.Restaurant"] * 2 + ["shop.Italian"] * 2
    ptr = italian.field("restaurant_ptr")
    assert (ptr.kind, ptr.primary_key, ptr.auto_created, ptr.parent_link, ptr.related_model) == (
        "OneToOneField", True, True, True, "shop.Restaurant")
    assert italian.pk == "restaurant_ptr"
    assert (italian.concrete_parents, italian.ancestors) == (("shop.Restaurant",), ("shop.Restaurant", "shop.Place"))
    assert reverse(project.model("shop.Place")) == [("restaurant", "shop.Restaurant", "place_ptr")]
    assert reverse(project.model("shop.Restaurant")) == [("italian", "shop.Italian", "restaurant_ptr")]
    assert reverse(italian) == []


def test_inheritance_cycles_do_not_hang() -> None:
    project = project_from_sources({"shop.models": """
        from django.db import models

        class A(B, models.Model):
            a = models.IntegerField()

        class B(A):
            b = models.IntegerField()

        class C(C):
            pass
    """})
    # Python could not even define these; the analyser only has to answer something, quickly.
    for info in project.models():
        assert info.fields is not None and info.reverse_relations() is not None
        assert info.ordering is not None and info.managers is not None
    assert "a" in fields(project.model("shop.A"))
    assert project.model("shop.C") is None


# -- model details ---------------------------------------------------------------------------


def test_meta_details() -> None:
    project = project_from_sources({"shop.models": """
        from django.db import models
        from django.utils.translation import gettext_lazy as _

        class OrderLine(models.Model):
            order = models.IntegerField()
            sku = models.CharField(max_length=5)

            class Meta:
                unique_together = ("order", "sku")
                verbose_name = _("line of an order")

        class HTTPLog(models.Model):
            class Meta:
                db_table = "logs"
                order_with_respect_to = "id"
    """})
    line, log = project.model("shop.OrderLine"), project.model("shop.HTTPLog")
    assert line.unique_together == (("order", "sku"),)
    assert (line.verbose_name, line.verbose_name_plural) == ("line of an order", "line of an orders")
    assert (line.db_table, log.db_table) == ("shop_orderline", "logs")
    assert log.verbose_name == "http log"
    assert fields(log) == ["id", "_order"] and log.ordering == ("_order",)


def test_has_str_follows_the_mro() -> None:
    project = project_from_sources({"shop.models": """
        from django.db import models
        from somewhere import Mystery

        class Named:
            def __str__(self):
                return "x"

        class Own(models.Model):
            def __str__(self):
                return "own"

        class MixinFirst(Named, models.Model):
            pass

        class MixinAfterModel(models.Model, Named):
            pass

        class Plain(models.Model):
            pass

        class Unknown(Mystery, models.Model):
            pass
    """})
    answers = {name: project.model(f"shop.{name}").has_str
               for name in ("Own", "MixinFirst", "MixinAfterModel", "Plain", "Unknown")}
    assert answers == {"Own": True, "MixinFirst": True, "MixinAfterModel": False, "Plain": False, "Unknown": None}


def test_managers() -> None:
    project = project_from_sources({"shop.models": """
        from django.db import models

        class LiveQuerySet(models.QuerySet):
            pass

        LiveManager = models.Manager.from_queryset(LiveQuerySet)

        class Base(models.Model):
            live = LiveQuerySet.as_manager()

            class Meta:
                abstract = True

        class Plain(models.Model):
            pass

        class Article(Base):
            objects = models.Manager()
            fresh = LiveManager()

            class Meta:
                default_manager_name = "fresh"

        class Note(Base):
            pass
    """})
    assert project.model("shop.Plain").managers == ("objects",)
    article = project.model("shop.Article")
    assert (article.managers, article.default_manager) == (("objects", "fresh", "live"), "fresh")
    note = project.model("shop.Note")
    assert (note.managers, note.default_manager) == (("live",), "live")


def test_the_implicit_primary_key_type() -> None:
    sources = {
        "t.settings": SETTINGS + 'DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"\n',
        "shop.models": """
            from django.db import models

            class Item(models.Model):
                pass
        """,
        "blog.apps": """
            from django.apps import AppConfig

            class BlogConfig(AppConfig):
                name = "blog"
                label = "journal"
                default_auto_field = "django.db.models.SmallAutoField"
        """,
        "blog.models": """
            from django.db import models

            class Post(models.Model):
                pass
        """,
    }
    without_settings = project_from_sources({"shop.models": sources["shop.models"]})
    assert without_settings.model("shop.Item").field("id").kind == "AutoField"
    project = project_from_sources(sources, settings="t.settings")
    assert project.model("shop.Item").field("id").kind == "BigAutoField"
    post = project.model("journal.Post")
    assert post.field("id").kind == "SmallAutoField" and post.app_label == "journal"
    assert project.model("blog.Post") is None


def test_a_swapped_user_model_is_not_registered() -> None:
    sources = {
        "t.settings": SETTINGS + 'AUTH_USER_MODEL = "shop.Member"\n',
        "shop.models": """
            from django.conf import settings
            from django.contrib.auth.models import AbstractUser
            from django.db import models

            class Member(AbstractUser):
                pass

            class Order(models.Model):
                buyer = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE)
        """,
        "stray.models": """
            from django.db import models

            class Stray(models.Model):
                pass
        """,
    }
    project = project_from_sources(sources, settings="t.settings", library=AUTH)
    user = project.model("auth.User")
    assert user.swapped == "shop.Member" and not user.registered
    assert project.model("settings.AUTH_USER_MODEL").label == "shop.Member"
    assert project.model("shop.Order").field("buyer").related_model == "shop.Member"
    assert fields(project.model("shop.Member")) == ["id", "username"]
    stray = project.model("stray.Stray")
    assert not stray.installed and not stray.registered
    registered = [m.label for m in project._models.registered()]
    assert registered == ["shop.Member", "shop.Order"]
    assert reverse(project.model("shop.Member")) == [("order_set", "shop.Order", "buyer")]


def test_an_unevaluable_abstract_follows_whether_the_app_is_installed() -> None:
    library = {"rest_framework.authtoken.models": """
        from django.conf import settings
        from django.db import models

        class Token(models.Model):
            key = models.CharField(max_length=40, primary_key=True)

            class Meta:
                abstract = "rest_framework.authtoken" not in settings.INSTALLED_APPS
    """}
    base = "INSTALLED_APPS = ['rest_framework'%s]\n"
    without = project_from_sources({"t.settings": base % ""}, settings="t.settings", library=library)
    assert without.model("rest_framework.Token").abstract
    installed = project_from_sources({"t.settings": base % ", 'rest_framework.authtoken'"}, settings="t.settings",
                                     library=library)
    assert installed.model("authtoken.Token").registered


def test_generic_relations() -> None:
    project = project_from_sources({"shop.models": """
        from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
        from django.db import models

        class Like(models.Model):
            object_id = models.PositiveIntegerField()
            target = GenericForeignKey("content_type", "object_id")

        class Post(models.Model):
            likes = GenericRelation(Like, related_query_name="post")
            title = models.CharField(max_length=5)
    """})
    like, post = project.model("shop.Like"), project.model("shop.Post")
    target = like.field("target")
    assert (target.private, target.concrete, target.is_relation, target.related_model) == (True, False, True, None)
    assert fields(post) == ["id", "title", "likes"]  # private fields come last
    likes = post.field("likes")
    assert (likes.internal_type, likes.null, likes.one_to_many, likes.related_model) == (
        "ManyToManyField", True, True, "shop.Like")
    (relation,) = like.reverse_relations()
    assert (relation.rel_class, relation.name, relation.hidden) == ("GenericRel", "post", False)


# -- lookups, keys, laziness -----------------------------------------------------------------


def test_lookup_by_label_qualname_and_written_name() -> None:
    project = project_from_sources({
        "shop.models": """
            from .order import Order
        """,
        "shop.models.order": """
            from django.db import models

            class Order(models.Model):
                pass
        """,
        "shop.views": """
            from shop import models
            from shop.models import Order as O
        """,
    })
    order = project.model("shop.Order")
    assert order.qualname == "shop.models.order.Order"
    assert project.model("shop.order") is order
    assert project.model("shop.models.Order") is order  # through the re-export
    assert project.model("O", "shop.views") is order
    assert project.model("models.Order", "shop.views") is order
    assert project.model("Order", "shop.views") is order  # same app label
    assert project.model("shop.Missing") is None and project.model("self") is None


def test_answers_carry_the_keys_they_read() -> None:
    project = project_from_sources({
        "core.models": """
            from django.db import models

            class Stamped(models.Model):
                created = models.DateTimeField()

                class Meta:
                    abstract = True
        """,
        "shop.models": """
            from django.db import models

            from core.models import Stamped

            class Category(models.Model):
                pass

            class Product(Stamped):
                category = models.ForeignKey(Category, models.CASCADE)
        """,
    })
    with Recording() as keys:
        product = project.model("shop.Product")
    assert {("class", "shop.models.Product"), ("class", "core.models.Stamped"), ("module", "core.models")} <= keys
    # The relation's target depends on which classes are models, not on Category's body.
    assert ("classes",) in keys and ("class", "shop.models.Category") not in keys
    with Recording() as keys:
        project.model("shop.Category")
    assert ("classes",) not in keys  # a model without relations does not depend on every class
    with Recording() as keys:
        product.reverse_relations()
    assert {("classes",), ("relations",)} <= keys


def test_build_models_leaves_the_details_for_later() -> None:
    project = project_from_sources({"shop.models": """
        from django.db import models

        class Order(models.Model):
            number = models.CharField(max_length=5)
    """})
    index = project._models
    assert index._builder._sims == {}  # nothing simulated until asked
    assert index.by_label("shop.Order").field("number") is not None
    assert set(index._builder._sims) == {"shop.models.Order"}
