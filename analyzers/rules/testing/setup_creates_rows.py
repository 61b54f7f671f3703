"""DJE602 setup-creates-rows

## What it does
Finds a `django.test.TestCase` whose `setUp()` does nothing but create database rows
(`Model.objects.create()`, `create_user()`, `get_or_create()`, `bulk_create()`, factory_boy
factories, model_bakery's `baker.make()`) for five or more tests that only read them: no test
saves, deletes, refreshes or assigns to an object `setUp()` made, removes its file
(`os.remove(self.image.file.path)`, `default_storage.delete(...)`: the file system is not
rolled back between tests, so the tests after it would find the file gone), or sends a writing
request (`self.client.post/put/patch/delete`), and only where the saving is worth a change:
five tests or more, and what `setUp()` costs, counted in plain inserts (a user with a
password: its hashing, ten, or one where the test settings hash with a fast hasher such
as MD5 (DJE601's advice); a file written to storage, ten; a factory or a bulk create,
three), times the tests after the first, at least twenty. One to three plain rows for a
handful of tests save a millisecond; a reviewer would not ask.

## Why is this bad?
`setUp()` runs before every test, so each test pays for the same inserts again (and for the
password hashing of every user created). `setUpTestData()` runs once per class, inside the
class's transaction; each test still starts from the same rows, because every test is
rolled back to a savepoint, and since Django 3.2 each test gets its own copy of the
objects assigned to `cls`.

## Example
```python
class BookListTests(TestCase):
    def setUp(self):
        self.author = Author.objects.create(name="Ann")
        self.book = Book.objects.create(title="Dune", author=self.author)

    def test_list(self):
        self.assertContains(self.client.get("/books/"), "Dune")

    def test_detail(self):
        self.assertContains(self.client.get(f"/books/{self.book.pk}/"), "Ann")
```

## Use instead
```python
class BookListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.author = Author.objects.create(name="Ann")
        cls.book = Book.objects.create(title="Dune", author=cls.author)
```

## References
- https://docs.djangoproject.com/en/stable/topics/testing/tools/#django.test.TestCase.setUpTestData
"""

from __future__ import annotations

import ast

from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.project.test_map import is_test_module
from django_expert.analyzers.rules.registry import fixer, rule
from django_expert.analyzers.rules.testing._suite import (
    TEST_CASES,
    methods,
    test_classes,
    test_methods,
    tests_hash_fast,
)

CREATES = frozenset({"create", "create_user", "create_superuser", "get_or_create", "update_or_create",
                     "bulk_create", "make", "create_batch", "make_recipe"})
WRITES = frozenset({"save", "delete", "refresh_from_db", "update", "set_password", "add", "remove", "clear", "set"})
WRITING_REQUESTS = frozenset({"post", "put", "patch", "delete"})
# Calls removing a file: given a path read from an object setUp made, they change state no
# rollback restores (`os.remove(self.image.file.path)`, `Path(...).unlink()`).
REMOVES_FILE = frozenset({"remove", "unlink", "rmtree"})
# The saving is setUp's cost times (tests - 1): with two to four tests, or one to three
# plain rows, it is a few inserts a reviewer would not ask to move (judged on wagtail,
# defectdojo and django-cms: five rounds of tests/benchmarks/precision/).
MIN_TESTS = 5
MIN_SAVING = 20  # plain inserts
HASHES_PASSWORD = frozenset({"create_user", "create_superuser"})
SEVERAL_ROWS = frozenset({"bulk_create", "create_batch", "make", "make_recipe"})
WRITES_FILE = frozenset({"ContentFile", "SimpleUploadedFile", "File", "ImageFile", "get_test_image_file",
                         "get_test_document_file"})


@rule("DJE602", "setup-creates-rows", tier="recommended", fix=Applicability.UNSAFE, triggers=("def setUp(",))
def check(ctx):
    if not is_test_module(ctx.module):
        return
    fast = None  # whether the tests hash passwords fast: asked of the project once, when needed
    for cls, _ in test_classes(ctx, *TEST_CASES):
        setup = methods(cls).get("setUp")
        tests = test_methods(cls)
        if setup is None or "setUpTestData" in methods(cls) or len(tests) < MIN_TESTS:
            continue
        made = created_attributes(setup)
        if not made:
            continue
        if fast is None:
            fast = ctx.project is not None and tests_hash_fast(ctx.project)
        if setup_cost(setup, fast) * (len(tests) - 1) < MIN_SAVING:
            continue
        senders = {name for name, method in methods(cls).items() if _sends_writing_request(method)}
        if any(_writes(test, made, senders) for test in tests):
            continue
        yield ctx.report(
            setup,
            f"`{cls.name}.setUp()` creates the same rows before each of its {len(tests)} tests, which only "
            f"read them: create them once in setUpTestData()",
            fix_title="Create the rows once in setUpTestData()",
            fix_data=(cls.name,),
        )


def created_attributes(setup: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str] | None:
    """The `self.` attributes a setUp made only of row creations assigns (None: it does
    something else too, such as logging a client in or patching)."""
    made: set[str] = set()
    for statement in setup.body:
        if _is_docstring(statement) or _is_super_setup(statement):
            continue
        if isinstance(statement, ast.Expr) and _creates(statement.value):
            continue
        if isinstance(statement, ast.Assign) and _creates(statement.value) and len(statement.targets) == 1:
            names = _self_targets(statement.targets[0])
            if names is None:
                return None
            made |= names
            continue
        return None
    return made


def setup_cost(setup: ast.FunctionDef | ast.AsyncFunctionDef, fast_hashing: bool = False) -> int:
    """What a setUp made only of row creations costs per run, in plain inserts (a user's
    password hash is one insert's worth with `fast_hashing`)."""
    cost = 0
    for statement in setup.body:
        value = statement.value if isinstance(statement, (ast.Expr, ast.Assign)) else None
        if value is None or not _creates(value):
            continue
        call = value.value if isinstance(value, ast.Subscript) else value
        name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
        files = any(isinstance(node, ast.Call) and (getattr(node.func, "id", None) or getattr(node.func, "attr", None))
                    in WRITES_FILE for node in ast.walk(call))
        if files or name in HASHES_PASSWORD and not fast_hashing:
            cost += 10
        elif name in SEVERAL_ROWS or name.endswith("Factory") or ast.unparse(call.func).split(".")[0].endswith("Factory"):
            cost += 3
        else:
            cost += 1
    return cost


def _creates(node: ast.expr) -> bool:
    if isinstance(node, ast.Subscript):  # get_or_create(...)[0]
        node = node.value
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Attribute):
        if func.attr in CREATES and not _reads_self_client(func.value):
            return True
        return False
    return isinstance(func, ast.Name) and func.id.endswith("Factory") and not func.id.endswith("RequestFactory")


def _reads_self_client(node: ast.expr) -> bool:
    return "client" in ast.unparse(node)


def _self_targets(target: ast.expr) -> set[str] | None:
    items = target.elts if isinstance(target, ast.Tuple) else [target]
    names = set()
    for item in items:
        if isinstance(item, ast.Attribute) and isinstance(item.value, ast.Name) and item.value.id == "self":
            names.add(item.attr)
        elif not (isinstance(item, ast.Name) and item.id == "_"):
            return None
    return names


def _is_docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)


def _is_super_setup(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and ast.unparse(statement.value) in ("super().setUp()",)


def _sends_writing_request(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """`self.client.post/put/patch/delete(...)` in the body: a request that may change any row."""
    return any(isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
               and node.func.attr in WRITING_REQUESTS and _reads_self_client(node.func.value)
               for node in ast.walk(function))


def _writes(test: ast.FunctionDef | ast.AsyncFunctionDef, made: set[str], senders: set[str]) -> bool:
    """Whether a test changes an object setUp made: a method that writes called on it (or
    on one of its relations), an attribute assigned on it, or a writing request through the
    test client, itself or through a method of the class (`self.delete(pk)`)."""
    if _sends_writing_request(test):
        return True
    for node in ast.walk(test):
        if isinstance(node, ast.Call) and _removes_shared_file(node, made):
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITES:
            if _root_attribute(node.func.value) in made:
                return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in senders \
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "self":
            return True
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] \
            if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else []
        if any(isinstance(t, (ast.Attribute, ast.Subscript)) and _root_attribute(t) in made for t in targets):
            return True
    return False


def _removes_shared_file(call: ast.Call, made: set[str]) -> bool:
    """`os.remove(self.image.file.path)`, `Path(self.image.file.path).unlink()`, or a
    storage's `delete()` (`default_storage.delete(...)`: the media storage setUp's files are
    in); the file system is not rolled back between tests."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if name == "delete" and isinstance(func, ast.Attribute) and "storage" in ast.unparse(func.value).lower():
        return True
    if name not in REMOVES_FILE:
        return False
    given = [*call.args, *(k.value for k in call.keywords)]
    if isinstance(func, ast.Attribute):
        given.append(func.value)  # Path(self.image.file.path).unlink()
    return any(_root_attribute(inner) in made for arg in given for inner in ast.walk(arg)
               if isinstance(inner, ast.Attribute))


def _root_attribute(node: ast.expr) -> str | None:
    """`x` for `self.x`, `self.x.y`, `self.x.y.z()`."""
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        inner = node.func if isinstance(node, ast.Call) else node.value
        if isinstance(node, ast.Attribute) and isinstance(inner, ast.Name) and inner.id == "self":
            return node.attr
        node = inner
    return None


@fixer("DJE602")
def fix(source, finding):
    """setUp(self) becomes a setUpTestData(cls) classmethod; `self.` inside it `cls.`."""
    import libcst as cst
    import libcst.matchers as m

    (class_name,) = finding.fix_data

    class ToClassData(cst.CSTTransformer):
        def __init__(self) -> None:
            self.depth = 0

        def visit_ClassDef(self, node):
            self.depth += 1
            return self.depth == 1 and node.name.value == class_name

        def leave_ClassDef(self, original, updated):
            self.depth -= 1
            return updated

        def leave_FunctionDef(self, original, updated):
            if updated.name.value != "setUp" or self.depth != 1:
                return updated
            body = updated.body.visit(_SelfToCls())
            params = updated.params.with_changes(params=[updated.params.params[0].with_changes(
                name=cst.Name("cls"))])
            return updated.with_changes(
                name=cst.Name("setUpTestData"), params=params, body=body,
                decorators=[cst.Decorator(cst.Name("classmethod")), *updated.decorators])

    class _SelfToCls(cst.CSTTransformer):
        def leave_Name(self, original, updated):
            return updated.with_changes(value="cls") if updated.value == "self" else updated

        def leave_Call(self, original, updated):
            if m.matches(updated, m.Call(func=m.Attribute(value=m.Call(func=m.Name("super")), attr=m.Name("setUp")))):
                return updated.with_changes(func=updated.func.with_changes(attr=cst.Name("setUpTestData")))
            return updated

    new = source.module.visit(ToClassData()).code
    return source.fix(finding.fix_title, Applicability.UNSAFE, new)
