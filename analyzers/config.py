"""Configuration: `[tool.django-expert]` in pyproject.toml, or `.django-expert.toml`, with
the same keys accepted from editors (initializationOptions / didChangeConfiguration).

Validated with pydantic; an invalid file raises ConfigError with one line naming the bad key.
"""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

CONFIG_FILES = (".django-expert.toml", "pyproject.toml")
_CODE_PREFIX = r"^(ALL|DJE\d{0,3})$"
# Rule tiers as selectors (the registry's TIERS; named here so reading a configuration never
# imports the rules). A tier is more specific than ALL and less than any code prefix, so
# `select = ["recommended"], ignore = ["DJE5"]` drops the performance rules and
# `select = ["DJE2"]` takes DJE2's pedantic rules too (as naming a code in ruff does).
TIER_SELECTORS = ("recommended", "pedantic")
DEFAULT_SELECT = ("recommended",)


class ConfigError(ValueError):
    """A configuration problem, with a one-line message fit for stderr or a notification."""


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class Config(BaseModel):
    """The effective configuration of one project."""

    model_config = ConfigDict(extra="forbid", alias_generator=_kebab, populate_by_name=True, frozen=True)

    # Codes, prefixes ("DJE2"), "ALL", or a tier ("recommended", "pedantic"). The default is
    # the recommended tier; `extend-select` adds to `select` instead of replacing it.
    select: tuple[str, ...] = DEFAULT_SELECT
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, Literal["error", "warning", "info", "hint"]] = Field(default_factory=dict)
    per_file_ignores: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    settings_module: str | None = None
    production_settings: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    # The baseline file (relative to the project root) the editor shows as hints; `check`
    # uses the one given with --baseline.
    baseline: str | None = None
    max_file_size: int = Field(default=2_000_000, gt=0)
    # Authorization: models that are tenants ("orgs.Organization"; else inferred from names
    # such as Organization, Workspace, Team), and the project's scoping helpers (method or
    # function names, "for_user" or "projects.selectors.visible_tasks") beyond those learned.
    tenant_models: tuple[str, ...] = ()
    authorization_helpers: tuple[str, ...] = ()
    # The engagement: the project's name in reports and memory (else discovered), the memory
    # folder relative to the workspace, extra context documents, and the context file budget.
    project_name: str | None = None
    memory_dir: str = ".django-expert/memory"
    context_budget: int = Field(default=12, ge=0)
    context_dir: str | None = None

    @field_validator("select", "extend_select", "ignore")
    @classmethod
    def _codes(cls, codes: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(selector(code) for code in codes)

    def enabled(self, code: str, relative_path: str | None = None) -> bool:
        """Whether rule `code` reports in a file (select/extend-select/ignore/per-file-ignores;
        the most specific selector wins: a code prefix, then a tier, then ALL)."""
        selected = max(_longest_prefix(code, self.select), _longest_prefix(code, self.extend_select))
        ignored = _longest_prefix(code, self.ignore)
        if selected < 0 or ignored > selected:
            return False
        if relative_path is not None:
            for pattern, codes in self.per_file_ignores.items():
                if fnmatch.fnmatch(relative_path, pattern) and _longest_prefix(code, codes) >= 0:
                    return False
        return True

    def merged(self, overrides: dict[str, Any] | None) -> Config:
        """This configuration with editor-provided keys laid over it (validated the same way)."""
        if not overrides:
            return self
        data = self.model_dump(by_alias=True)
        data.update({_kebab(k): v for k, v in overrides.items() if v is not None})
        return validate(data, "editor settings")


def selector(text: str) -> str:
    """`text` as a rule selector ("DJE2", "ALL", "pedantic"), or ValueError saying what is accepted."""
    import re

    if text.lower() in TIER_SELECTORS:
        return text.lower()
    if not re.match(_CODE_PREFIX, text):
        raise ValueError(f"{text!r} is not a rule code, prefix or tier (like DJE201, DJE2 or pedantic)")
    return text


def matches(code: str, selectors: tuple[str, ...]) -> bool:
    """Whether any of `selectors` (codes, prefixes, ALL, tiers) takes rule `code`."""
    return _longest_prefix(code, selectors) >= 0


def _longest_prefix(code: str, prefixes: tuple[str, ...]) -> int:
    best = -1
    for prefix in prefixes:
        if prefix == "ALL":
            best = max(best, 0)
        elif prefix in TIER_SELECTORS:
            if _tier(code) == prefix:
                best = max(best, 1)
        elif code.startswith(prefix):
            best = max(best, len(prefix))
    return best


def _tier(code: str) -> str:
    from django_expert.analyzers.rules.registry import tier_of  # the rules import this module

    return tier_of(code) or "recommended"


def validate(data: dict[str, Any], source: str) -> Config:
    try:
        return Config.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        key = ".".join(str(part) for part in first["loc"]) or "(root)"
        if first["type"] == "extra_forbidden":
            raise ConfigError(f"{source}: unknown key '{key}'") from None
        raise ConfigError(f"{source}: invalid value for '{key}': {first['msg']}") from None


def load_config(directory: Path) -> Config:
    """The configuration found in `directory` (first of CONFIG_FILES that configures us)."""
    for name in CONFIG_FILES:
        path = directory / name
        if not path.is_file():
            continue
        document = read_toml(path)
        if name == "pyproject.toml":
            section = _table(document, "tool", path)
            if section is not None:
                section = _table(section, "django-expert", path, "tool.")
            if section is None:
                continue
            return validate(section, f"{path} [tool.django-expert]")
        return validate(document, str(path))
    return Config()


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML document, or ConfigError naming the file and what is wrong with it."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"{path}: cannot read configuration: {error.strerror or error}") from None
    except RecursionError:  # tomllib parses nested arrays and inline tables recursively
        raise ConfigError(f"{path}: cannot read configuration: arrays or tables nested too deeply") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: cannot read configuration: {error}") from None


def _table(document: dict[str, Any], key: str, path: Path, prefix: str = "") -> dict[str, Any] | None:
    """`document[key]` when it is a table, None when it is absent; else ConfigError naming it."""
    value = document.get(key)
    if value is None or isinstance(value, dict):
        return value
    raise ConfigError(f"{path}: '{prefix}{key}' must be a table, not {_toml_type(value)}")


def _toml_type(value: object) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a float", str: "a string", list: "an array"}
    return names.get(type(value), "a date or time")
