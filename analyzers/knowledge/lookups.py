"""Django's field lookups and transforms (5.2) as data: which names a lookup path may end
with after a field of each type, which transforms change the type, and what each means.

Django registers the plain lookups on `Field` itself, so every concrete field accepts them;
relations (forward and reverse) accept only the related lookups; date and time fields add
transforms (`created__year__gte`). Fields whose lookups depend on more than their type
(JSON keys, arrays, ranges, geometry, a field class we cannot read) are *open*: anything may
follow them, so nothing after them is ever reported. tests/oracle checks this table against
the runtime.
"""

from __future__ import annotations

# Lookups every field accepts (registered on django.db.models.Field), with their meaning.
LOOKUPS: dict[str, str] = {
    "exact": "equal to the value (`None` means IS NULL)",
    "iexact": "equal, ignoring case",
    "contains": "contains the text (case-sensitive)",
    "icontains": "contains the text, ignoring case",
    "in": "in the given iterable or subquery",
    "gt": "greater than",
    "gte": "greater than or equal to",
    "lt": "less than",
    "lte": "less than or equal to",
    "startswith": "starts with the text (case-sensitive)",
    "istartswith": "starts with the text, ignoring case",
    "endswith": "ends with the text (case-sensitive)",
    "iendswith": "ends with the text, ignoring case",
    "range": "between two values, inclusive (`(start, end)`)",
    "isnull": "IS NULL when True, IS NOT NULL when False",
    "regex": "matches the regular expression (case-sensitive)",
    "iregex": "matches the regular expression, ignoring case",
}

# What a relation (ForeignKey, OneToOne, ManyToMany, and their reverse sides) accepts after it.
RELATED_LOOKUPS: tuple[str, ...] = ("exact", "in", "isnull", "gt", "gte", "lt", "lte")

_EXTRACT = "IntegerField"
_DATE_TRANSFORMS = {
    "year": (_EXTRACT, "the year"),
    "iso_year": (_EXTRACT, "the ISO-8601 week-numbering year"),
    "month": (_EXTRACT, "the month (1-12)"),
    "day": (_EXTRACT, "the day of the month"),
    "week": (_EXTRACT, "the ISO-8601 week number (1-52/53)"),
    "week_day": (_EXTRACT, "the day of the week (1 = Sunday ... 7 = Saturday)"),
    "iso_week_day": (_EXTRACT, "the ISO-8601 day of the week (1 = Monday ... 7 = Sunday)"),
    "quarter": (_EXTRACT, "the quarter of the year (1-4)"),
}
_TIME_TRANSFORMS = {
    "hour": (_EXTRACT, "the hour (0-23)"),
    "minute": (_EXTRACT, "the minute (0-59)"),
    "second": (_EXTRACT, "the second (0-59)"),
}

# Transforms by Django field class: name -> (the field class of the result, meaning).
TRANSFORMS: dict[str, dict[str, tuple[str, str]]] = {
    "DateField": _DATE_TRANSFORMS,
    "DateTimeField": {
        **_DATE_TRANSFORMS,
        **_TIME_TRANSFORMS,
        "date": ("DateField", "the date part (in the current time zone)"),
        "time": ("TimeField", "the time part (in the current time zone)"),
    },
    "TimeField": _TIME_TRANSFORMS,
}

# django.contrib.postgres registers these on CharField and TextField (and their subclasses)
# when it is installed: name -> (True for a transform, meaning).
POSTGRES_TEXT: dict[str, tuple[bool, str]] = {
    "unaccent": (True, "the text without accents (PostgreSQL `unaccent` extension)"),
    "search": (False, "full-text search match (PostgreSQL)"),
    "trigram_similar": (False, "trigram similarity above the threshold (pg_trgm)"),
    "trigram_word_similar": (False, "trigram word similarity above the threshold (pg_trgm)"),
    "trigram_strict_word_similar": (False, "strict trigram word similarity above the threshold (pg_trgm)"),
}

# Django field classes by what they derive from, where it changes the lookups: the date
# transforms follow DateField's subclasses, the PostgreSQL text lookups CharField's and TextField's.
PARENTS: dict[str, str] = {
    "DateTimeField": "DateField",
    "EmailField": "CharField",
    "SlugField": "CharField",
    "URLField": "CharField",
    "CommaSeparatedIntegerField": "CharField",
    "BigAutoField": "AutoField",
    "SmallAutoField": "AutoField",
}

# Field classes after which any name may follow (keys, indexes, their own lookups).
OPEN_KINDS: frozenset[str] = frozenset({
    "JSONField", "HStoreField", "ArrayField", "RangeField", "IntegerRangeField", "BigIntegerRangeField",
    "DecimalRangeField", "DateTimeRangeField", "DateRangeField", "SearchVectorField", "CICharField",
    "CIEmailField", "CITextField", "GeometryField", "PointField", "LineStringField", "PolygonField",
    "MultiPointField", "MultiLineStringField", "MultiPolygonField", "GeometryCollectionField", "RasterField",
    "GeneratedField", "CompositePrimaryKey", "Field", "ForeignObject",
})

# JSONField's own lookups, offered by completion (keys may follow too).
JSON_LOOKUPS: dict[str, str] = {
    "contains": "the JSON value contains the given key/value pairs",
    "contained_by": "the JSON value is a subset of the given one",
    "has_key": "the top-level key exists",
    "has_keys": "all the given top-level keys exist",
    "has_any_keys": "any of the given top-level keys exists",
    "isnull": "IS NULL when True (a JSON null is matched by `=None`)",
}

# Lookups completion offers first, by the kind of value.
TEXT_FIRST = ("icontains", "iexact", "exact", "istartswith", "startswith", "in", "isnull")
NUMBER_FIRST = ("exact", "gt", "gte", "lt", "lte", "in", "range", "isnull")
TEXT_KINDS = frozenset({"CharField", "TextField", "EmailField", "SlugField", "URLField", "UUIDField",
                        "FilePathField", "FileField", "ImageField", "GenericIPAddressField", "IPAddressField"})
# Lookups that only make sense on text (completion hides them elsewhere; Django accepts them).
TEXT_ONLY = frozenset({"iexact", "contains", "icontains", "startswith", "istartswith", "endswith", "iendswith",
                       "regex", "iregex"})


def ancestry(kind: str) -> tuple[str, ...]:
    """`kind` and the Django field classes it derives from that matter for lookups."""
    chain = [kind]
    while chain[-1] in PARENTS and len(chain) < 8:
        chain.append(PARENTS[chain[-1]])
    return tuple(chain)


def transforms_of(kind: str) -> dict[str, tuple[str, str]]:
    """The transforms a field of this Django class accepts (inherited ones included)."""
    found: dict[str, tuple[str, str]] = {}
    for name in reversed(ancestry(kind)):
        found.update(TRANSFORMS.get(name, {}))
    return found


def is_text(kind: str) -> bool:
    return any(name in ("CharField", "TextField") for name in ancestry(kind))

