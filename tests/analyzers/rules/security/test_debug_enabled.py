from tests.analyzers.rules.helpers import check_fixed, check_noop, findings

CODE = "DJE401"
WSGI = {"config/wsgi.py": """
    import os
    from django.core.wsgi import get_wsgi_application

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    application = get_wsgi_application()
"""}


def split(base: str, prod: str) -> dict:
    """A project with split settings in site_cfg/settings/: base, dev (manage.py's) and prod."""
    return {
        "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_cfg.settings.dev")\n',
        "site_cfg/__init__.py": "",
        "site_cfg/settings/__init__.py": "",
        "site_cfg/settings/dev.py": "from .base import *\n\nDEBUG = True\n",
        "site_cfg/settings/base.py": base,
        "site_cfg/settings/prod.py": prod,
    }


def test_literal_true_in_the_production_module_is_reported_and_fixed(tmp_path):
    finding = check_fixed(
        tmp_path,
        {**WSGI, "config/settings.py": """
            SECRET_KEY = "x"
            DEBUG = True  # handy while we set up
            INSTALLED_APPS = ["app"]
        """},
        CODE,
        {"config/settings.py": """
            import os
            SECRET_KEY = "x"
            DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"  # handy while we set up
            INSTALLED_APPS = ["app"]
        """},
    )
    assert finding.span.start.line == 1 and finding.span.end.column == len("DEBUG")
    assert "`config.settings`" in finding.message and "(security.W018)" in finding.message
    assert finding.fixable.value == "unsafe"


def test_inherited_from_base_is_reported_once_in_prod_at_the_star_import(tmp_path):
    files = split("SECRET_KEY = 'x'\nDEBUG = True\n", '"""Production."""\nfrom .base import *\n\nALLOWED_HOSTS = ["a.example"]\n')
    found = findings(tmp_path, files, CODE)
    assert len(found) == 1
    [finding] = found
    assert finding.path.endswith("prod.py") and finding.span.start.line == 1
    assert finding.related and finding.related[0].path.endswith("base.py") and finding.related[0].span.start.line == 1


def test_fix_for_an_inherited_value_goes_after_the_star_import(tmp_path):
    check_fixed(
        tmp_path,
        split("DEBUG = True\n", "from .base import *\n\nLOGGING_LEVEL = 'DEBUG' if DEBUG else 'INFO'\n"),
        CODE,
        {"site_cfg/settings/prod.py": """
            import os
            from .base import *
            DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"

            LOGGING_LEVEL = 'DEBUG' if DEBUG else 'INFO'
        """},
    )


def test_environment_defaults_that_turn_debug_on(tmp_path):
    for value in ('os.environ.get("DEBUG", "1") == "1"', 'env.bool("DJANGO_DEBUG", default=True)',
                  'os.getenv("DEBUG", "true").lower() in ("1", "true")', 'config("DEBUG", default="True", cast=bool)',
                  'not os.environ.get("PRODUCTION")'):
        files = {**WSGI, "config/settings.py": f"""
            import os
            import environ
            from decouple import config
            env = environ.Env()
            DEBUG = {value}
        """}
        found = findings(tmp_path / str(abs(hash(value))), files, CODE)
        assert len(found) == 1, value
        assert "unless the environment sets" in found[0].message


def test_variable_named_in_message_and_kept_by_the_fix(tmp_path):
    finding = check_fixed(
        tmp_path,
        {**WSGI, "config/settings.py": 'import os\n\nDEBUG = os.environ.get("APP_DEBUG", "True") == "True"\n'},
        CODE,
        {"config/settings.py": 'import os\n\nDEBUG = os.environ.get("APP_DEBUG", "") == "1"\n'},
    )
    assert "sets APP_DEBUG" in finding.message


def test_lookalikes_stay_silent(tmp_path):
    for index, value in enumerate((
        "False",
        'os.environ.get("DEBUG", "0") == "1"',
        'env.bool("DEBUG", default=False)',
        'os.environ["DEBUG"] == "1"',
        'os.environ.get("DEBUG") == "1"',
        "some_helper('DEBUG')",
        "True  # noqa: DJE401",
    )):
        check_noop(tmp_path / str(index), {**WSGI, "config/settings.py": f"""
            import os
            import environ
            env = environ.Env()
            DEBUG = {value}
        """}, CODE)


def test_conditional_and_non_production_modules_stay_silent(tmp_path):
    check_noop(tmp_path / "a", {**WSGI, "config/settings.py": """
        import sys
        DEBUG = False
        if "runserver" in sys.argv:
            DEBUG = True
    """}, CODE)
    # no wsgi.py and a plain name: not a production module; dev.py says dev
    check_noop(tmp_path / "b", {"config/settings.py": "DEBUG = True\n"}, CODE)
    check_noop(tmp_path / "c", split("DEBUG = False\n", "from .base import *\n"), CODE)


def test_an_optional_star_import_of_a_module_the_repository_lacks_is_read_without_it(tmp_path):
    """`try: from .local import * except ImportError: pass` with no local.py in the repository:
    a fresh deployment runs without it (DJE113 says so of the project's settings); a module the
    analyser cannot read, imported unconditionally, still silences the rules."""
    files = split("DEBUG = True\n", """
        from .base import *

        try:
            from .local import *
        except ImportError:
            pass
    """)
    assert [f.message.split(";")[0] for f in findings(tmp_path / "optional", files, CODE)] == [
        "DEBUG is True in the production settings `site_cfg.settings.prod` (security.W018)"]
    check_noop(tmp_path / "unconditional", split("DEBUG = True\n", "from .base import *\nfrom .local import *\n"),
               CODE)
