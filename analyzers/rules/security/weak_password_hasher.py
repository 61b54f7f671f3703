"""DJE415 weak-password-hasher

## What it does
Finds `PASSWORD_HASHERS` whose first entry, the hasher new passwords are stored with, is
a fast digest: `MD5PasswordHasher`, `SHA1PasswordHasher`, the unsalted MD5 and SHA-1
hashers, or `CryptPasswordHasher`. Settings modules for tests (a `test`, `tests` or `ci`
module or package) are left alone: a fast hasher there is a known way to speed up tests.
It is reported where `PASSWORD_HASHERS` is set.

## Why is this bad?
These hashers compute millions of guesses per second on a graphics card, and the unsalted
ones let one precomputed table crack every user at once. After a database leak, most
passwords are recovered within hours, and users reuse them elsewhere. Django's default,
PBKDF2 with hundreds of thousands of iterations (or Argon2, scrypt, bcrypt), makes each
guess expensive.

## Example
```python
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
```

## Use instead
```python
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.MD5PasswordHasher",  # only to read and upgrade old hashes
]
```
Keep a legacy hasher after the first one while old hashes remain: Django upgrades each
password to the first hasher at the user's next login.

## References
- https://docs.djangoproject.com/en/stable/topics/auth/passwords/#how-django-stores-passwords
- https://docs.djangoproject.com/en/stable/ref/settings/#password-hashers
"""

from __future__ import annotations

from django_expert.analyzers.facts.values import Const, Seq
from django_expert.analyzers.rules.deployment._settings import (
    certain,
    entry_modules,
    is_test_module,
    name_span,
    set_here,
)
from django_expert.analyzers.rules.registry import rule

_HASHERS = "django.contrib.auth.hashers."
WEAK = {
    _HASHERS + "MD5PasswordHasher": "salted MD5",
    _HASHERS + "UnsaltedMD5PasswordHasher": "unsalted MD5",
    _HASHERS + "SHA1PasswordHasher": "salted SHA-1",
    _HASHERS + "UnsaltedSHA1PasswordHasher": "unsalted SHA-1",
    _HASHERS + "CryptPasswordHasher": "crypt(3)",
}


@rule("DJE415", "weak-password-hasher", tier="recommended", triggers=("PASSWORD_HASHERS",), scope="settings")
def check(ctx):
    if is_test_module(ctx.module):
        return
    for _, setting in set_here(ctx, "PASSWORD_HASHERS", entry_modules(ctx.project, skip_tests=True)):
        value = certain(setting)
        first = value.items[0] if isinstance(value, Seq) and value.items else None
        if not (isinstance(first, Const) and first.value in WEAK):
            continue
        yield ctx.report(
            name_span(ctx, setting.statement_index, "PASSWORD_HASHERS"),
            f"PASSWORD_HASHERS stores new passwords with {first.value.rpartition('.')[2]} ({WEAK[first.value]}): "
            f"a fast digest that a leaked database gives up to brute force in hours",
        )
        return
