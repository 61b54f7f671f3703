"""Where Django takes a name: which queryset methods, functions and class attributes take
lookup paths, URL names, template names or setting names, and how.

One table for every reader: the language features find the call around the cursor in text
that may not parse, the rules find it in the ast; both ask these functions what the argument
at hand means.
"""

from __future__ import annotations

from dataclasses import dataclass

from django_expert.analyzers.navigation.lookups import FIELDS, FILTER, ONLY, ORDER, PREFETCH, SEARCH, SELECT

# Queryset (and manager) methods whose keyword names are lookup paths.
KEYWORD_METHODS: frozenset[str] = frozenset({"filter", "exclude", "get", "get_or_create", "update_or_create"})
# Keywords of those methods that are not lookups.
NOT_LOOKUPS: frozenset[str] = frozenset({"defaults", "create_defaults"})
# Queryset methods whose positional string arguments are paths, and their mode.
STRING_METHODS: dict[str, str] = {
    "order_by": ORDER, "values": ORDER, "values_list": ORDER, "distinct": ORDER, "latest": ORDER,
    "earliest": ORDER, "only": ONLY, "defer": ONLY, "select_related": SELECT, "prefetch_related": PREFETCH,
}
# Methods whose first argument only is a path (`dates("created", "year")`).
FIRST_ARGUMENT_METHODS: dict[str, str] = {"dates": ORDER, "datetimes": ORDER}
QUERY_METHODS = KEYWORD_METHODS | set(STRING_METHODS) | set(FIRST_ARGUMENT_METHODS) | {
    "annotate", "alias", "aggregate", "update", "all", "none", "count", "exists", "first", "last", "reverse",
    "using", "select_for_update", "in_bulk", "iterator", "delete", "create"}

# Expressions taking a path as their first argument, by class name (any import spelling).
EXPRESSIONS: dict[str, str] = {
    "F": ORDER, "Count": ORDER, "Sum": ORDER, "Avg": ORDER, "Min": ORDER, "Max": ORDER, "StdDev": ORDER,
    "Variance": ORDER, "ArrayAgg": ORDER, "StringAgg": ORDER, "JSONBAgg": ORDER, "BoolAnd": ORDER,
    "BoolOr": ORDER, "OuterRef": None, "Prefetch": PREFETCH, "FilteredRelation": FILTER,
}
# `Q(...)`: keyword names are lookup paths of the queryset it is given to.
Q_NAMES: frozenset[str] = frozenset({"Q"})
_EXPRESSION_MODULES = ("django.db.models", "django.contrib.postgres.aggregates")

# Functions taking a URL name first, and whether a name with "/" or "." is a plain URL.
URL_FUNCTIONS: dict[str, bool] = {
    "django.urls.reverse": False,
    "django.urls.reverse_lazy": False,
    "django.urls.base.reverse": False,
    "django.urls.base.reverse_lazy": False,
    "django.core.urlresolvers.reverse": False,
    "django.core.urlresolvers.reverse_lazy": False,
    "rest_framework.reverse.reverse": False,
    "rest_framework.reverse.reverse_lazy": False,
    "django.shortcuts.redirect": True,
    "django.shortcuts.resolve_url": True,
}
# Functions taking a template name, by qualified name: (position, keyword).
TEMPLATE_FUNCTIONS: dict[str, tuple[int, str]] = {
    "django.shortcuts.render": (1, "template_name"),
    "django.shortcuts.render_to_response": (0, "template_name"),
    "django.template.loader.render_to_string": (0, "template_name"),
    "django.template.loader.get_template": (0, "template_name"),
    "django.template.loader.select_template": (0, "template_name_list"),
    "django.template.response.TemplateResponse": (1, "template"),
    "django.template.response.SimpleTemplateResponse": (0, "template"),
}
TEMPLATE_ALIASES = {
    "django.template.TemplateResponse": "django.template.response.TemplateResponse",
    "django.template.response.TemplateResponse": "django.template.response.TemplateResponse",
    "django.template.SimpleTemplateResponse": "django.template.response.SimpleTemplateResponse",
    "django.template.loader.get_template": "django.template.loader.get_template",
}
SETTINGS = "django.conf.settings"
# getattr/hasattr(settings, "NAME"): a setting name as the second argument.
SETTING_READERS = frozenset({"getattr", "hasattr"})
OVERRIDE_SETTINGS = frozenset({"django.test.override_settings", "django.test.utils.override_settings"})


@dataclass(frozen=True, slots=True)
class Attribute:
    """A class attribute holding names: `mode` for lookup paths (None: not a path), `kind`
    "path" | "template" | "url"; `validate` whether the rules check it (completion always helps)."""

    mode: str | None
    kind: str = "path"
    validate: bool = False


# Class attributes by the kind of class they live in.
META_ATTRIBUTES = {"ordering": Attribute(ORDER, validate=True), "get_latest_by": Attribute(ORDER)}
ADMIN_ATTRIBUTES = {
    "list_display": Attribute(FIELDS), "list_display_links": Attribute(FIELDS), "list_editable": Attribute(FIELDS),
    "list_filter": Attribute(FIELDS, validate=True), "search_fields": Attribute(SEARCH, validate=True),
    "ordering": Attribute(ORDER, validate=True), "list_select_related": Attribute(SELECT, validate=True),
    "raw_id_fields": Attribute(FIELDS), "autocomplete_fields": Attribute(FIELDS),
    "readonly_fields": Attribute(FIELDS), "fields": Attribute(FIELDS), "exclude": Attribute(FIELDS),
    "date_hierarchy": Attribute(FIELDS), "prepopulated_fields": Attribute(FIELDS),
    "filter_horizontal": Attribute(FIELDS), "filter_vertical": Attribute(FIELDS),
    "radio_fields": Attribute(FIELDS), "sortable_by": Attribute(FIELDS),
}
VIEW_ATTRIBUTES = {
    "filterset_fields": Attribute(FIELDS, validate=True), "filter_fields": Attribute(FIELDS, validate=True),
    "search_fields": Attribute(SEARCH, validate=True), "ordering_fields": Attribute(FIELDS),
    "ordering": Attribute(ORDER), "template_name": Attribute(None, "template", validate=True),
    "pattern_name": Attribute(None, "url"), "slug_field": Attribute(FIELDS), "lookup_field": Attribute(FIELDS),
}
ADMIN_BASES = ("django.contrib.admin.options.BaseModelAdmin", "django.contrib.admin.ModelAdmin",
               "django.contrib.admin.options.InlineModelAdmin")
VIEW_BASES = ("django.views.View", "rest_framework.views.APIView", "rest_framework.generics.GenericAPIView")
MODEL = "django.db.models.Model"


def expression_name(qualified: str) -> str | None:
    """The expression class a callee names (`models.F` -> "F", `django.db.models.Count` ->
    "Count"), when it is one of Django's."""
    module, _, name = qualified.rpartition(".")
    known_module = not module or module.startswith(_EXPRESSION_MODULES) or module in ("models", "aggregates")
    return name if (name in EXPRESSIONS or name in Q_NAMES) and known_module else None


def template_function(qualified: str) -> tuple[int, str] | None:
    return TEMPLATE_FUNCTIONS.get(TEMPLATE_ALIASES.get(qualified, qualified))


def method_mode(method: str, argument: int | None, keyword: str | None) -> str | None:
    """The path mode of an argument of a queryset method (keyword: a keyword *name*)."""
    if keyword is not None:
        return FILTER if method in KEYWORD_METHODS and keyword not in NOT_LOOKUPS else None
    if method in STRING_METHODS:
        return STRING_METHODS[method]
    if method in FIRST_ARGUMENT_METHODS and argument == 0:
        return FIRST_ARGUMENT_METHODS[method]
    return None
