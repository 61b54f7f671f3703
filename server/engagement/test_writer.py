"""Ready tests for the report's top risks, written the way the project writes its own
(issue 17): pytest-django or `django.test.TestCase` as its suite does, its factory_boy
factories where it has them (else rows built from the model's required fields), its settings
module, the Django test client with a user logged in through the user model's manager.

- an N+1 finding (DJE501/DJE502/DJE503) on a routed list view: the queries of a request with 2 rows
  are counted, then the same request with 10 rows must make that many
  (`django_assert_num_queries` / `assertNumQueries`): it fails while the view queries per row;
- an unscoped object lookup (DJE416) on a GET detail route: a user unrelated to the row asks
  for it and must get 404;
- an anonymous client let in (DJE304, DJE310 when it says anonymous), for endpoints that are
  not public by design: an anonymous GET is refused (401/403, or a redirect to the login page).

A test is written only when every piece is known (the route's URL, the model, how to build
each required field); otherwise none is, never a guess. Each test is a whole module.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django_expert.analyzers.project import drf, test_map
from django_expert.analyzers.project.model import ProjectModel

QUERY_COUNT, OTHER_USER, ANONYMOUS = "query-count", "other-user", "anonymous"
N_PLUS_ONE = ("DJE501", "DJE502", "DJE503")
_MODEL_IN_MESSAGE = {  # DJE501/502: "for every `Book`"; DJE503: "but the `Book` queryset does not"
    QUERY_COUNT: re.compile(r"for every `(\w+)`|the `(\w+)` queryset does not"),
    OTHER_USER: re.compile(r"(?:fetches an? |serves any |returns an? )`(\w+)`"),
}
_RELATION_IN_MESSAGE = re.compile(r"`(\w+)\.(\w+)`")  # `Book.author` (a serializer's field too: not a model)
_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
_DETAIL_BASES = ("django.views.generic.detail.DetailView", "django.views.generic.DetailView",
                 "rest_framework.generics.RetrieveAPIView", "rest_framework.generics.RetrieveUpdateAPIView",
                 "rest_framework.generics.RetrieveDestroyAPIView",
                 "rest_framework.generics.RetrieveUpdateDestroyAPIView")
_TEXT_KINDS = {"CharField", "TextField", "SlugField"}
_NUMBER_KINDS = {"IntegerField", "PositiveIntegerField", "PositiveSmallIntegerField", "SmallIntegerField",
                 "BigIntegerField", "PositiveBigIntegerField", "FloatField", "DecimalField"}


@dataclass(frozen=True)
class Risk:
    """A finding the writer may cover: rule code, the module and 0-based line it is on, its message."""

    code: str
    module: str
    line: int
    message: str


@dataclass(frozen=True)
class WrittenTest:
    kind: str  # QUERY_COUNT, OTHER_USER or ANONYMOUS
    code: str
    view: str
    url: str  # the path requested, `{obj.pk}` where the row's key goes
    name: str  # the test function's (or class's) name
    path: str  # where to put it, relative to the project's root
    text: str  # the whole module

    def to_json(self) -> dict:
        return {"kind": self.kind, "code": self.code, "view": self.view, "url": self.url, "name": self.name,
                "path": self.path, "text": self.text}


@dataclass(frozen=True)
class Conventions:
    style: str  # "pytest" or "unittest"
    folder: str  # where the project keeps tests ("tests_pytest", "app/tests"), "tests" without any
    factories: dict  # model label -> (module, class)
    settings_module: str | None
    has_pytest_config: bool


def conventions(project: ProjectModel) -> Conventions:
    modules = test_map.test_modules(project)
    styles = [s for t in modules for s in t.styles]
    pytest_config = test_map.pytest_settings(project) is not None
    style = "pytest" if pytest_config or styles.count("pytest") >= styles.count("unittest") else "unittest"
    tests = [t.module for t in modules if style in t.styles and t.module.rpartition(".")[2].startswith("test")]
    folder = tests[0].rpartition(".")[0].replace(".", "/") if tests and "." in tests[0] else "tests"
    factories = {}
    for factory in test_map.factories(project):
        if factory.model:
            module, _, name = factory.qualname.rpartition(".")
            factories.setdefault(factory.model.lower(), (module, name))
    return Conventions(style, folder, factories, project.layout.settings_module, pytest_config)


def write_tests(project: ProjectModel, risks: Iterable[Risk],
                public: Callable[[str, str], bool] = lambda view, route: False) -> list[WrittenTest]:
    """One test per (view, kind) the risks ask for; `public(view, route)` says an endpoint is
    public by design (no anonymous test then)."""
    found: dict[tuple[str, str], WrittenTest] = {}
    routes = _routes(project)
    convention = conventions(project)
    for risk in risks:
        kind = kind_of(risk.code, risk.message)
        view = _view_of(project, risk, routes) if kind else None
        if view is None or (view, kind) in found:
            continue
        route = routes[view][0]
        if kind == ANONYMOUS and public(view, route.route):
            continue
        written = _write(project, convention, kind, risk, view, route)
        if written is not None:
            found[(view, kind)] = written
    return list(found.values())


def kind_of(code: str, message: str) -> str | None:
    """The kind of test a finding asks for (None: none)."""
    if code in N_PLUS_ONE:
        return QUERY_COUNT
    if code == "DJE416":
        return OTHER_USER
    if code == "DJE304" or (code == "DJE310" and "anonymous" in message):
        return ANONYMOUS
    return None


def public_endpoints(inv) -> Callable[[str, str], bool]:
    """`public(view, route)` for `write_tests`: the inventory's endpoints public by design
    (log in, sign up, a health check), which get no "rejects anonymous" test."""

    def public(view: str, route: str) -> bool:
        info = inv.views.get(view)
        row = next((r for r in inv.routes if r.view == view), None)
        return info is not None and inv.public_by_design(info, row)

    return public


def _routes(project: ProjectModel) -> dict[str, list]:
    found: dict[str, list] = {}
    for entry in test_map.endpoint_coverage(project):
        found.setdefault(entry.view, []).append(entry)
    return found


def _view_of(project: ProjectModel, risk: Risk, routes: dict[str, list]) -> str | None:
    """The routed view a finding is in: the module-level class or function around its line,
    or the views using the serializer it is in."""
    locations = project.locations_of(risk.module)
    best = None
    for key, span in locations.spans.items():
        if not isinstance(key, str) or "." in key or span is None:
            continue
        if span.start.line <= risk.line <= span.end.line and (best is None or span.start.line > best[1]):
            best = (key, span.start.line)
    if best is None:
        return None
    qualname = f"{risk.module}.{best[0]}"
    if qualname in routes:
        return qualname
    return next((v for v in drf.serializer_views(project, qualname) if v in routes), None)


def _write(project: ProjectModel, convention: Conventions, kind: str, risk: Risk, view: str,
           route) -> WrittenTest | None:
    params = _PARAM.findall(route.route)
    name = _snake(view.rpartition(".")[2])
    if kind == QUERY_COUNT:
        model = _model(project, risk, view)
        if params or model is None:
            return None
        rows = Rows(project, convention)
        if rows.maker(model) is None or not _relations_filled(project, risk, view):
            return None
        body = _query_count_body(convention, rows, model, "/" + route.route)
        test = f"test_{name}_query_count_is_constant"
    elif kind == OTHER_USER:
        model = _model(project, risk, view)
        if len(params) != 1 or model is None or not _serves_get(project, view):
            return None
        rows = Rows(project, convention)
        if rows.maker(model) is None:
            return None
        url = "/" + _PARAM.sub("{obj.pk}", route.route)
        body = _other_user_body(convention, rows, model, url)
        test = f"test_{name}_hides_another_users_{model.model_name}"
    else:
        if params:
            return None
        rows = Rows(project, convention)
        body = _anonymous_body(convention, "/" + route.route)
        test = f"test_{name}_rejects_anonymous"
    text = _module(convention, rows, test, body, view, risk)
    path = f"{convention.folder}/{test}.py"
    return WrittenTest(kind, risk.code, view, "/" + _PARAM.sub("{obj.pk}", route.route), test, path, text)


def _model(project: ProjectModel, risk: Risk, view: str):
    pattern = _MODEL_IN_MESSAGE.get(QUERY_COUNT if risk.code in N_PLUS_ONE else OTHER_USER)
    match = pattern.search(risk.message) if pattern else None
    if match is None:
        return None
    name = match.group(match.lastindex)
    return project.model(name, risk.module) or project.model(name, view.rpartition(".")[0])


def _relations_filled(project: ProjectModel, risk: Risk, view: str) -> bool:
    """Whether the rows made fill every forward relation the finding reads per row: they leave
    a nullable foreign key empty, and an empty one costs no query (the test would pass on the
    N+1: nplusone's `Author.publisher`)."""
    for model_name, field_name in _RELATION_IN_MESSAGE.findall(risk.message):
        model = project.model(model_name, risk.module) or project.model(model_name, view.rpartition(".")[0])
        field = next((f for f in model.fields if f.name == field_name), None) if model is not None else None
        if field is not None and field.concrete and (field.many_to_one or field.one_to_one) \
                and (field.null or field.has_default):
            return False
    return True


def _serves_get(project: ProjectModel, view: str) -> bool:
    ref = project.resolve_class(view)
    if ref is None:
        return True  # a function view: GET unless decorated otherwise (require_POST is rare on a detail route)
    return ref.fact.method("get") is not None or project.is_subclass(view, *_DETAIL_BASES)


# -- rows ------------------------------------------------------------------------------------------


class Rows:
    """The helpers that make rows: a factory of the project, else `Model.objects.create` with
    each required field, related rows made first (three levels deep)."""

    def __init__(self, project: ProjectModel, convention: Conventions) -> None:
        self.project, self.convention = project, convention
        self.imports: dict[str, set[str]] = {}
        self.helpers: dict[str, str] = {}  # function name -> source

    def maker(self, model, depth: int = 0) -> str | None:
        """The name of a `make_<model>(n)` helper, or None when a required field cannot be built."""
        function = f"make_{model.model_name}"
        if function in self.helpers:
            return function
        if self._is_user(model):
            self.imports.setdefault("django.contrib.auth", set()).add("get_user_model")
            self.helpers[function] = (f"def {function}(n):\n    return get_user_model().objects.create_user("
                                      f"username=f\"user{{n}}\", password=\"pw\")\n")
            return function
        factory = self.convention.factories.get(model.label.lower())
        if factory is not None:
            self.imports.setdefault(factory[0], set()).add(factory[1])
            self.helpers[function] = f"def {function}(n):\n    return {factory[1]}()\n"
            return function
        if depth > 3:
            return None
        values = []
        for field in model.fields:
            if not field.concrete or field.auto_created or field.primary_key or field.many_to_many:
                continue
            if field.null or field.has_default or "auto_now" in field.options or "auto_now_add" in field.options \
                    or (field.blank and field.kind in _TEXT_KINDS):
                continue
            value = self._value(field, depth)
            if value is None:
                return None
            values.append(f"{field.name}={value}")
        self.imports.setdefault(model.module, set()).add(model.name)
        self.helpers[function] = f"def {function}(n):\n    return {model.name}.objects.create({', '.join(values)})\n"
        return function

    def _value(self, field, depth: int) -> str | None:
        if field.many_to_one or field.one_to_one:
            if field.related_model in (user_label(self.project), "auth.User"):
                return f"{self.maker(_AuthUser())}(n)"
            app_label, _, name = (field.related_model or "").partition(".")
            related = next((m for m in self.project.models() if m.app_label == app_label and m.name == name), None)
            helper = self.maker(related, depth + 1) if related is not None else None
            return f"{helper}(n)" if helper else None
        if "choices" in field.options:
            return None
        if field.kind == "EmailField":
            return 'f"user{n}@example.com"'
        if field.kind == "URLField":
            return 'f"https://example.com/{n}"'
        if field.kind in _TEXT_KINDS:
            return f'f"{field.name} {{n}}"'
        if field.kind in _NUMBER_KINDS:
            return "n"
        if field.kind == "BooleanField":
            return "False"
        return None

    def _is_user(self, model) -> bool:
        return model.label in ("auth.User", user_label(self.project))

    def header(self) -> list[str]:
        return [f"from {module} import {', '.join(sorted(names))}" for module, names in sorted(self.imports.items())]


# -- the tests -------------------------------------------------------------------------------------------


def _query_count_body(convention: Conventions, rows: Rows, model, url: str) -> list[str]:
    make, user = rows.maker(model), rows.maker(_user_model(rows))
    if convention.style == "pytest":
        return [
            "@pytest.mark.django_db",
            "def {test}(client, django_assert_num_queries):",
            f"    client.force_login({user}(0))",
            f"    for n in range(2):\n        {make}(n)",
            "    with CaptureQueriesContext(connection) as two_rows:",
            f'        assert client.get("{url}").status_code == 200',
            f"    for n in range(2, 10):\n        {make}(n)",
            "    with django_assert_num_queries(len(two_rows)):  # the same count with 10 rows",
            f'        assert client.get("{url}").status_code == 200',
        ]
    return [
        "class {Test}(TestCase):",
        "    def test_query_count_is_constant(self):",
        f"        self.client.force_login({user}(0))",
        f"        for n in range(2):\n            {make}(n)",
        "        with CaptureQueriesContext(connection) as two_rows:",
        f'            self.assertEqual(self.client.get("{url}").status_code, 200)',
        f"        for n in range(2, 10):\n            {make}(n)",
        "        with self.assertNumQueries(len(two_rows)):  # the same count with 10 rows",
        f'            self.assertEqual(self.client.get("{url}").status_code, 200)',
    ]


def _other_user_body(convention: Conventions, rows: Rows, model, url: str) -> list[str]:
    make, user = rows.maker(model), rows.maker(_user_model(rows))
    if convention.style == "pytest":
        return [
            "@pytest.mark.django_db",
            "def {test}(client):",
            f"    obj = {make}(1)  # a row of another user's account",
            f"    client.force_login({user}(99))  # a user with no relation to it",
            f'    assert client.get(f"{url}").status_code == 404',
        ]
    return [
        "class {Test}(TestCase):",
        "    def test_another_user_gets_404(self):",
        f"        obj = {make}(1)  # a row of another user's account",
        f"        self.client.force_login({user}(99))  # a user with no relation to it",
        f'        self.assertEqual(self.client.get(f"{url}").status_code, 404)',
    ]


def _anonymous_body(convention: Conventions, url: str) -> list[str]:
    if convention.style == "pytest":
        return ["@pytest.mark.django_db", "def {test}(client):",
                f'    response = client.get("{url}")',
                "    assert response.status_code in (401, 403) or response.status_code == 302 and "
                "\"login\" in response[\"Location\"]"]
    return ["class {Test}(TestCase):", "    def test_rejects_anonymous(self):",
            f'        response = self.client.get("{url}")',
            "        self.assertTrue(response.status_code in (401, 403) or response.status_code == 302 and "
            "\"login\" in response[\"Location\"])"]


def user_label(project: ProjectModel) -> str:
    """AUTH_USER_MODEL as the settings give it ("auth.User" when unset or not a constant)."""
    from django_expert.analyzers.facts.values import string

    return string(project.settings().value("AUTH_USER_MODEL")) or "auth.User"


def _user_model(rows: Rows):
    """The user model the tests log in as: always made through the user manager's create_user."""
    return _AuthUser()


class _AuthUser:
    """The user model, made through `get_user_model().objects.create_user` whatever it is."""

    label, app_label, name, model_name, module, fields = "auth.User", "auth", "User", "user", "django.contrib.auth.models", ()


def _module(convention: Conventions, rows: Rows, test: str, body: list[str], view: str, risk: Risk) -> str:
    lines = [f'"""Written by django-expert for {risk.code} on {view}: it fails while the finding stands."""', ""]
    stdlib = ["from django.db import connection", "from django.test.utils import CaptureQueriesContext"] \
        if any("CaptureQueriesContext" in line for line in body) else []
    if convention.style == "pytest":
        lines += ["import pytest"]
    else:
        stdlib.append("from django.test import TestCase")
    lines += sorted(stdlib) + [""] + rows.header() + ["", ""]
    for helper in rows.helpers.values():
        lines += [helper, ""]
    camel = "".join(p.title() for p in test.split("_")[1:]) + "Tests"
    lines += [line.replace("{test}", test).replace("{Test}", camel) for line in body]
    return "\n".join(lines).replace("\n\n\n\n", "\n\n\n") + "\n"


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def pytest_ini(convention: Conventions) -> str | None:
    """The pytest.ini the tests need when the project has no pytest configuration."""
    if convention.style != "pytest" or convention.has_pytest_config or not convention.settings_module:
        return None
    return f"[pytest]\nDJANGO_SETTINGS_MODULE = {convention.settings_module}\n"


# -- the report's testing section ------------------------------------------------------------------

MAX_WRITTEN = 8


def testing_section(inv, records: list[dict], risks: list) -> dict:
    """The report's test map (endpoints and models with and without tests, per app) and the
    tests written for the findings of the top risks (`records`: the engagement's findings;
    `risks`: the summary's `results.Risk` values)."""
    project = inv.model
    modules = {}
    for module, path in project.paths.items():
        try:
            modules[path.relative_to(inv.root).as_posix()] = module
        except ValueError:
            continue
    top = {r.code for r in risks if r.code}
    wanted = [Risk(f["code"], modules[f["filename"]], f["location"]["row"] - 1, f["message"]) for f in records
              if f["code"] in top and f["filename"] in modules]
    written = write_tests(project, wanted, public_endpoints(inv))[:MAX_WRITTEN]
    convention = conventions(project)
    return {"style": convention.style, "pytest_ini": pytest_ini(convention) if written else None,
            "apps": test_map_by_app(project), "tests": [t.to_json() for t in written],
            "test_modules": len(test_map.test_modules(project))}


def test_map_by_app(project: ProjectModel) -> list[dict]:
    """Per app: its routed endpoints with and without a test reaching them, its models with
    and without a test using them (imported by a test module, or built by a factory)."""
    modules = test_map.test_modules(project)
    used = {i for t in modules for i in t.imports} | {f.qualname for f in test_map.factories(project)}
    built = {f.model.lower() for f in test_map.factories(project) if f.model}
    root = project.layout.root
    own = {m.partition(".")[0] for m, p in project.paths.items() if p.is_relative_to(root)}
    apps: dict[str, dict] = {}

    def app(module: str) -> dict:
        info = project.app_for_module(module)
        label = info.label if info is not None else module.partition(".")[0]
        return apps.setdefault(label, {"app": label, "endpoints_tested": [], "endpoints_untested": [],
                                       "models_tested": [], "models_untested": []})

    for entry in test_map.endpoint_coverage(project):
        if entry.view.partition(".")[0] not in own:
            continue  # a library's view (DRF's api-root)
        row = app(entry.view)
        row["endpoints_tested" if entry.tests else "endpoints_untested"].append(entry.name or entry.route)
    for model in project.models():
        if model.abstract or model.module.partition(".")[0] not in own or test_map.is_test_module(model.module):
            continue
        tested = model.qualname in used or model.label.lower() in built
        app(model.module)["models_tested" if tested else "models_untested"].append(model.name)
    return sorted(apps.values(), key=lambda a: a["app"])
