"""DJE202 model-without-str

## What it does
Finds concrete models that define no `__str__`, neither themselves nor through an abstract
base, a mixin or a multi-table parent.

## Why is this bad?
Without `__str__`, every object shows as `Order object (17)` in the admin (when the project
installs it; the message names it only then), in form choices, in logs and in the shell. Reviewers and support staff cannot tell objects apart, and
`ForeignKey` dropdowns become unusable.

## Example
```python
class Tag(models.Model):
    name = models.CharField(max_length=50)
```

## Use instead
```python
class Tag(models.Model):
    name = models.CharField(max_length=50)

    def __str__(self):
        return self.name
```
The fix adds a `__str__` after the fields and `Meta` (Django's coding style), returning the
first of a name-like field (`name`, `title`, `slug`, ...), else the first text field, else
the verbose name and primary key. It is unsafe: `str()` of every object changes, and with it
form choice labels, admin pages, log lines and any test that asserts them.

## References
- https://docs.djangoproject.com/en/stable/ref/models/instances/#str
- https://docs.djangoproject.com/en/stable/internals/contributing/writing-code/coding-style/#model-style
"""

from __future__ import annotations

from django_expert.analyzers.findings import Applicability
from django_expert.analyzers.fixes import FixSource
from django_expert.analyzers.fixes.edit_calls import add_method
from django_expert.analyzers.rules.registry import fixer, rule

NAME_LIKE = ("name", "title", "slug", "code", "label", "username", "email", "number", "reference")
TEXT_TYPES = {"CharField", "TextField", "SlugField", "EmailField", "URLField"}


@rule("DJE202", "model-without-str", tier="pedantic", fix=Applicability.UNSAFE, triggers=("class ",))
def check(ctx):
    for model in ctx.models_here():
        if model.abstract or model.has_str is not False:  # None: an unseen ancestor may define it
            continue
        field = str_field(model)
        yield ctx.report(
            model.name,
            f"`{model.name}` has no __str__: it shows as \"{model.name} object (1)\" in {_where_shown(ctx)}",
            fix_title=f"Add __str__ returning {f'self.{field}' if field else 'the verbose name and pk'}",
            fix_data=(model.name, field or ""),
        )


def _where_shown(ctx) -> str:
    """Where objects are shown by their __str__ in this project: the admin only when it is installed."""
    admin = ctx.project is not None and any(app.name == "django.contrib.admin" for app in ctx.project.apps())
    return "the admin, forms and logs" if admin else "forms, logs and the shell"


def str_field(model) -> str | None:
    """The field an expert would show: a name-like text field, else the first text field."""
    text_fields = [f for f in model.fields if f.internal_type in TEXT_TYPES and not f.is_relation]
    for wanted in NAME_LIKE:
        for field in text_fields:
            if field.name == wanted:
                return field.name
    return text_fields[0].name if text_fields else None


@fixer("DJE202")
def fix(source: FixSource, finding):
    class_name, field = finding.fix_data
    body = f"return self.{field}" if field else 'return f"{self._meta.verbose_name} {self.pk}"'
    new_text = add_method(source, class_name, f"def __str__(self):\n    {body}\n")
    return source.fix(finding.fix_title, Applicability.UNSAFE, new_text) if new_text else None
