"""The one secret policy: which setting values may be shown, and which strings the last-line
scrubber may remove. Hover, completion, `check`, the engagement's report, its JSON twin and
the memory files all ask here, so they agree on what a secret is.

Secret values are kept out by construction (messages name settings, never values): a value
is shown only through `shown_text()` / `is_secret_name()`. The scrubber (`Scrubber`) is the
last line for a value that slipped through anyway, and it removes only strings that really
look like secrets, so it never rewrites a path, a link, a project name or a finding.

Deciding from the name. A name is cut into words (`GITHUB_PAT` → GITHUB, PAT;
`apiKey` → API, KEY) and is secret when a word is a secret word (`SECRET_WORDS`), or
`AUTH` is its last word (`REDIS_AUTH`, not `AUTH_USER_MODEL`), or a word contains a secret
stem (`DBPASSWORD`, `APIKEY`). It is *not* secret when its last word says it describes a
secret rather than holds one (`CONFIG_SUFFIXES`: `PASSWORD_HASHERS`,
`AUTH_PASSWORD_VALIDATORS`, `CACHE_MIDDLEWARE_KEY_PREFIX`, `SIGNING_BACKEND`,
`TOKEN_MODEL`, `PRIVATE_KEY_PATH`, `PASSWORD_RESET_TIMEOUT`): those values are class paths,
numbers and file names a reader needs. `URL`/`URI` are deliberately not such suffixes: a
webhook or token URL is itself the secret, and a URL's password is masked by shape anyway.

Deciding from the shape. A URL with a password (`postgres://u:pw@db/x`,
`redis://:pw@cache`) is shown with the password masked; a URL query parameter with a secret
name (`?token=...`) likewise; a string shaped like a key (known token prefixes, a PEM block,
a long random-looking token) is hidden whatever its setting is called.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django_expert.analyzers.facts.values import BinOp, Call, Const, Env, Mapping, Seq, Value

if TYPE_CHECKING:
    from django_expert.analyzers.project.model import ProjectModel

HIDDEN = "(hidden)"
MASK = "***"
REDACTED = "[redacted]"

# Words that make a name secret wherever they stand (`DB_PASS`, `MAIL_PWD`, `SERVICE_CREDS`,
# `GITHUB_PAT`, `HMAC_SHARED`, `JWT_SIGNING`, `ENCRYPTION_SEED`, `SENTRY_DSN`, ...).
SECRET_WORDS = frozenset({
    "SECRET", "SECRETS", "PASSWORD", "PASSWORDS", "PASSWD", "PASS", "PWD", "PW", "PASSPHRASE", "TOKEN", "TOKENS",
    "KEY", "KEYS", "APIKEY", "PRIVATE", "CREDENTIAL", "CREDENTIALS", "CRED", "CREDS", "PAT", "HMAC", "SIGNING",
    "SEED", "SALT", "DSN", "WEBHOOK", "BEARER",
})
# Stems found inside a word written without separators (`DBPASSWORD`, `SECRETKEY`, `APIKEY`).
_SECRET_STEMS = re.compile(r"SECRET|PASSW|PASSPHRASE|TOKEN|CREDENTIAL|PRIVATE|HMAC|APIKEY")
# A last word that describes the secret instead of holding it. Values of these names are
# class paths, numbers, flags and file names: hiding them would hide what a reader needs.
CONFIG_SUFFIXES = frozenset({
    "BACKEND", "BACKENDS", "CLASS", "CLASSES", "VALIDATORS", "HASHERS", "ALGORITHM", "ALGORITHMS", "TIMEOUT",
    "AGE", "PREFIX", "FUNCTION", "FUNC", "MODEL", "MODELS", "HEADER", "HEADERS", "NAME", "PARAM", "FIELD",
    "LENGTH", "LEN", "EXPIRY", "EXPIRATION", "LIFETIME", "TTL", "ENABLED", "REQUIRED", "ROOT", "DIR", "PATH",
    "FILE", "SERIALIZER", "SERIALIZERS", "TYPE", "DAYS", "HOURS", "MINUTES", "SECONDS", "COUNT",
})
# Configuration dicts whose only secret word is a trailing AUTH (dj-rest-auth's settings).
NOT_SECRET = frozenset({"REST_AUTH"})
_WORD = re.compile(r"[A-Z]+[0-9]*(?![a-z])|[A-Z]?[a-z]+[0-9]*|[0-9]+")


def name_words(name: str) -> list[str]:
    """`GITHUB_PAT` → [GITHUB, PAT]; `apiKey` → [API, KEY]; `client-secret` → [CLIENT, SECRET]."""
    return [w.upper() for part in re.split(r"[^A-Za-z0-9]+", name) for w in _WORD.findall(part)]


def is_secret_name(name: str) -> bool:
    """Whether a setting, dict key or keyword named `name` holds a secret."""
    words = name_words(name)
    if not words or name.upper() in NOT_SECRET or words[-1] in CONFIG_SUFFIXES:
        return False
    if any(w.rstrip("0123456789") in SECRET_WORDS or _SECRET_STEMS.search(w) for w in words):
        return True
    return words[-1] == "AUTH"


# Connection URLs: shown with their password masked, but listed with the secrets in the report
# because a deployment often puts a password in them.
_CONNECTION_URL = re.compile(r"(BROKER|DATABASE|DB|REDIS|CACHE|BACKEND|AMQP|MONGO|RABBITMQ)_(URL|URI)$")


def holds_credentials(name: str) -> bool:
    """Whether a setting is a secret or a connection URL that may carry one (`DATABASE_URL`)."""
    return is_secret_name(name) or bool(_CONNECTION_URL.search(name.upper()))


# -- shapes ---------------------------------------------------------------------------------------------

# The password runs to the last `@` of the authority: a password may hold an `@` itself.
_URL_PASSWORD = re.compile(
    r"(?P<head>[A-Za-z][A-Za-z0-9+.\-]*://[^:/@\s]*:)(?P<password>[^/\s]*)@(?=[^@/\s]*(?:[/?#\s,;]|$))")
_QUERY_VALUE = re.compile(r"(?P<head>[?&;](?P<name>[A-Za-z0-9_.\-]+)=)(?P<value>[^&;#\s]*)")
_KEY_PREFIXES = re.compile(
    r"^(?:sk|rk|pk)_(?:live|test)_|^gh[pousr]_|^github_pat_|^xox[abposr]-|^glpat-|^AKIA[0-9A-Z]{12,}|^AIza|"
    r"^SG\.|^django-insecure-|-----BEGIN [A-Z ]*PRIVATE KEY-----|^(?:Bearer|Basic|Token) +\S{8,}$")
_DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$")
_RELATIVE_PATH = re.compile(r"^[\w.\-]+(/[\w.\-]+)*(/|\.[A-Za-z0-9]{1,5})$")
_SEPARATORS = set("-_.,:/ ")


def entropy(text: str) -> float:
    """Shannon entropy in bits per character."""
    if not text:
        return 0.0
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def _classes(text: str) -> int:
    return sum((any(c.islower() for c in text), any(c.isupper() for c in text), any(c.isdigit() for c in text),
                any(not c.isalnum() and c not in _SEPARATORS for c in text)))


def looks_like_key(text: str) -> bool:
    """A string shaped like a credential whatever its name: a known token prefix, a PEM
    private key, or a long random-looking token (>= 20 characters, letters and digits mixed,
    >= 3.5 bits of entropy per character; dotted paths and URLs are configuration)."""
    if _KEY_PREFIXES.search(text):
        return True
    if len(text) < 20 or any(c.isspace() for c in text) or "://" in text or text.startswith(("/", "./", "~")):
        return False
    if _DOTTED.match(text) or ("/" in text and _RELATIVE_PATH.match(text)):
        return False
    if not any(c.isdigit() for c in text) or not any(c.isalpha() for c in text):
        return False
    return entropy(text) >= 3.5


def mask_credentials(text: str) -> str:
    """URLs with the password and secret query parameters masked: `postgres://u:***@db/x`."""
    masked = _URL_PASSWORD.sub(lambda m: m["head"] + MASK + "@" if m["password"] else m[0], text)
    if "=" in masked:
        masked = _QUERY_VALUE.sub(lambda m: m["head"] + MASK if is_secret_name(m["name"]) and m["value"] else m[0],
                                  masked)
    return masked


def shown_text(text: str) -> str:
    """A string as it may be shown: hidden when shaped like a key, credentials masked."""
    return HIDDEN if looks_like_key(text) else mask_credentials(text)


def url_passwords(text: str) -> list[str]:
    """The passwords of the URLs in a string (`postgres://u:pw@db` → ["pw"])."""
    found = [m["password"] for m in _URL_PASSWORD.finditer(text) if m["password"]]
    found += [m["value"] for m in _QUERY_VALUE.finditer(text) if m["value"] and is_secret_name(m["name"])]
    return found


def secret_strings(value: Value | None, named: bool = False, out: list[str] | None = None) -> list[str]:
    """The strings of a value that are secrets: all of them under a secret name (`named`),
    else those under secret dict keys or keywords, URL passwords and key-shaped strings.
    The defaults of environment reads count: they are what runs when the variable is unset."""
    out = [] if out is None else out
    match value:
        case Const(value=str() as text):
            if named or looks_like_key(text):
                out.append(text)
            else:
                out.extend(url_passwords(text))
        case Env(default=default):
            secret_strings(default, named, out)
        case Seq(items=items):
            for item in items:
                secret_strings(item, named, out)
        case Mapping(items=items):
            for key, item in items:
                key_named = isinstance(key, Const) and isinstance(key.value, str) and is_secret_name(key.value)
                secret_strings(item, named or key_named, out)
        case Call(args=args, kwargs=kwargs):
            for item in args:
                secret_strings(item, named, out)
            for name, item in kwargs:
                secret_strings(item, named or is_secret_name(name), out)
        case BinOp(left=left, right=right):
            secret_strings(left, named, out)
            secret_strings(right, named, out)
    return out


# -- the last-line scrubber -----------------------------------------------------------------------------

# Files that document variables with made-up values (`POSTGRES_PASSWORD=plane`): never secrets.
_PLACEHOLDER_SUFFIXES = (".example", ".sample", ".template", ".dist", ".tmpl", ".tpl", ".default", ".defaults")
_PLACEHOLDER_WORDS = ("example", "changeme", "change-me", "change_me", "placeholder", "your-", "your_", "xxxx",
                      "dummy", "insert", "replace")
_MAX_ENV_BYTES = 1 << 20
_MIN_SCRUBBED = 8
# An environment variable's name (`DB_PASSWORD_2`): reports name it, it is never a value.
_VARIABLE = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$")


def is_placeholder_file(path: Path | str) -> bool:
    """`.env.example`, `.env.sample`, `.env.template`, `settings.ini.dist`, `example.env`, ..."""
    name = Path(path).name.lower()
    return name.endswith(_PLACEHOLDER_SUFFIXES) or name.startswith(("example", "sample", "template"))


def worth_scrubbing(value: str, protected: Protected | None = None) -> bool:
    """Whether a known secret value is distinctive enough to remove from any text: at least 8
    characters with no spaces, not words (two kinds of character beyond letters and
    separators, >= 3 bits of entropy per character), not a placeholder or an environment
    variable's name, not part of a module name or file path of the project, and not
    containing the project's or an own app's name. A weak value that fails these tests is
    still never written: outputs name settings, never values."""
    if len(value) < _MIN_SCRUBBED or any(c.isspace() for c in value):
        return False
    lowered = value.lower()
    if any(word in lowered for word in _PLACEHOLDER_WORDS) or _DOTTED.match(value) or _VARIABLE.match(value):
        return False
    if _classes(value) < 2 or entropy(value) < 3.0:
        return False
    return protected is None or not protected.covers(lowered)


@dataclass(frozen=True)
class Protected:
    """What the scrubber must never touch: `names` (the project's and its own apps' names) a
    value may not contain, and `paths` (module names and relative file paths, one a line)
    a value may not occur in."""

    names: frozenset[str] = frozenset()
    paths: str = ""

    def covers(self, lowered: str) -> bool:
        return lowered in self.paths or any(name in lowered for name in self.names)

    @classmethod
    def of(cls, model: ProjectModel, names: Iterable[str | None] = ()) -> Protected:
        layout = model.layout
        own = {layout.name, layout.root.name, *(n for n in names if n)}
        lines = []
        for module in model.facts:
            lines.append(module)
            path = model.path_of(module)
            if path is not None:
                try:
                    lines.append(Path(path).relative_to(layout.root).as_posix())
                except ValueError:
                    pass
        try:
            own.update(app.label for app in model.apps() if app.name in model.facts)
        except Exception:  # noqa: BLE001 - apps that cannot be read protect nothing more
            pass
        return cls(frozenset(n.lower() for n in own if n and len(n) >= 3), "\n".join(lines).lower())


class Scrubber:
    """Removes known secret values from text and JSON-ready data, whole tokens only."""

    def __init__(self, values: Iterable[str], protected: Protected | None = None) -> None:
        unique = {v for v in values if v and worth_scrubbing(v, protected)}
        self.values = sorted(unique, key=len, reverse=True)  # longest first: a value inside another
        alternatives = "|".join(re.escape(v) for v in self.values)
        self._pattern = re.compile(rf"(?<![A-Za-z0-9])(?:{alternatives})(?![A-Za-z0-9])") if self.values else None

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
    def for_project(cls, model: ProjectModel, names: Iterable[str | None] = ()) -> Scrubber:
        """The secret values of a project: its real `.env` files (not placeholder ones) and the
        secret strings of its settings. `names` are more words to protect (the engagement's
        project name and slug)."""
        layout = model.layout
        values: list[str] = []
        for path in _env_files(layout.root, layout.env_files):
            values.extend(_env_secrets(path))
        for module in layout.settings_modules:
            facts = model.facts.get(module)
            for statement in facts.statements if facts is not None else ():
                named = is_secret_name(statement.name) or any(is_secret_name(p) for p in statement.path)
                values.extend(secret_strings(statement.value, named))
        return cls(values, Protected.of(model, names))


def _env_files(root: Path, declared: Iterable[Path]) -> list[Path]:
    files = [Path(p) for p in declared]
    try:
        files += [p for p in Path(root).glob(".env*") if p not in files and p.is_file() and not p.is_symlink()]
    except OSError:
        pass
    return [p for p in files if not is_placeholder_file(p)]


def _env_secrets(path: Path) -> list[str]:
    from django_expert.analyzers.project.dotenv import parse_env_file

    try:
        if not path.is_file() or path.stat().st_size > _MAX_ENV_BYTES:
            return []
        parsed = parse_env_file(path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return []
    found = []
    for key, value in parsed.items():
        value = value.strip()
        if is_secret_name(key) or looks_like_key(value):
            found.append(value)
        found.extend(url_passwords(value))
    return found
