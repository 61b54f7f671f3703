"""Secret values must never leave the analysed project: not in the report, its JSON twin,
memory files, engagement.json or a log line.

Everything the engagement writes names settings and environment variables and never copies
their values; `Scrubber` is the second line of defence: it knows the project's secret
values (`.env` files, string literals assigned to secret-looking settings, hard-coded
fallbacks of environment reads) and replaces any that still slipped into an output by
`[redacted]` before it is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from django_expert.analyzers.facts.values import BinOp, Call, Const, Env, Mapping, Seq, Value
from django_expert.analyzers.project.dotenv import parse_env_file

REDACTED = "[redacted]"
SECRET_NAME = re.compile(r"SECRET|PASSW|PWD|TOKEN|API_?KEY|PRIVATE|ACCESS_KEY|CREDENTIAL|DSN|_KEY$|^KEY$|SALT|"
                         r"BROKER_URL|DATABASE_URL|REDIS_URL|CACHE_URL|BACKEND_URL|AMQP_URL|WEBHOOK", re.IGNORECASE)
# Setting names that match SECRET_NAME but hold configuration, not secrets.
NOT_SECRET = frozenset({"AUTH_PASSWORD_VALIDATORS", "PASSWORD_HASHERS", "PASSWORD_RESET_TIMEOUT",
                        "PASSWORD_RESET_TIMEOUT_DAYS", "SECRET_KEY_FALLBACKS_ENABLED"})
_DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$")
_PLAIN = {"true", "false", "yes", "no", "on", "off", "none", "null", "debug", "info", "warning", "error"}
_MAX_ENV_BYTES = 1 << 20


def is_secret_name(name: str) -> bool:
    return name.upper() not in NOT_SECRET and bool(SECRET_NAME.search(name))


def literal_strings(value: Value | None, out: list[str] | None = None, secret_keys_only: bool = False) -> list[str]:
    """String constants inside a value (under secret-looking dict keys only, when asked)."""
    out = [] if out is None else out
    match value:
        case Const(value=str() as text) if not secret_keys_only:
            out.append(text)
        case Env(default=default):
            literal_strings(default, out, secret_keys_only)
        case Seq(items=items):
            for item in items:
                literal_strings(item, out, secret_keys_only)
        case Mapping(items=items):
            for key, item in items:
                named = isinstance(key, Const) and isinstance(key.value, str) and is_secret_name(key.value)
                literal_strings(item, out, secret_keys_only and not named)
        case Call(args=args, kwargs=kwargs):
            for item in args:
                literal_strings(item, out, secret_keys_only)
            for name, item in kwargs:
                literal_strings(item, out, secret_keys_only and not is_secret_name(name))
        case BinOp(left=left, right=right):
            literal_strings(left, out, secret_keys_only)
            literal_strings(right, out, secret_keys_only)
    return out


class Scrubber:
    """Replaces known secret values in text and JSON-ready data."""

    def __init__(self, values: Iterable[str]) -> None:
        unique = {v for v in values if v and v.strip()}
        self.values = sorted(unique, key=len, reverse=True)  # longest first: a value inside another
        self._pattern = re.compile("|".join(re.escape(v) for v in self.values)) if self.values else None

    def text(self, text: str) -> str:
        if self._pattern is None or not text:
            return text
        return self._pattern.sub(REDACTED, text)

    def data(self, value):
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(k) if isinstance(k, str) else k: self.data(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.data(v) for v in value]
        return value

    def leaks(self, text: str) -> bool:
        return self._pattern is not None and self._pattern.search(text) is not None

    @classmethod
    def for_project(cls, inv) -> Scrubber:
        """The secret values of a project (an Inventory): its .env files and settings literals."""
        known_names = set(inv.model.facts) | set(inv.layout.settings_modules)
        values: list[str] = []
        env_files = list(inv.layout.env_files)
        try:
            env_files += [p for p in Path(inv.root).glob(".env*") if p.is_file() and p not in env_files]
        except OSError:
            pass
        for path in env_files:
            try:
                if Path(path).stat().st_size > _MAX_ENV_BYTES:
                    continue
                parsed = parse_env_file(Path(path).read_text(encoding="utf-8", errors="replace"))
            except OSError:
                continue
            for key, value in parsed.items():
                values.extend(_env_candidates(key, value, known_names))
        for module in inv.layout.settings_modules:
            facts = inv.model.facts.get(module)
            for statement in facts.statements if facts is not None else ():
                if statement.value is None:
                    continue
                named = is_secret_name(statement.name) or any(is_secret_name(p) for p in statement.path)
                for text in literal_strings(statement.value, secret_keys_only=not named):
                    if len(text) >= 4 and not _DOTTED.match(text):
                        values.append(text)
                if statement.name in ("DATABASES", "CACHES"):
                    values.extend(t for t in literal_strings(statement.value) if "://" in t and "@" in t)
        return cls(values)


def _env_candidates(key: str, value: str, known_names: set[str]) -> list[str]:
    value = value.strip()
    if not value:
        return []
    if is_secret_name(key):
        return [value] if len(value) >= 3 else []
    if len(value) < 8 or value.lower() in _PLAIN or value.isdigit():
        return []
    if _DOTTED.match(value) and value in known_names:
        return []
    return [value]
