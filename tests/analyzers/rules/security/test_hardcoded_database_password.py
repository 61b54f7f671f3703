from tests.analyzers.rules.helpers import check_fixed, check_noop, findings
from tests.analyzers.rules.security.test_debug_enabled import WSGI, split

CODE = "DJE414"
POSTGRES = '"ENGINE": "django.db.backends.postgresql", "NAME": "shop", "USER": "shop"'


def settings(text: str) -> dict:
    return {**WSGI, "config/settings.py": text}


def test_literal_password_is_reported_without_its_value_and_fixed(tmp_path):
    finding = check_fixed(
        tmp_path,
        settings(f"""
            DATABASES = {{
                "default": {{
                    {POSTGRES},
                    "PASSWORD": "s3cr3t-pw",  # from the ops wiki
                }}
            }}
        """),
        CODE,
        {"config/settings.py": f"""
            import os
            DATABASES = {{
                "default": {{
                    {POSTGRES},
                    "PASSWORD": os.environ["DATABASE_PASSWORD"],  # from the ops wiki
                }}
            }}
        """},
    )
    assert "s3cr3t" not in finding.message and "DATABASES['default']" in finding.message


def test_subscript_assignment_is_fixed_in_place(tmp_path):
    check_fixed(
        tmp_path,
        settings(f'import os\nDATABASES = {{"default": {{{POSTGRES}}}}}\nDATABASES["default"]["PASSWORD"] = "pw"\n'),
        CODE,
        {"config/settings.py": f'import os\nDATABASES = {{"default": {{{POSTGRES}}}}}\n'
                               'DATABASES["default"]["PASSWORD"] = os.environ["DATABASE_PASSWORD"]\n'},
    )


def test_fallbacks_and_urls(tmp_path):
    for index, (value, how) in enumerate((
        (f'{{"default": {{{POSTGRES}, "PASSWORD": os.environ.get("DB_PASSWORD", "pw")}}}}', "falls back"),
        ('{"default": dj_database_url.parse("postgres://shop:pw@db:5432/shop")}', "database URL"),
        ('{"default": dj_database_url.config(default="postgres://shop:pw@db/shop")}', "database URL used when"[:12]),
        ('{"replica": env.db("REPLICA_URL", default="postgres://shop:pw@db/shop")}', "used when the variable is unset"),
    )):
        found = findings(tmp_path / str(index), settings(f"""
            import os
            import dj_database_url
            import environ
            env = environ.Env()
            DATABASES = {value}
        """), CODE)
        assert len(found) == 1, value
        assert how in found[0].message and "pw" not in found[0].message.replace("password", "")
        assert not found[0].fix_title or how == "is hard-coded"


def test_inherited_from_base(tmp_path):
    base = f'DATABASES = {{"default": {{{POSTGRES}, "PASSWORD": "pw"}}}}\n'
    [finding] = findings(tmp_path, split(base, "from .base import *\n"), CODE)
    assert finding.path.endswith("prod.py") and finding.related and not finding.fix_title


def test_lookalikes_stay_silent(tmp_path):
    for index, value in enumerate((
        f'{{"default": {{{POSTGRES}, "PASSWORD": os.environ["DB_PASSWORD"]}}}}',
        f'{{"default": {{{POSTGRES}, "PASSWORD": ""}}}}',
        '{"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3", "PASSWORD": "x"}}',
        '{"default": dj_database_url.config()}',
        '{"default": dj_database_url.parse("postgres://shop@db/shop")}',
        '{"default": env.db("DATABASE_URL")}',
        f'{{"default": {{{POSTGRES}, "PASSWORD": read_secret("db")}}}}',
        f'{{"default": {{{POSTGRES}, "PASSWORD": "pw"}}}}  # noqa: DJE414',
    )):
        check_noop(tmp_path / str(index), settings(f"""
            import os
            import dj_database_url
            import environ
            env = environ.Env()
            DATABASES = {value}
        """), CODE)
    # production overrides the password set in the base
    check_noop(tmp_path / "override", split(f'DATABASES = {{"default": {{{POSTGRES}, "PASSWORD": "dev"}}}}\n',
                                            "import os\nfrom .base import *\n"
                                            "DATABASES['default']['PASSWORD'] = os.environ['PW']\n"), CODE)
    check_noop(tmp_path / "dev", {"config/settings.py": f'DATABASES = {{"default": {{{POSTGRES}, "PASSWORD": "pw"}}}}\n'}, CODE)
