from tests.analyzers.rules.helpers import check_noop, findings
from tests.analyzers.rules.security.test_debug_enabled import split

CODE = "DJE415"
H = "django.contrib.auth.hashers."


def test_weak_first_hashers_are_reported(tmp_path):
    for name in ("MD5PasswordHasher", "UnsaltedMD5PasswordHasher", "SHA1PasswordHasher",
                 "UnsaltedSHA1PasswordHasher", "CryptPasswordHasher"):
        [finding] = findings(tmp_path / name, {"config/settings.py": f'PASSWORD_HASHERS = ("{H}{name}", "{H}PBKDF2PasswordHasher")\n'}, CODE)
        assert name in finding.message and finding.span.start.line == 0


def test_reported_once_in_the_base_that_sets_it(tmp_path):
    files = split(f'PASSWORD_HASHERS = ["{H}MD5PasswordHasher"]\n', "from .base import *\n")
    found = findings(tmp_path, files, CODE)
    assert len(found) == 1 and found[0].path.endswith("base.py")


def test_lookalikes_stay_silent(tmp_path):
    # a legacy hasher kept after a strong one, to upgrade old hashes at login
    check_noop(tmp_path / "legacy", {"config/settings.py": f'PASSWORD_HASHERS = ["{H}PBKDF2PasswordHasher", "{H}MD5PasswordHasher"]\n'}, CODE)
    # the fast hasher of test settings
    files = split("DEBUG = False\n", "from .base import *\n")
    files["site_cfg/settings/test.py"] = f'from .base import *\nPASSWORD_HASHERS = ["{H}MD5PasswordHasher"]\n'
    check_noop(tmp_path / "test-settings", files, CODE)
    check_noop(tmp_path / "tests-package", {
        "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "app.tests.settings")\n',
        "app/tests/__init__.py": "",
        "app/tests/settings.py": f'PASSWORD_HASHERS = ["{H}MD5PasswordHasher"]\n',
    }, CODE)
    check_noop(tmp_path / "conditional", {"config/settings.py": (
        f'import sys\nif "test" in sys.argv:\n    PASSWORD_HASHERS = ["{H}MD5PasswordHasher"]\n')}, CODE)
    check_noop(tmp_path / "noqa", {"config/settings.py": f'PASSWORD_HASHERS = ["{H}MD5PasswordHasher"]  # noqa: DJE415\n'}, CODE)
    # the base's weak value is overridden by every module importing it
    check_noop(tmp_path / "overridden", {**split(f'PASSWORD_HASHERS = ["{H}MD5PasswordHasher"]\n',
                                                 f'from .base import *\nPASSWORD_HASHERS = ["{H}Argon2PasswordHasher"]\n'),
                                         "site_cfg/settings/dev.py": f'from .base import *\nPASSWORD_HASHERS = ["{H}Argon2PasswordHasher"]\n'}, CODE)
