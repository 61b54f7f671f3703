from tests.analyzers.rules.helpers import check_fixed, check_noop, findings
from tests.analyzers.rules.security.test_debug_enabled import WSGI, split

CODE = "DJE402"
STRONG = "k" + "".join(chr(ord("a") + i % 26) for i in range(60))  # long, varied, not django-insecure-


def test_literal_key_is_reported_without_its_value_and_fixed(tmp_path):
    finding = check_fixed(
        tmp_path,
        {**WSGI, "config/settings.py": """
            \"\"\"Settings.\"\"\"
            from pathlib import Path

            SECRET_KEY = "django-insecure-abc123"
        """},
        CODE,
        {"config/settings.py": """
            \"\"\"Settings.\"\"\"
            import os
            from pathlib import Path

            SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
        """},
    )
    assert "abc123" not in finding.message and "insecure" not in finding.message
    assert "is hard-coded" in finding.message and "(security.W009)" in finding.message


def test_a_long_random_literal_is_hard_coded_but_not_weak(tmp_path):
    [finding] = findings(tmp_path, {**WSGI, "config/settings.py": f"SECRET_KEY = '{STRONG}'\n"}, CODE)
    assert "security.W009" not in finding.message and STRONG not in finding.message


def test_fallbacks_read_when_the_variable_is_unset(tmp_path):
    for index, value in enumerate((
        'os.environ.get("DJANGO_SECRET_KEY", "dev-key")',
        'os.getenv("SECRET_KEY") or "dev-key"',
        'env("SECRET_KEY", default="dev-key")',
        'config("SECRET_KEY", default="dev-key")',
    )):
        found = findings(tmp_path / str(index), {**WSGI, "config/settings.py": f"""
            import os
            import environ
            from decouple import config
            env = environ.Env()
            SECRET_KEY = {value}
        """}, CODE)
        assert len(found) == 1, value
        assert "falls back to a hard-coded value" in found[0].message and "dev-key" not in found[0].message


def test_fix_keeps_the_variable_name(tmp_path):
    check_fixed(
        tmp_path,
        {**WSGI, "config/settings.py": 'import os\nSECRET_KEY = os.environ.get("APP_KEY", "fallback")\n'},
        CODE,
        {"config/settings.py": 'import os\nSECRET_KEY = os.environ["APP_KEY"]\n'},
    )


def test_inherited_literal_reported_in_prod_with_the_base_assignment_related(tmp_path):
    [finding] = findings(tmp_path, split("SECRET_KEY = 'base-key'\n", "from .base import *\nDEBUG = False\n"), CODE)
    assert finding.path.endswith("prod.py") and finding.related[0].path.endswith("base.py")


def test_lookalikes_stay_silent(tmp_path):
    for index, value in enumerate((
        'os.environ["DJANGO_SECRET_KEY"]',
        'os.environ.get("DJANGO_SECRET_KEY")',
        'env("SECRET_KEY")',
        'os.environ.get("SECRET_KEY", "")',
        'Path("/run/secrets/django").read_text().strip()',
        "get_random_secret_key()",
        '"literal"  # noqa: DJE402',
    )):
        check_noop(tmp_path / str(index), {**WSGI, "config/settings.py": f"""
            import os
            import environ
            from pathlib import Path
            from django.core.management.utils import get_random_secret_key
            env = environ.Env()
            SECRET_KEY = {value}
        """}, CODE)
    # production overrides the base's literal; the base itself is not production
    check_noop(tmp_path / "split", split("SECRET_KEY = 'dev'\n", "import os\nfrom .base import *\nSECRET_KEY = os.environ['K']\n"), CODE)
    # a hard-coded key in a settings module nobody deploys
    check_noop(tmp_path / "dev", {"config/settings.py": "SECRET_KEY = 'dev-only'\n"}, CODE)
