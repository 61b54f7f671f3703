"""Oracle: dump what Django itself reports about a project's models, as JSON.

This script is the ground truth the static analyser is compared against. It is
only ever run as a SUBPROCESS by the tests (see ``runner.py``); the analyser
never imports it and never imports the analysed project.

Usage::

    python tests/oracle/django_dump.py PROJECT_ROOT SETTINGS_MODULE [--app-labels a,b]
    python tests/oracle/django_dump.py --contrib [--app-labels a,b]

The first form puts PROJECT_ROOT first on ``sys.path``, sets
``DJANGO_SETTINGS_MODULE`` and calls ``django.setup()``. The second form
configures minimal settings in-process (auth, admin, contenttypes, sessions,
sites, flatpages, redirects, messages) and dumps those contrib apps.

Anything the project prints while it is imported goes to stderr; stdout holds
exactly one JSON object::

    {"django_version": "5.2.x",
     "settings_module": "shop.settings.dev" | null,
     "apps": {label: {"name", "path", "verbose_name", "config_class"}},
     "models": {"app_label.ModelName": {...}}}

Choices made for each model entry (documented here so tests can rely on them):

* Models are those of ``apps.get_models()``: abstract models are never listed
  (Django does not register them), swapped models (``auth.User`` when
  ``AUTH_USER_MODEL`` points elsewhere) are skipped, and auto-created M2M
  through models (``catalog.Product_tags``) are skipped. The through model of
  each M2M field is still reported on the field (``through`` and
  ``through_auto_created``). Proxy and multi-table children are listed.
* ``parents`` lists the DIRECT multi-table parents only (the entries of
  ``_meta.parents`` that have a parent link). A proxy model has no
  ``parents``; ``proxy_for`` gives the model it proxies. ``ancestors`` is
  ``_meta.get_parent_list()`` (all concrete ancestors, nearest first).
* ``abstract_bases`` lists the abstract model classes in the MRO as dotted
  paths (``core.models.TimeStampedModel``), nearest first.
* ``fields`` is ``_meta.get_fields(include_hidden=False)`` minus the reverse
  relation objects (``ForeignObjectRel``), in Django's order. That keeps:
  concrete fields (including the auto ``id`` primary key and auto-created
  ``<parent>_ptr`` parent links, flagged ``auto_created``), forward M2M fields,
  private fields (``GenericForeignKey``, ``GenericRelation``; flagged
  ``private``) and the fields inherited from multi-table parents.
  ``inherited_from`` is ``f.model._meta.label``: the concrete model whose table
  holds the field. A field declared on an ABSTRACT base is copied onto each
  concrete child, so ``inherited_from`` is the child itself; ``declared_in``
  then gives the dotted path of the class that declares it in source (the
  abstract base), or of the model itself.
* ``related_name`` is ``f.remote_field.related_name`` as Django stores it (None
  when not given, ``"+"``-suffixed when hidden). ``reverse_accessor`` is
  ``f.remote_field.get_accessor_name()`` and ``related_query_name`` is
  ``f.related_query_name()``; all three are None for non-relations and for
  ``GenericForeignKey`` (it has no remote side). ``related_model`` is None for
  ``GenericForeignKey``.
* ``reverse_relations`` is every ``ForeignObjectRel`` of
  ``_meta.get_fields(include_hidden=True)``, hidden ones included but flagged
  ``hidden`` (``related_name="+"``, the reverse side of a symmetrical M2M to
  self, auto-created through models). Relations inherited from multi-table
  parents are included; ``target`` says which model the relation points to.
* ``managers`` are the names of ``_meta.managers`` (inherited ones included),
  ``manager_classes`` maps each name to its class name, ``default_manager``
  is ``_meta.default_manager.name``.
* ``has_str`` is ``type(model).__str__ is not django.db.models.Model.__str__``
  (true also when ``__str__`` comes from an abstract base).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys

CONTRIB_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.redirects",
]


def _label(model):
    return model._meta.label if model is not None else None


def _dotted(cls):
    return f"{cls.__module__}.{cls.__qualname__}"


def _jsonable(value):
    """Make choice values/labels (lazy strings, enums) JSON-friendly."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return str(value)


def _declared_in(model, field):
    """Dotted path of the class whose source declares ``field``."""
    from django.db import models

    if field.model is not model:
        # Proxy or multi-table child: the field belongs to an ancestor's table.
        return _declared_in(field.model, field)
    for klass in reversed(model.__mro__):
        if not (isinstance(klass, type) and issubclass(klass, models.Model)):
            continue
        if klass is models.Model or "_meta" not in vars(klass):
            continue
        opts = klass._meta
        local = list(opts.local_fields) + list(opts.local_many_to_many) + list(opts.private_fields)
        if opts.abstract and any(f.name == field.name for f in local):
            return _dotted(klass)
    return _dotted(model)


def _field_info(model, f):
    opts = model._meta
    remote = getattr(f, "remote_field", None)
    info = {
        "name": f.name,
        "attname": getattr(f, "attname", None),
        "column": getattr(f, "column", None),
        "class": type(f).__name__,
        "class_path": _dotted(type(f)),
        "internal_type": f.get_internal_type() if hasattr(f, "get_internal_type") else None,
        "null": bool(getattr(f, "null", False)),
        "blank": bool(getattr(f, "blank", False)),
        "unique": bool(getattr(f, "unique", False)),
        "primary_key": bool(getattr(f, "primary_key", False)),
        "db_index": bool(getattr(f, "db_index", False)),
        "max_length": getattr(f, "max_length", None),
        "has_default": bool(f.has_default()) if hasattr(f, "has_default") else False,
        "choices": _jsonable(list(f.choices)) if getattr(f, "choices", None) else None,
        "auto_created": bool(f.auto_created),
        "concrete": bool(f.concrete),
        "private": f in opts.private_fields,
        "is_relation": bool(f.is_relation),
        "many_to_many": bool(f.many_to_many),
        "one_to_one": bool(f.one_to_one),
        "many_to_one": bool(f.many_to_one),
        "one_to_many": bool(f.one_to_many),
        "related_model": None,
        "related_name": None,
        "reverse_accessor": None,
        "related_query_name": None,
        "on_delete": None,
        "parent_link": False,
        "through": None,
        "through_auto_created": None,
        "symmetrical": None,
        "inherited_from": _label(f.model),
        "declared_in": _declared_in(model, f),
    }
    if f.is_relation:
        related = f.related_model
        if related is not None and not isinstance(related, str):
            info["related_model"] = _label(related)
        elif isinstance(related, str):
            info["related_model"] = related
    if remote is not None:
        info["related_name"] = remote.related_name
        info["reverse_accessor"] = remote.get_accessor_name()
        info["related_query_name"] = f.related_query_name()
        on_delete = getattr(remote, "on_delete", None)
        on_delete = getattr(on_delete, "action", on_delete)  # django-polymorphic's PolymorphicGuard wraps the declared one
        info["on_delete"] = getattr(on_delete, "__name__", None)
        info["parent_link"] = bool(getattr(remote, "parent_link", False))
        if f.many_to_many:
            through = remote.through
            info["through"] = _label(through) if not isinstance(through, str) else through
            info["through_auto_created"] = bool(through._meta.auto_created)
            info["symmetrical"] = bool(getattr(remote, "symmetrical", False))
    return info


def _reverse_info(model, rel):
    field = rel.field
    return {
        "name": rel.name,
        "accessor": rel.get_accessor_name(),
        "related_model": _label(rel.related_model),
        "field": field.name,
        "target": _label(rel.model),
        "class": type(rel).__name__,
        "related_name": rel.related_name,
        "related_query_name": field.related_query_name(),
        "many_to_many": bool(rel.many_to_many),
        "one_to_one": bool(rel.one_to_one),
        "one_to_many": bool(rel.one_to_many),
        "hidden": bool(rel.hidden),
    }


def _model_info(model):
    from django.db import models
    from django.db.models import ForeignObjectRel

    opts = model._meta
    forward = [f for f in opts.get_fields(include_hidden=False) if not isinstance(f, ForeignObjectRel)]
    reverse = [f for f in opts.get_fields(include_hidden=True) if isinstance(f, ForeignObjectRel)]
    abstract_bases = [
        _dotted(k)
        for k in model.__mro__[1:]
        if isinstance(k, type)
        and issubclass(k, models.Model)
        and "_meta" in vars(k)
        and k._meta.abstract
    ]
    return {
        "module": model.__module__,
        "class": model.__name__,
        "app_label": opts.app_label,
        "model_name": opts.model_name,
        "verbose_name": str(opts.verbose_name),
        "verbose_name_plural": str(opts.verbose_name_plural),
        "abstract": bool(opts.abstract),
        "proxy": bool(opts.proxy),
        "proxy_for": _label(opts.proxy_for_model) if opts.proxy else None,
        "managed": bool(opts.managed),
        "swappable": opts.swappable,
        "concrete_model": _label(opts.concrete_model),
        "parents": [_label(p) for p, link in opts.parents.items() if link is not None],
        "ancestors": [_label(p) for p in opts.get_parent_list()],
        "abstract_bases": abstract_bases,
        "pk": opts.pk.name if opts.pk is not None else None,
        "fields": [_field_info(model, f) for f in forward],
        "reverse_relations": [_reverse_info(model, r) for r in reverse],
        "managers": [m.name for m in opts.managers],
        "manager_classes": {m.name: type(m).__name__ for m in opts.managers},
        "default_manager": opts.default_manager.name if opts.default_manager else None,
        "ordering": _jsonable(list(opts.ordering)),
        "unique_together": [list(t) for t in opts.unique_together],
        "db_table": opts.db_table,
        "has_str": model.__str__ is not models.Model.__str__,
    }


def _dump(app_labels, settings_module):
    import django
    from django.apps import apps

    wanted = set(app_labels) if app_labels else None
    out = {
        "django_version": django.get_version(),
        "settings_module": settings_module,
        "apps": {},
        "models": {},
    }
    for config in apps.get_app_configs():
        if wanted is not None and config.label not in wanted:
            continue
        out["apps"][config.label] = {
            "name": config.name,
            "path": config.path,
            "verbose_name": str(config.verbose_name),
            "config_class": _dotted(type(config)),
        }
    for model in apps.get_models():
        if wanted is not None and model._meta.app_label not in wanted:
            continue
        out["models"][model._meta.label] = _model_info(model)
    return out


def _configure_contrib():
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY="oracle-contrib-only-not-secret",
        INSTALLED_APPS=CONTRIB_APPS,
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        SITE_ID=1,
        USE_TZ=True,
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project_root", nargs="?")
    parser.add_argument("settings_module", nargs="?")
    parser.add_argument("--contrib", action="store_true", help="dump Django's contrib apps only")
    parser.add_argument("--app-labels", default="", help="comma-separated app labels to keep")
    args = parser.parse_args(argv)

    if not args.contrib and not (args.project_root and args.settings_module):
        parser.error("PROJECT_ROOT and SETTINGS_MODULE are required unless --contrib is given")
    app_labels = [a.strip() for a in args.app_labels.split(",") if a.strip()]

    real_stdout = sys.stdout
    # Whatever the project prints while being imported must not corrupt the JSON.
    with contextlib.redirect_stdout(sys.stderr):
        import django

        if args.contrib:
            _configure_contrib()
            settings_module = None
        else:
            root = os.path.abspath(args.project_root)
            sys.path.insert(0, root)
            os.environ["DJANGO_SETTINGS_MODULE"] = args.settings_module
            settings_module = args.settings_module
        django.setup()
        data = _dump(app_labels, settings_module)

    json.dump(data, real_stdout, indent=1, sort_keys=False)
    real_stdout.write("\n")
    real_stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
