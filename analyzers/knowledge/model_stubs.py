"""Third-party abstract models that projects build on, as declarations the analyser reads in
place of the package when the package's own source is not among the analysed folders.

`class Region(MPTTModel)` or wagtail's `Page(MP_Node)` is a model only if the analyser can
follow its base to `django.db.models.Model`; without django-mptt's or django-treebeard's
source every query and N+1 rule stayed silent on such models, and a lookup of an inherited
field (`level`, `path`, `depth`) could not be checked. Each stub declares what the base
gives its subclasses: its model fields (names, classes and the options rules read), its
managers, its field classes and `Meta.abstract`. Nothing else: no behaviour, no private
helpers. The fields are those of the releases named beside each module; a module the
project's own files or its installed packages (library roots) define wins over its stub.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from django_expert.analyzers.facts.types import FileFacts

STUBS: dict[str, str] = {
    # django-mptt 0.14-0.21: the tree fields MPTTModelBase adds with their default names.
    "mptt.fields": """
from django.db import models
class TreeForeignKey(models.ForeignKey): pass
class TreeOneToOneField(models.OneToOneField): pass
class TreeManyToManyField(models.ManyToManyField): pass
""",
    "mptt.managers": """
from django.db import models
class TreeManager(models.Manager): pass
""",
    "mptt.models": """
from django.db import models
from mptt.fields import TreeForeignKey, TreeManyToManyField, TreeOneToOneField
from mptt.managers import TreeManager
class MPTTModel(models.Model):
    lft = models.PositiveIntegerField(editable=False)
    rght = models.PositiveIntegerField(editable=False)
    tree_id = models.PositiveIntegerField(db_index=True, editable=False)
    level = models.PositiveIntegerField(editable=False)
    objects = TreeManager()
    class Meta:
        abstract = True
""",
    # django-treebeard 4.x-7.x (wagtail's pages, django-cms's tree nodes, oscar's categories).
    "treebeard.models": """
from django.db import models
class NodeManager(models.Manager): pass
class Node(models.Model):
    class Meta:
        abstract = True
""",
    "treebeard.mp_tree": """
from django.db import models
from treebeard.models import Node, NodeManager
class MP_NodeManager(NodeManager): pass
class MP_Node(Node):
    path = models.CharField(max_length=255, unique=True)
    depth = models.PositiveIntegerField()
    numchild = models.PositiveIntegerField(default=0)
    objects = MP_NodeManager()
    class Meta:
        abstract = True
""",
    "treebeard.ns_tree": """
from django.db import models
from treebeard.models import Node, NodeManager
class NS_NodeManager(NodeManager): pass
class NS_Node(Node):
    lft = models.PositiveIntegerField(db_index=True)
    rgt = models.PositiveIntegerField(db_index=True)
    tree_id = models.PositiveIntegerField(db_index=True)
    depth = models.PositiveIntegerField(db_index=True)
    objects = NS_NodeManager()
    class Meta:
        abstract = True
""",
    "treebeard.al_tree": """
from treebeard.models import Node, NodeManager
class AL_NodeManager(NodeManager): pass
class AL_Node(Node):
    objects = AL_NodeManager()
    class Meta:
        abstract = True
""",
    # django-taggit 5-6: the abstract bases (the concrete `taggit.Tag` is the app's own model).
    "taggit.models": """
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
class NaturalKeyManager(models.Manager): pass
class NaturalKeyModel(models.Model):
    class Meta:
        abstract = True
class TagBase(NaturalKeyModel):
    name = models.CharField(unique=True, max_length=100)
    slug = models.SlugField(unique=True, max_length=100, allow_unicode=True)
    objects = NaturalKeyManager()
    def __str__(self):
        return self.name
    class Meta:
        abstract = True
class ItemBase(NaturalKeyModel):
    objects = NaturalKeyManager()
    def __str__(self):
        return "%s tagged with %s"
    class Meta:
        abstract = True
class CommonGenericTaggedItemBase(ItemBase):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE,
                                     related_name="%(app_label)s_%(class)s_tagged_items")
    content_object = GenericForeignKey()
    class Meta:
        abstract = True
class GenericTaggedItemBase(CommonGenericTaggedItemBase):
    object_id = models.IntegerField(db_index=True)
    class Meta:
        abstract = True
class GenericUUIDTaggedItemBase(CommonGenericTaggedItemBase):
    object_id = models.UUIDField(db_index=True)
    class Meta:
        abstract = True
""",
    # django-polymorphic 3-4.
    "polymorphic.managers": """
from django.db import models
class PolymorphicManager(models.Manager): pass
""",
    "polymorphic.models": """
from django.contrib.contenttypes.models import ContentType
from django.db import models
from polymorphic.managers import PolymorphicManager
class PolymorphicModel(models.Model):
    polymorphic_ctype = models.ForeignKey(ContentType, null=True, editable=False, on_delete=models.CASCADE,
                                          related_name="polymorphic_%(app_label)s.%(class)s_set+")
    objects = PolymorphicManager()
    class Meta:
        abstract = True
""",
    # django-model-utils 4-5.
    "model_utils.fields": """
from django.db import models
class AutoCreatedField(models.DateTimeField): pass
class AutoLastModifiedField(AutoCreatedField): pass
class StatusField(models.CharField): pass
class MonitorField(models.DateTimeField): pass
class UUIDField(models.UUIDField): pass
class UrlsafeTokenField(models.CharField): pass
""",
    "model_utils.managers": """
from django.db import models
class SoftDeletableManager(models.Manager): pass
""",
    # The options each field class sets itself are written out (`AutoCreatedField`: not
    # editable, defaults to now); the managers model_utils adds when a class is prepared
    # (`timeframed`, one per STATUS value) depend on the subclass and are left out.
    "model_utils.models": """
from django.db import models
from django.utils.timezone import now
from model_utils.fields import AutoCreatedField, AutoLastModifiedField, MonitorField, StatusField
from model_utils.managers import SoftDeletableManager
class TimeStampedModel(models.Model):
    created = AutoCreatedField(editable=False, default=now)
    modified = AutoLastModifiedField(editable=False, default=now)
    class Meta:
        abstract = True
class TimeFramedModel(models.Model):
    start = models.DateTimeField(null=True, blank=True)
    end = models.DateTimeField(null=True, blank=True)
    class Meta:
        abstract = True
class StatusModel(models.Model):
    status = StatusField(max_length=100, default=None)
    status_changed = MonitorField(default=now)
    class Meta:
        abstract = True
class SoftDeletableModel(models.Model):
    is_removed = models.BooleanField(default=False)
    objects = SoftDeletableManager()
    available_objects = SoftDeletableManager()
    all_objects = models.Manager()
    class Meta:
        abstract = True
""",
    # django-extensions 3-4.
    "django_extensions.db.fields": """
from django.db import models
class AutoSlugField(models.SlugField): pass
class RandomCharField(models.CharField): pass
class CreationDateTimeField(models.DateTimeField): pass
class ModificationDateTimeField(CreationDateTimeField): pass
class ShortUUIDField(models.CharField): pass
""",
    "django_extensions.db.models": """
from django.db import models
from django_extensions.db.fields import AutoSlugField, CreationDateTimeField, ModificationDateTimeField
class TimeStampedModel(models.Model):
    created = CreationDateTimeField(editable=False, blank=True, auto_now_add=True)
    modified = ModificationDateTimeField(editable=False, blank=True, auto_now=True)
    class Meta:
        abstract = True
class TitleDescriptionModel(models.Model):
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True, null=True)
    class Meta:
        abstract = True
class TitleSlugDescriptionModel(TitleDescriptionModel):
    slug = AutoSlugField(populate_from="title", editable=False, blank=True)
    class Meta:
        abstract = True
class ActivatorModel(models.Model):
    status = models.IntegerField(choices=((0, "Inactive"), (1, "Active")), default=1)
    activate_date = models.DateTimeField(blank=True, null=True)
    deactivate_date = models.DateTimeField(blank=True, null=True)
    class Meta:
        abstract = True
""",
}


@functools.cache
def stub_facts() -> dict[str, FileFacts]:
    """The facts of every stub module, extracted once per process."""
    from django_expert.analyzers.facts.extract import extract
    from django_expert.analyzers.parsing import parse_module
    from django_expert.analyzers.source import LineIndex

    found = {}
    for module, text in STUBS.items():
        facts, _ = extract(parse_module(text, f"<{module} stub>"), module, False, LineIndex(text))
        found[module] = facts
    return found


def with_stubs(facts: Mapping[str, FileFacts]) -> Mapping[str, FileFacts]:
    """`facts`, then the stubs of the modules it does not hold (a project's own or installed
    copy of a package wins), for resolving classes and building models. A copy, not a
    ChainMap: the class index and the models look modules up tens of thousands of times per
    model, and ChainMap's `get` (a generator over its maps, twice) cost a netbox field rename
    60 ms."""
    return {**stub_facts(), **facts}
