"""libcst edits the query performance fixers share: add `select_related(...)` /
`prefetch_related(...)` lookups to the expression that builds a queryset (merged into the
calls already there), and set an admin's `list_select_related`.

Expressions are found by their position (0-based line, code-point column, as the finding
recorded them); each function returns the new module text, or None when the code no
longer has the shape the finding saw.
"""

from __future__ import annotations

import libcst as cst
from django_expert.analyzers.fixes import FixSource
from libcst.metadata import MetadataWrapper, PositionProvider

_LOADERS = ("select_related", "prefetch_related")
_GET_OBJECT = ("get_object_or_404", "get_list_or_404")


def _expression_at(source: FixSource, span: tuple[int, int, int, int]):
    """(wrapper module, node) for the expression spanning exactly `span`."""
    wrapper = MetadataWrapper(source.module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    line, column, end_line, end_column = span
    best = None
    for node, where in positions.items():
        if not isinstance(node, cst.BaseExpression):
            continue
        if (where.start.line - 1, where.start.column, where.end.line - 1, where.end.column) == (
                line, column, end_line, end_column):
            if best is None or isinstance(node, cst.Call):
                best = node
    return wrapper.module, best


class _Replace(cst.CSTTransformer):
    def __init__(self, old: cst.CSTNode, new: cst.CSTNode) -> None:
        self.old, self.new = old, new

    def on_leave(self, original, updated):
        return self.new if original is self.old else updated


def _string(text: str) -> cst.SimpleString:
    return cst.SimpleString(f'"{text}"')


def _present(call: cst.Call) -> set[str]:
    return {a.value.evaluated_value for a in call.args if isinstance(a.value, cst.SimpleString)}


def _extend(call: cst.Call, lookups: list[str]) -> cst.Call:
    new = [cst.Arg(_string(lookup)) for lookup in lookups if lookup not in _present(call)]
    if not new:
        return call
    args = list(call.args)
    if args and args[-1].comma is cst.MaybeSentinel.DEFAULT:
        args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    return call.with_changes(args=[*args, *new])


def _loader(receiver: cst.BaseExpression, method: str, lookups: list[str]) -> cst.Call:
    return cst.Call(func=cst.Attribute(value=receiver, attr=cst.Name(method)),
                    args=[cst.Arg(_string(lookup)) for lookup in lookups])


def _chain_calls(expression: cst.BaseExpression) -> list[cst.Call]:
    """The method calls of `a.b(...).c(...)`, outermost first."""
    calls = []
    node = expression
    while True:
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
            calls.append(node)
            node = node.func.value
        elif isinstance(node, cst.Attribute):
            node = node.value
        elif isinstance(node, cst.Subscript):
            node = node.value
        else:
            return calls


def _is_dotted(node: cst.BaseExpression) -> bool:
    while isinstance(node, cst.Attribute):
        node = node.value
    return isinstance(node, cst.Name)


def with_lookups(expression: cst.BaseExpression, select: list[str], prefetch: list[str]) -> cst.BaseExpression:
    """`expression` (a queryset, manager or get_object_or_404 call) loading the lookups too:
    merged into an existing `select_related(...)`/`prefetch_related(...)` call, else added
    right after the manager (`Book.objects.all()` -> `Book.objects.select_related("author")`),
    else appended."""
    if isinstance(expression, cst.Call) and isinstance(expression.func, cst.Name) and \
            expression.func.value in _GET_OBJECT and expression.args:
        first = expression.args[0]
        target = first.value
        if _is_dotted(target) and not _chain_calls(target):
            target = cst.Attribute(value=target, attr=cst.Name("objects"))
        args = [first.with_changes(value=with_lookups(target, select, prefetch)), *expression.args[1:]]
        return expression.with_changes(args=args)
    wanted = {"select_related": list(select), "prefetch_related": list(prefetch)}
    merges: dict[int, list[str]] = {}
    for call in _chain_calls(expression):
        method = call.func.attr.value
        if method in wanted and wanted[method] and call.args:
            merges[id(call)] = wanted[method]
            wanted[method] = []
    remaining = [(m, lookups) for m, lookups in wanted.items() if lookups]

    class Merge(cst.CSTTransformer):
        def leave_Call(self, original, updated):
            return _extend(updated, merges[id(original)]) if id(original) in merges else updated

    result = expression.visit(Merge()) if merges else expression
    if not remaining:
        return result
    loader = next((c for c in _chain_calls(result) if c.func.attr.value in _LOADERS), None)
    if loader is not None:  # next to the loading call already there
        wrapped: cst.BaseExpression = loader
        for method, lookups in remaining:
            wrapped = _loader(wrapped, method, lookups)
        return result.visit(_Replace(loader, wrapped)) if loader is not result else wrapped
    innermost = _chain_calls(result)[-1] if _chain_calls(result) else None
    if innermost is not None and innermost.func.attr.value == "get_model":
        innermost = None  # `apps.get_model("app", "M").objects.all()`: the model's getter, not a queryset call
    if innermost is not None and _is_dotted(innermost.func.value) and not (
            isinstance(innermost.func.value, cst.Name) and innermost.func.value.value in ("self", "super")):
        receiver = innermost.func.value
        for method, lookups in remaining:
            receiver = _loader(receiver, method, lookups)
        if innermost.func.attr.value == "all" and not innermost.args:
            new_inner = receiver
        else:
            new_inner = innermost.with_changes(func=innermost.func.with_changes(value=receiver))
        return result.visit(_Replace(innermost, new_inner)) if innermost is not result else new_inner
    for method, lookups in remaining:
        result = _loader(result, method, lookups)
    return result


def add_lookups(source: FixSource, span: tuple[int, int, int, int], select: list[str],
                prefetch: list[str]) -> str | None:
    """The module text with the queryset expression at `span` loading the lookups."""
    module, node = _expression_at(source, span)
    if node is None:
        return None
    return module.visit(_Replace(node, with_lookups(node, select, prefetch))).code


def add_queryset(source: FixSource, class_name: str, select: list[str], prefetch: list[str]) -> str | None:
    """Add `queryset = <Model>.objects...` after `model = <Model>` in view `class_name`."""
    cls = next((s for s in source.module.body if isinstance(s, cst.ClassDef) and s.name.value == class_name), None)
    if cls is None or not isinstance(cls.body, cst.IndentedBlock):
        return None
    body = list(cls.body.body)
    for index, line in enumerate(body):
        if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1 and isinstance(line.body[0], cst.Assign):
            assign = line.body[0]
            if any(isinstance(t.target, cst.Name) and t.target.value == "model" for t in assign.targets):
                manager = cst.Attribute(value=assign.value, attr=cst.Name("objects"))
                value = source.module.code_for_node(with_lookups(manager, select, prefetch))
                body.insert(index + 1, cst.parse_statement(f"queryset = {value}\n"))
                return _class_body(source, cls, body)
    return None


def set_list_select_related(source: FixSource, class_name: str, lookups: list[str]) -> str | None:
    """Set `list_select_related = (...)` on admin class `class_name` (replacing its value,
    or added after `list_display`)."""
    cls = next((s for s in source.module.body if isinstance(s, cst.ClassDef) and s.name.value == class_name), None)
    if cls is None or not isinstance(cls.body, cst.IndentedBlock):
        return None
    body = list(cls.body.body)
    values = {name: small.value for line in body if isinstance(line, cst.SimpleStatementLine)
              for small in line.body if isinstance(small, cst.Assign)
              for name in [t.target.value for t in small.targets if isinstance(t.target, cst.Name)]}
    brackets = values.get("list_select_related", values.get("list_display"))
    items = ", ".join(f'"{lookup}"' for lookup in lookups)
    code = f"[{items}]" if isinstance(brackets, cst.List) else f"({items}{',' if len(lookups) == 1 else ''})"
    value = cst.parse_expression(code)
    anchor = None
    for index, line in enumerate(body):
        if isinstance(line, cst.SimpleStatementLine):
            for small in line.body:
                names = [t.target.value for t in getattr(small, "targets", ()) if isinstance(t.target, cst.Name)]
                if "list_select_related" in names:
                    new = line.with_changes(body=[small.with_changes(value=value) if s is small else s
                                                  for s in line.body])
                    body[index] = new
                    return _class_body(source, cls, body)
                if "list_display" in names:
                    anchor = index
    statement = cst.parse_statement(f"list_select_related = {code}\n")
    position = anchor + 1 if anchor is not None else 0
    if position == 0 and body and _is_docstring(body[0]):
        position = 1
    body.insert(position, statement)
    return _class_body(source, cls, body)


def _is_docstring(line: cst.BaseStatement) -> bool:
    return (isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1
            and isinstance(line.body[0], cst.Expr) and isinstance(line.body[0].value, cst.SimpleString))


def _class_body(source: FixSource, cls: cst.ClassDef, body: list) -> str:
    new = cls.with_changes(body=cls.body.with_changes(body=body))
    return source.module.visit(_Replace(cls, new)).code


def fix_lookups(source: FixSource, finding):
    """The fixer of the N+1 rules whose fix_data is (span, select lookups, prefetch lookups),
    or (span, (), (), "FETCH_PEERS") for Django 6.1's fetch mode (an unsafe fix: older
    Django has no `fetch_mode()`)."""
    from django_expert.analyzers.findings import Applicability

    if finding.fix_data[3:] == ("FETCH_PEERS",):
        new_text = fetch_peers(source, finding.fix_data[0])
        return source.fix(finding.fix_title, Applicability.UNSAFE, new_text) if new_text else None
    target, select, prefetch = finding.fix_data
    if not target or not select and not prefetch:
        return None
    if target[0] == "queryset":
        new_text = add_queryset(source, target[1], list(select), list(prefetch))
    else:
        new_text = add_lookups(source, target, list(select), list(prefetch))
    return source.fix(finding.fix_title, Applicability.SAFE, new_text) if new_text else None


def fetch_peers(source: FixSource, span: tuple[int, int, int, int]) -> str | None:
    """The text with the queryset expression at `span` fetching with Django 6.1's
    `.fetch_mode(models.FETCH_PEERS)`, importing the name where needed."""
    from django_expert.analyzers.fixes.drf_edits import ensure_import

    module, node = _expression_at(source, span)
    if node is None:
        return None
    _, written = ensure_import(source.text, "django.db.models", "FETCH_PEERS")
    call = cst.Call(func=cst.Attribute(value=node, attr=cst.Name("fetch_mode")),
                    args=[cst.Arg(cst.parse_expression(written))])
    return ensure_import(module.visit(_Replace(node, call)).code, "django.db.models", "FETCH_PEERS")[0]


def fix_admin(source: FixSource, finding):
    """The DJE504 fixer: fix_data is (admin class, list_select_related lookups, lookups to
    prefetch, span of the admin's get_queryset return expression or ())."""
    from django_expert.analyzers.findings import Applicability
    from django_expert.analyzers.fixes.edit_calls import add_method

    class_name, select, prefetch, span = finding.fix_data
    if class_name == "register":  # `site.register(Model)`: options make Django build the admin
        module, call = _expression_at(source, span)
        if not isinstance(call, cst.Call):
            return None
        lookups = ", ".join(f'"{lookup}"' for lookup in select)
        argument = cst.Arg(keyword=cst.Name("list_select_related"), value=cst.parse_expression(f"[{lookups}]"),
                           equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                                 whitespace_after=cst.SimpleWhitespace("")))
        args = list(call.args)
        args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        text = module.visit(_Replace(call, call.with_changes(args=[*args, argument]))).code
        return source.fix(finding.fix_title, Applicability.SAFE, text)
    text: str | None = source.text
    if prefetch:
        if span:
            text = add_lookups(source, span, [], list(prefetch))
        else:
            lookups = ", ".join(f'"{p}"' for p in prefetch)
            method = ("def get_queryset(self, request):\n"
                      f"    return super().get_queryset(request).prefetch_related({lookups})\n")
            text = add_method(source, class_name, method)
    if text is not None and select:
        text = set_list_select_related(FixSource(source.path, text, source.project), class_name, list(select))
    if text is None or text == source.text:
        return None
    return source.fix(finding.fix_title, Applicability.SAFE, text)


def replace_expression(source: FixSource, span: tuple[int, int, int, int], code: str) -> str | None:
    """The text with the expression at `span` replaced by `code` (a plain splice: the
    expression is a single node the rule located)."""
    from django_expert.analyzers.source import LineIndex, Position

    index = LineIndex(source.text)
    start = index.offset(Position(span[0], span[1]))
    end = index.offset(Position(span[2], span[3]))
    return source.text[:start] + code + source.text[end:] if 0 <= start < end <= len(source.text) else None


def add_keyword(source: FixSource, class_name: str, attr: str, keyword: str, value_code: str) -> str | None:
    """`attr = Field(...)` in class `class_name` gains `keyword=value` (last, before a
    trailing comma if there is one); None if the call already has the keyword."""
    cls = next((s for s in source.module.body if isinstance(s, cst.ClassDef) and s.name.value == class_name), None)
    call = None
    for line in cls.body.body if cls is not None and isinstance(cls.body, cst.IndentedBlock) else ():
        if isinstance(line, cst.SimpleStatementLine):
            for small in line.body:
                targets = getattr(small, "targets", None) or ([small] if isinstance(small, cst.AnnAssign) else [])
                if isinstance(getattr(small, "value", None), cst.Call) and any(
                        isinstance(t.target, cst.Name) and t.target.value == attr for t in targets):
                    call = small.value
    if call is None or any(a.keyword and a.keyword.value == keyword for a in call.args):
        return None
    args = list(call.args)
    new = cst.Arg(keyword=cst.Name(keyword), value=cst.parse_expression(value_code),
                  equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                        whitespace_after=cst.SimpleWhitespace("")))
    if args:
        last = args[-1]
        trailing = last.comma if last.comma is not cst.MaybeSentinel.DEFAULT else None
        args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        if trailing is not None:  # a multi-line call keeps its layout: the new argument goes last
            args[-1] = last.with_changes(comma=trailing)
            new = new.with_changes(comma=cst.Comma(whitespace_after=trailing.whitespace_after))
            return source.module.visit(_Replace(call, call.with_changes(args=[*args[:-1], args[-1], new]))).code
    return source.module.visit(_Replace(call, call.with_changes(args=[*args, new]))).code
