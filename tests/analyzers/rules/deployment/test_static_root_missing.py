from tests.analyzers.rules.helpers import check_noop, findings
from tests.analyzers.rules.security.test_debug_enabled import WSGI, split

CODE = "DJE701"
APPS = 'INSTALLED_APPS = ["django.contrib.staticfiles", "app"]\n'


def settings(text: str, apps: str = APPS) -> dict:
    return {**WSGI, "config/settings.py": apps + text}


def test_static_url_without_root_is_reported_at_static_url(tmp_path):
    [finding] = findings(tmp_path, settings('STATIC_URL = "static/"\n'), CODE)
    assert finding.span.start.line == 1 and "`config.settings`" in finding.message


def test_local_storages_still_need_a_root(tmp_path):
    for index, storages in enumerate((
        '{"staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}',
        ('{"default": {"BACKEND": "storages.backends.s3.S3Storage"}, '
         '"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}'),
    )):
        assert len(findings(tmp_path / str(index), settings(f'STATIC_URL = "/static/"\nSTORAGES = {storages}\n'), CODE)) == 1


def test_inherited_and_with_the_app_config_path(tmp_path):
    [finding] = findings(tmp_path, split(
        'INSTALLED_APPS = ["django.contrib.staticfiles.apps.StaticFilesConfig"]\nSTATIC_URL = "/static/"\n',
        "from .base import *\n"), CODE)
    assert finding.path.endswith("prod.py") and finding.related[0].path.endswith("base.py")


def test_lookalikes_stay_silent(tmp_path):
    check_noop(tmp_path / "root", settings('STATIC_URL = "static/"\nSTATIC_ROOT = BASE_DIR / "static"\n'), CODE)
    check_noop(tmp_path / "env-root", settings('import os\nSTATIC_URL = "static/"\nSTATIC_ROOT = os.environ["STATIC_ROOT"]\n'), CODE)
    check_noop(tmp_path / "s3", settings('STATIC_URL = "https://cdn.example.com/"\n'
                                         'STORAGES = {"staticfiles": {"BACKEND": "storages.backends.s3.S3Storage"}}\n'), CODE)
    check_noop(tmp_path / "legacy-s3", settings('STATIC_URL = "/s/"\nSTATICFILES_STORAGE = "storages.backends.s3boto3.S3StaticStorage"\n'), CODE)
    check_noop(tmp_path / "no-staticfiles", settings('STATIC_URL = "static/"\n', apps='INSTALLED_APPS = ["app"]\n'), CODE)
    check_noop(tmp_path / "unknown-apps", settings('STATIC_URL = "static/"\n', apps="INSTALLED_APPS = get_apps()\n"), CODE)
    check_noop(tmp_path / "no-url", settings("DEBUG = False\n"), CODE)
    check_noop(tmp_path / "conditional-root", settings('STATIC_URL = "static/"\nif DOCKER:\n    STATIC_ROOT = "/srv/static"\n'), CODE)
    check_noop(tmp_path / "noqa", settings('STATIC_URL = "static/"  # noqa: DJE701\n'), CODE)
    check_noop(tmp_path / "dev", {"config/settings.py": APPS + 'STATIC_URL = "static/"\n'}, CODE)
