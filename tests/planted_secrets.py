"""A copy of the shop workspace with a made-up secret planted under every secret-name pattern
(and in every secret shape) that `analyzers/secrets.py` knows, in the settings and in `.env`.

The values are lower-case words on purpose: the last-line scrubber leaves such values alone,
so a test that finds none of them in an output proves they were kept out by construction.
"""

from __future__ import annotations

import shutil
from pathlib import Path

WORKSPACES = Path(__file__).resolve().parent / "workspaces"

# The patterns issue 11 found shown by hover, then the ones the engagement always knew.
NEW_NAMES = ("DB_PASS", "SMTP_PWD", "REDIS_AUTH", "SERVICE_CREDS", "GITHUB_PAT", "HMAC", "HMAC_SHARED",
             "JWT_SIGNING", "JWT_SIGNING_SECRET", "ENCRYPTION_SEED")
KNOWN_NAMES = ("API_TOKEN", "STRIPE_API_KEY", "APIKEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
               "RSA_PRIVATE_KEY", "GOOGLE_CREDENTIALS", "SENTRY_DSN", "HASHID_SALT", "SLACK_WEBHOOK_URL",
               "LDAP_PASSWD", "GPG_PASSPHRASE", "EMAIL_HOST_PASSWORD", "DBPASSWORD")
NAMES = NEW_NAMES + KNOWN_NAMES
# Settings whose value carries a secret by its shape, with a value that shows it.
SHAPES = {
    "DATABASES": 'DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "shop", '
                 '"USER": "shop", "PASSWORD": "zqdatabasespassword", "HOST": "db", '
                 '"OPTIONS": {"sslpassword": "zqdatabasesoptionpassword"}}}',
    "CACHES": 'CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", '
              '"LOCATION": "redis://:zqcachelocationpassword@cache:6379/1"}}',
    "DATABASE_URL": 'DATABASE_URL = "postgres://shop:zqdatabaseurlpassword@db:5432/shop"',
    "BROKER_URL": 'BROKER_URL = "amqp://guest:zqbrokerurlpassword@rabbit:5672//?heartbeat=30"',
    "SEARCH_URL": 'SEARCH_URL = "https://search.example.com/api/?page=1&token=zqsearchquerytoken"',
    "PAYMENT_PROVIDER": 'PAYMENT_PROVIDER = "sk_live_zqkeyshapedvalue"',
    "SECRET_KEY_FALLBACKS": 'SECRET_KEY_FALLBACKS = ["zqsecretkeyfallbacksvalue"]',
}
SHAPE_VALUES = ("zqdatabasespassword", "zqdatabasesoptionpassword", "zqcachelocationpassword",
                "zqdatabaseurlpassword", "zqbrokerurlpassword", "zqsearchquerytoken", "zqkeyshapedvalue",
                "zqsecretkeyfallbacksvalue")


def _word(name: str, where: str) -> str:
    return "zq" + name.lower().replace("_", "") + where


def planted_shop(target: Path) -> tuple[Path, list[str]]:
    """A copy of the shop at `target` with the planted secrets, and every planted value.
    Half of the names are literals, half environment reads with a literal fallback; every
    name also has a value in `.env`."""
    root = Path(shutil.copytree(WORKSPACES / "shop", target,
                                ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "db.sqlite3")))
    lines = ["", "# Planted by tests/planted_secrets.py: made-up secrets under every secret name."]
    values = list(SHAPE_VALUES)
    for index, name in enumerate(NAMES):
        literal = _word(name, "literal" if index % 2 == 0 else "fallback")
        values.append(literal)
        if index % 2 == 0:
            lines.append(f'{name} = "{literal}"')
        else:
            lines.append(f'{name} = os.environ.get("{name}", "{literal}")')
    lines += SHAPES.values()
    settings = root / "shop" / "settings" / "base.py"
    settings.write_text(settings.read_text(encoding="utf-8") + "\n".join(lines) + "\n", encoding="utf-8")
    env = root / ".env"
    env_values = [_word(name, "env") for name in NAMES]
    values += env_values
    env_lines = [f"{name}={value}" for name, value in zip(NAMES, env_values, strict=True)]
    env.write_text(env.read_text(encoding="utf-8") + "\n" + "\n".join(env_lines) + "\n", encoding="utf-8")
    return root, values
