"""Static values: the frozen, hashable form of the expressions facts keep.

Settings assignments, field options and URL arguments are kept as `Value` trees, not as
ast nodes, so facts compare by meaning and survive pickling into the cache. Names are
already qualified through the file's imports (`models.CASCADE` -> `django.db.models.CASCADE`).
An expression that cannot be represented becomes `Unknown`; rules that meet one stay silent.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass

@dataclass(frozen=True, slots=True)
class Const:
    value: str | bytes | int | float | complex | bool | None


@dataclass(frozen=True, slots=True)
class Seq:
    kind: str  # "list" | "tuple" | "set"
    items: tuple[Value, ...]


@dataclass(frozen=True, slots=True)
class Mapping:
    items: tuple[tuple[Value, Value], ...]

    def get(self, key: str) -> Value | None:
        for k, v in self.items:
            if isinstance(k, Const) and k.value == key:
                return v
        return None


@dataclass(frozen=True, slots=True)
class Ref:
    """A dotted name, qualified through imports where possible."""

    name: str


@dataclass(frozen=True, slots=True)
class Call:
    """A call. `func` is the qualified dotted callee (`django.urls.path`); for a method called
    on something that is not a dotted name (`qs.filter(...).order_by`) `func` is `.order_by`
    and `receiver` holds the value it is called on."""

    func: str
    args: tuple[Value, ...]
    kwargs: tuple[tuple[str, Value], ...]  # ("**", value) for **spread
    receiver: Value | None = None

    def kwarg(self, name: str) -> Value | None:
        for key, value in self.kwargs:
            if key == name:
                return value
        return None


@dataclass(frozen=True, slots=True)
class Env:
    """A value read from the environment: os.environ[...], os.getenv, django-environ, decouple."""

    var: str | None  # None when the variable name is not a constant
    default: Value | None
    cast: str | None = None  # "bool", "int", "list", ... when the reader says so


@dataclass(frozen=True, slots=True)
class BinOp:
    op: str  # "+", "-", "*", "/", "%", "|", "&"
    left: Value
    right: Value


@dataclass(frozen=True, slots=True)
class Starred:
    """`*value` inside a list, tuple or set display or a call's arguments (`[*api_urls, *web_urls]`)."""

    value: Value


@dataclass(frozen=True, slots=True)
class Unknown:
    kind: str = ""  # the ast node type, for messages; never the source text (it may hold a secret)


Value = Const | Seq | Mapping | Ref | Call | Env | BinOp | Starred | Unknown
UNKNOWN = Unknown()

_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Mod: "%", ast.BitOr: "|", ast.BitAnd: "&"}

# Callees that read the environment: qualified name -> cast.
_ENV_READERS = {
    "os.getenv": None,
    "os.environ.get": None,
    "os.environ.setdefault": None,
    "decouple.config": None,
}
# django-environ's reader classes: `Env` and `FileAwareEnv` (which also reads `X_FILE`).
ENVIRON_CLASSES = frozenset({"Env", "FileAwareEnv"})


def is_environ_class(func: str) -> bool:
    """Whether a callee names django-environ's Env or FileAwareEnv (`environ.Env`, `Env`)."""
    module, _, name = func.rpartition(".")
    return name in ENVIRON_CLASSES and ("environ" in module or not module)


# django-environ: env("X"), env.bool("X"), environ.Env(...)("X"); matched by the method name.
_ENVIRON_CASTS = {"str", "bool", "int", "float", "list", "tuple", "dict", "url", "db", "db_url",
                  "cache", "cache_url", "email", "email_url", "search_url", "path", "json"}


def dotted_name(node: ast.expr) -> str | None:
    """`a.b.c` for Name/Attribute chains, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


class ValueBuilder:
    """Turns ast expressions into Values, qualifying names with `qualify`."""

    __slots__ = ("qualify", "env_names")

    def __init__(self, qualify: Callable[[str], str], env_names: frozenset[str] = frozenset()) -> None:
        self.qualify = qualify
        # Local names bound to a django-environ Env() instance (`env = environ.Env()`).
        self.env_names = env_names

    def __call__(self, node: ast.expr | None) -> Value:
        if node is None:
            return Const(None)
        match node:
            case ast.Constant(value=value):
                return Const(value)
            case ast.List(elts=elts) | ast.Tuple(elts=elts) | ast.Set(elts=elts):
                kind = {ast.List: "list", ast.Tuple: "tuple", ast.Set: "set"}[type(node)]
                return Seq(kind, tuple(self(e) for e in elts))
            case ast.Dict(keys=keys, values=values):
                return Mapping(
                    tuple((self(k) if k is not None else Const("**"), self(v)) for k, v in zip(keys, values))
                )
            case ast.Name() | ast.Attribute():
                name = dotted_name(node)
                return Ref(self.qualify(name)) if name else Unknown(type(node).__name__)
            case ast.Subscript(value=value, slice=key):
                if self._is_environ(value):
                    var = key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else None
                    return Env(var, None)
                return Unknown("Subscript")
            case ast.Call():
                return self._call(node)
            case ast.BinOp(op=op, left=left, right=right) if type(op) in _OPS:
                return BinOp(_OPS[type(op)], self(left), self(right))
            case ast.UnaryOp(op=ast.USub(), operand=ast.Constant(value=int() | float() as number)):
                return Const(-number)
            case ast.Starred(value=value):
                return Starred(self(value))
            case ast.JoinedStr():
                return Unknown("JoinedStr")
        return Unknown(type(node).__name__)

    def _is_environ(self, node: ast.expr) -> bool:
        name = dotted_name(node)
        return name is not None and self.qualify(name) == "os.environ"

    def _call(self, node: ast.Call) -> Value:
        name = dotted_name(node.func)
        args = tuple(self(a) for a in node.args)
        kwargs = tuple((k.arg or "**", self(k.value)) for k in node.keywords)
        if name is None:
            if isinstance(node.func, ast.Attribute):
                return Call("." + node.func.attr, args, kwargs, self(node.func.value))
            return Call("", args, kwargs)
        func = self.qualify(name)
        env = self._env_read(name, func, args, kwargs)
        return env if env is not None else Call(func, args, kwargs)

    def _env_read(self, name, func, args, kwargs) -> Env | None:
        cast = None
        if func in _ENV_READERS:
            pass
        elif name and name.split(".")[0] in self.env_names:
            parts = name.split(".")
            if len(parts) == 1:
                pass
            elif len(parts) == 2 and parts[1] in _ENVIRON_CASTS:
                cast = parts[1]
            else:
                return None
        else:
            return None
        var = args[0].value if args and isinstance(args[0], Const) and isinstance(args[0].value, str) else None
        default = args[1] if len(args) > 1 else None
        for key, value in kwargs:
            if key == "default":
                default = value
            elif key == "cast" and isinstance(value, Ref):
                cast = value.name
        return Env(var, default, cast)


def literal(value: Value | None):
    """The Python value of a fully constant Value, else raise ValueError."""
    match value:
        case Const(value=v):
            return v
        case Seq(kind=kind, items=items):
            python = [literal(i) for i in items]
            return tuple(python) if kind == "tuple" else set(python) if kind == "set" else python
        case Mapping(items=items):
            return {literal(k): literal(v) for k, v in items}
    raise ValueError("not a constant")


def string(value: Value | None) -> str | None:
    """The string of a Const str, else None."""
    return value.value if isinstance(value, Const) and isinstance(value.value, str) else None


def strings(value: Value | None) -> tuple[str, ...] | None:
    """A sequence of string constants, else None (unknown or mixed)."""
    if isinstance(value, Seq) and all(isinstance(i, Const) and isinstance(i.value, str) for i in value.items):
        return tuple(i.value for i in value.items)  # type: ignore[union-attr]
    return None
