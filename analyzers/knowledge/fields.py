"""Django's model field classes as data: what `get_internal_type()` returns, which relation a
field makes, how its positional arguments are named and which options Django sets itself.

The models builder walks a field's class hierarchy until it meets a class listed here, so a
project's `MoneyField(models.DecimalField)` is known to be a DecimalField. Figures are those
of Django 5.2 (checked against the runtime by tests/oracle).
"""

from __future__ import annotations

from dataclasses import dataclass

# Relation kinds.
MANY_TO_ONE = "many_to_one"  # ForeignKey
ONE_TO_ONE = "one_to_one"  # OneToOneField
MANY_TO_MANY = "many_to_many"  # ManyToManyField
GENERIC_FOREIGN_KEY = "generic_foreign_key"  # contenttypes GenericForeignKey (private, no column)
GENERIC_RELATION = "generic_relation"  # contenttypes GenericRelation (private, one-to-many)
FOREIGN_OBJECT = "foreign_object"  # ForeignObject (no column of its own)

# The reverse-relation class Django creates for each forward relation kind.
REL_CLASSES = {
    MANY_TO_ONE: "ManyToOneRel",
    ONE_TO_ONE: "OneToOneRel",
    MANY_TO_MANY: "ManyToManyRel",
    GENERIC_RELATION: "GenericRel",
    FOREIGN_OBJECT: "ForeignObjectRel",
}

_PLAIN = ("verbose_name", "name", "primary_key", "max_length", "unique", "blank", "null", "db_index")


@dataclass(frozen=True, slots=True)
class FieldKind:
    """One Django field class.

    `positional` names the constructor's positional parameters; `defaults` are options
    Django's constructor fills when the caller leaves them out; `forced` are options it
    sets whatever the caller passed.
    """

    name: str
    internal_type: str
    relation: str | None = None
    positional: tuple[str, ...] = _PLAIN
    defaults: tuple[tuple[str, object], ...] = ()
    forced: tuple[tuple[str, object], ...] = ()
    auto: bool = False  # an AutoField: the type of an implicit primary key
    # `get_internal_type()` is Field's own: it returns the class name, so a subclass
    # (`TreeForeignKey(ForeignKey)`) reports its own name.
    named_by_class: bool = False

    @property
    def private(self) -> bool:
        """Stored in `_meta.private_fields` (no column, recopied into every child)."""
        return self.relation in (GENERIC_FOREIGN_KEY, GENERIC_RELATION)

    @property
    def has_column(self) -> bool:
        return self.relation not in (GENERIC_FOREIGN_KEY, GENERIC_RELATION, FOREIGN_OBJECT)


def _kinds(*kinds: FieldKind) -> dict[str, FieldKind]:
    return {kind.name: kind for kind in kinds}


_DATE = ("verbose_name", "name", "auto_now", "auto_now_add")
_FK = ("to", "on_delete", "related_name", "related_query_name", "limit_choices_to", "parent_link", "to_field",
       "db_constraint")
_AUTO = (("blank", True),)

FIELD_KINDS: dict[str, FieldKind] = _kinds(
    FieldKind("Field", "Field", named_by_class=True),
    FieldKind("AutoField", "AutoField", defaults=_AUTO, forced=_AUTO, auto=True),
    FieldKind("BigAutoField", "BigAutoField", defaults=_AUTO, forced=_AUTO, auto=True),
    FieldKind("SmallAutoField", "SmallAutoField", defaults=_AUTO, forced=_AUTO, auto=True),
    FieldKind("BigIntegerField", "BigIntegerField"),
    FieldKind("BinaryField", "BinaryField", defaults=(("editable", False),)),
    FieldKind("BooleanField", "BooleanField"),
    FieldKind("CharField", "CharField"),
    FieldKind("CommaSeparatedIntegerField", "CharField"),
    FieldKind("DateField", "DateField", positional=_DATE),
    FieldKind("DateTimeField", "DateTimeField", positional=_DATE),
    FieldKind("DecimalField", "DecimalField", positional=("verbose_name", "name", "max_digits", "decimal_places")),
    FieldKind("DurationField", "DurationField"),
    FieldKind("EmailField", "CharField", defaults=(("max_length", 254),)),
    FieldKind("FileField", "FileField", positional=("verbose_name", "name", "upload_to", "storage"),
              defaults=(("max_length", 100),)),
    FieldKind("FilePathField", "FilePathField",
              positional=("verbose_name", "name", "path", "match", "recursive", "allow_files", "allow_folders"),
              defaults=(("max_length", 100),)),
    FieldKind("FloatField", "FloatField"),
    FieldKind("GenericIPAddressField", "GenericIPAddressField",
              positional=("verbose_name", "name", "protocol", "unpack_ipv4"), forced=(("max_length", 39),)),
    FieldKind("IPAddressField", "IPAddressField", forced=(("max_length", 15),)),
    FieldKind("ImageField", "FileField", positional=("verbose_name", "name", "width_field", "height_field"),
              defaults=(("max_length", 100),)),
    FieldKind("IntegerField", "IntegerField"),
    FieldKind("JSONField", "JSONField", positional=("verbose_name", "name", "encoder", "decoder")),
    FieldKind("NullBooleanField", "BooleanField", forced=(("null", True), ("blank", True))),
    FieldKind("PositiveBigIntegerField", "PositiveBigIntegerField"),
    FieldKind("PositiveIntegerField", "PositiveIntegerField"),
    FieldKind("PositiveSmallIntegerField", "PositiveSmallIntegerField"),
    FieldKind("SlugField", "SlugField", defaults=(("max_length", 50), ("db_index", True))),
    FieldKind("SmallIntegerField", "SmallIntegerField"),
    FieldKind("TextField", "TextField"),
    FieldKind("TimeField", "TimeField", positional=_DATE),
    FieldKind("URLField", "CharField", positional=("verbose_name", "name"), defaults=(("max_length", 200),)),
    FieldKind("UUIDField", "UUIDField", positional=("verbose_name",), forced=(("max_length", 32),)),
    FieldKind("GeneratedField", "GeneratedField", positional=(),
              defaults=(("blank", True), ("editable", False))),
    FieldKind("CompositePrimaryKey", "CompositePrimaryKey", positional=(),
              defaults=(("primary_key", True), ("blank", True), ("editable", False)), named_by_class=True),
    FieldKind("OrderWrt", "IntegerField"),
    # Relations.
    FieldKind("ForeignObject", "ForeignObject", FOREIGN_OBJECT,
              positional=("to", "on_delete", "from_fields", "to_fields", "rel", "related_name"), named_by_class=True),
    FieldKind("ForeignKey", "ForeignKey", MANY_TO_ONE, positional=_FK, defaults=(("db_index", True),),
              named_by_class=True),
    FieldKind("OneToOneField", "OneToOneField", ONE_TO_ONE, positional=("to", "on_delete", "to_field"),
              defaults=(("db_index", True),), forced=(("unique", True),), named_by_class=True),
    FieldKind("ManyToManyField", "ManyToManyField", MANY_TO_MANY,
              positional=("to", "related_name", "related_query_name", "limit_choices_to", "symmetrical", "through",
                          "through_fields", "db_constraint", "db_table", "swappable"), named_by_class=True),
    FieldKind("GenericForeignKey", "GenericForeignKey", GENERIC_FOREIGN_KEY,
              positional=("ct_field", "fk_field", "for_concrete_model"), named_by_class=True),
    FieldKind("GenericRelation", "ManyToManyField", GENERIC_RELATION,
              positional=("to", "object_id_field", "content_type_field", "for_concrete_model",
                          "related_query_name", "limit_choices_to"),
              forced=(("null", True), ("blank", True), ("editable", False))),
    # django.contrib.postgres
    FieldKind("ArrayField", "ArrayField", positional=("base_field", "size"), named_by_class=True),
    FieldKind("HStoreField", "HStoreField", named_by_class=True),
    FieldKind("RangeField", "RangeField", named_by_class=True),
    FieldKind("IntegerRangeField", "IntegerRangeField", named_by_class=True),
    FieldKind("BigIntegerRangeField", "BigIntegerRangeField", named_by_class=True),
    FieldKind("DecimalRangeField", "DecimalRangeField", named_by_class=True),
    FieldKind("DateTimeRangeField", "DateTimeRangeField", named_by_class=True),
    FieldKind("DateRangeField", "DateRangeField", named_by_class=True),
    FieldKind("SearchVectorField", "SearchVectorField", named_by_class=True),
    FieldKind("CICharField", "CICharField", named_by_class=True),
    FieldKind("CIEmailField", "CIEmailField", named_by_class=True),
    FieldKind("CITextField", "CITextField", named_by_class=True),
    # django.contrib.gis
    FieldKind("GeometryField", "GeometryField", named_by_class=True),
    FieldKind("PointField", "PointField", named_by_class=True),
    FieldKind("LineStringField", "LineStringField", named_by_class=True),
    FieldKind("PolygonField", "PolygonField", named_by_class=True),
    FieldKind("MultiPointField", "MultiPointField", named_by_class=True),
    FieldKind("MultiLineStringField", "MultiLineStringField", named_by_class=True),
    FieldKind("MultiPolygonField", "MultiPolygonField", named_by_class=True),
    FieldKind("GeometryCollectionField", "GeometryCollectionField", named_by_class=True),
    FieldKind("RasterField", "RasterField", named_by_class=True),
)

# Modules that define or re-export Django's field classes: a qualified name `<module>.<Class>`
# with a module from this set and a class from FIELD_KINDS is that Django field.
_POSTGRES = "django.contrib.postgres"
_GIS = "django.contrib.gis.db.models"
FIELD_MODULES: frozenset[str] = frozenset({
    "django.db.models",
    "django.db.models.fields",
    "django.db.models.fields.related",
    "django.db.models.fields.files",
    "django.db.models.fields.json",
    "django.db.models.fields.generated",
    "django.db.models.fields.composite",
    "django.db.models.fields.proxy",
    "django.contrib.contenttypes.fields",
    f"{_POSTGRES}.fields",
    f"{_POSTGRES}.fields.array",
    f"{_POSTGRES}.fields.hstore",
    f"{_POSTGRES}.fields.ranges",
    f"{_POSTGRES}.fields.citext",
    f"{_POSTGRES}.fields.jsonb",
    f"{_POSTGRES}.search",
    _GIS,
    f"{_GIS}.fields",
})

# Django's own field class names, longest first, to guess the kind of a field class nobody
# indexed from its name (`TreeForeignKey` -> ForeignKey, `RichTextField` -> TextField).
_BY_SUFFIX = sorted((n for n in FIELD_KINDS if n not in ("Field", "OrderWrt")), key=len, reverse=True)

# The AutoField Django uses when neither DEFAULT_AUTO_FIELD nor the app config say otherwise.
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

# Manager classes of Django itself, for projects whose indexed sources do not include them.
MANAGER_CLASSES: frozenset[str] = frozenset({
    "django.db.models.Manager",
    "django.db.models.manager.Manager",
    "django.db.models.manager.BaseManager",
    "django.db.models.manager.EmptyManager",
    "django.contrib.auth.models.UserManager",
    "django.contrib.auth.base_user.BaseUserManager",
    "django.contrib.auth.models.PermissionManager",
    "django.contrib.auth.models.GroupManager",
    "django.contrib.contenttypes.models.ContentTypeManager",
    "django.contrib.sites.models.SiteManager",
    "django.contrib.sites.managers.CurrentSiteManager",
    "django.contrib.sessions.models.SessionManager",
    "django.contrib.sessions.base_session.BaseSessionManager",
    "django.contrib.admin.models.LogEntryManager",
    "django.contrib.gis.db.models.Manager",
})


def field_kind(qualname: str) -> FieldKind | None:
    """The Django field class a qualified name denotes (`django.db.models.CharField`), else None."""
    module, _, name = qualname.rpartition(".")
    if module in FIELD_MODULES:
        return FIELD_KINDS.get(name)
    return None


def guess_field_kind(name: str) -> FieldKind | None:
    """For a field class the analyser cannot see: the Django field whose name ends its name."""
    for known in _BY_SUFFIX:
        if name.endswith(known):
            return FIELD_KINDS[known]
    return FIELD_KINDS["Field"] if name.endswith("Field") else None
