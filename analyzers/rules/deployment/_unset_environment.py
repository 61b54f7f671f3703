"""What a setting read from the environment is when the variables are unset: the value a
forgotten variable leaves in production (`DEBUG = os.environ.get("DEBUG", "1") == "1"` is
True, `SECRET_KEY = env("SECRET_KEY", default="dev")` is a hard-coded key). Defaults are
taken; `os.environ.get("X")` is None; a required variable or a call the analyser cannot
fold makes the answer unknown.
"""

from __future__ import annotations

import ast

from django_expert.analyzers.facts.values import (
    BinOp,
    Call,
    Const,
    Env,
    Mapping,
    Seq,
    Value,
    ValueBuilder,
)
from django_expert.analyzers.project.settings import SettingValue, fold

_TRUE_STRINGS = frozenset({"true", "on", "ok", "y", "yes", "1", "t"})


class Unsure(Exception):
    """An expression the analyser cannot evaluate for sure."""


def unset_environment(value: Value | None) -> Value | None:
    """The value when every environment variable it reads is unset (defaults taken), or None
    when that cannot be known (a required variable, a call the analyser cannot fold)."""
    match value:
        case Env(default=default, cast=cast):
            if default is None:
                return None
            resolved = unset_environment(default)
            return _cast(resolved, cast) if resolved is not None else None
        case Const() | Mapping():
            return value
        case Seq(kind=kind, items=items):
            done = [unset_environment(i) for i in items]
            return Seq(kind, tuple(done)) if all(d is not None for d in done) else None
        case Call(func=func, args=args, kwargs=kwargs, receiver=receiver):
            args_done = [unset_environment(a) for a in args]
            receiver_done = unset_environment(receiver) if receiver is not None else None
            if any(a is None for a in args_done) or kwargs or (receiver is not None and receiver_done is None):
                return None
            folded = fold(Call(func, tuple(args_done), (), receiver_done))
            return folded if isinstance(folded, (Const, Seq)) else None
        case BinOp(op=op, left=left, right=right):
            sides = unset_environment(left), unset_environment(right)
            folded = fold(BinOp(op, *sides)) if None not in sides else None
            return folded if isinstance(folded, (Const, Seq)) else None
    return None


def _cast(value: Value, cast: str | None) -> Value | None:
    if cast is None or cast in ("str", "json") or not (isinstance(value, Const) and isinstance(value.value, str)):
        return value
    text = value.value.strip()
    if cast in ("bool", "builtins.bool"):
        return Const(text.lower() in _TRUE_STRINGS)
    if cast in ("list", "tuple"):
        return Seq(cast, tuple(Const(p.strip()) for p in text.split(",")) if text else ())
    return None


def fallback(ctx, setting: SettingValue | None) -> tuple[Value, tuple[str, ...]] | None:
    """What a setting read from the environment is when the variables are unset, and the
    variables it reads; also for expressions the facts cannot hold
    (`os.environ.get("DEBUG", "1") == "1"`) when the assignment is in this file. None when
    unknown or not read from the environment."""
    if setting is None or not setting.certain:
        return None
    if setting.from_env:
        value = unset_environment(setting.value)
        return (value, tuple(_variables(setting.value))) if value is not None else None
    if setting.module != ctx.module or setting.statement_index < 0:
        return None
    node = _assigned_expression(ctx, setting.statement_index)
    if node is None:
        return None
    evaluator = _UnsetEnvironment(ctx)
    try:
        result = evaluator.eval(node)
    except (Unsure, RecursionError):
        return None
    if not evaluator.variables or not isinstance(result, (str, bool, int, type(None))):
        return None
    return Const(result), tuple(v for v in dict.fromkeys(evaluator.variables) if v)


def _variables(value: Value | None) -> list[str]:
    match value:
        case Env(var=var, default=default):
            return ([var] if var else []) + _variables(default)
        case Seq(items=items):
            return [v for i in items for v in _variables(i)]
        case Call(args=args, kwargs=kwargs, receiver=receiver):
            return [v for a in (*args, *(v for _, v in kwargs), receiver) for v in _variables(a)]
        case BinOp(left=left, right=right):
            return _variables(left) + _variables(right)
    return []


def _assigned_expression(ctx, index: int) -> ast.expr | None:
    span = ctx.locations.get(f"stmt:{index}")
    if span is None:
        return None
    for node in ast.walk(ctx.tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None and ctx.lines.span(node) == span:
            return node.value
    return None


class _UnsetEnvironment:
    """Evaluates an expression of this file with every environment variable unset."""

    def __init__(self, ctx) -> None:
        imports = {i.local: i.target for i in ctx.facts.imports if i.local != "*"}
        env_names = frozenset(
            s.name for s in ctx.facts.statements
            if s.kind == "assign" and isinstance(s.value, Call) and s.value.func.endswith("Env") and "environ" in s.value.func
        )
        self.values = ValueBuilder(lambda dotted: _qualify(imports, dotted), env_names)
        self.variables: list[str | None] = []

    def eval(self, node: ast.expr):
        match node:
            case ast.Constant(value=value):
                return value
            case ast.Compare(left=left, ops=[op], comparators=[right]):
                a, b = self.eval(left), self.eval(right)
                if isinstance(op, (ast.Eq, ast.NotEq)):
                    return (a == b) == isinstance(op, ast.Eq)
                if isinstance(op, (ast.In, ast.NotIn)) and isinstance(b, (tuple, list, set, str)):
                    return (a in b) == isinstance(op, ast.In)
            case ast.BoolOp(op=op, values=values):
                result = None
                for item in values:
                    result = self.eval(item)
                    if bool(result) == isinstance(op, ast.Or):
                        return result
                return result
            case ast.UnaryOp(op=ast.Not(), operand=operand):
                return not self.eval(operand)
            case ast.Tuple(elts=elts) | ast.List(elts=elts) | ast.Set(elts=elts):
                return tuple(self.eval(e) for e in elts)
            case ast.Call(func=ast.Attribute(attr=method, value=receiver), args=args, keywords=[]) if method in (
                "lower", "upper", "strip", "casefold"
            ) and not args:
                text = self.eval(receiver)
                if isinstance(text, str):
                    return getattr(text, method)()
            case ast.Call(func=ast.Name(id="bool" | "int" | "str" as cast), args=[arg], keywords=[]):
                try:
                    return {"bool": bool, "int": int, "str": str}[cast](self.eval(arg))
                except (TypeError, ValueError) as error:
                    raise Unsure from error
            case ast.Call() | ast.Subscript():
                return self._environment_read(node)
        raise Unsure

    def _environment_read(self, node: ast.expr):
        value = self.values(node)
        if not isinstance(value, Env):
            raise Unsure
        self.variables.append(value.var or "")
        if isinstance(node, ast.Call) and value.default is None and value.cast is None and _is_get(node):
            return None  # os.environ.get("X") / os.getenv("X"): None when unset
        resolved = unset_environment(value)
        if not isinstance(resolved, Const):
            raise Unsure
        return resolved.value


def _is_get(node: ast.Call) -> bool:
    func = node.func
    return isinstance(func, ast.Attribute) and func.attr in ("get", "getenv")


def _qualify(imports: dict[str, str], dotted: str) -> str:
    head, _, rest = dotted.partition(".")
    if head not in imports:
        return dotted
    return f"{imports[head]}.{rest}" if rest else imports[head]
