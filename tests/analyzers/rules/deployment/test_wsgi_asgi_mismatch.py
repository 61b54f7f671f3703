from tests.analyzers.rules.helpers import check_noop, findings

CODE = "DJE703"
WSGI_MODULE = "from django.core.wsgi import get_wsgi_application\n\napplication = get_wsgi_application()\n"


def test_missing_package_module_and_name(tmp_path):
    found = findings(tmp_path, {
        "config/settings.py": (
            'WSGI_APPLICATION = "shop.wsgi.application"\n'
            'ASGI_APPLICATION = "config.asgi.application"\n'
        ),
        "config/wsgi.py": WSGI_MODULE,
    }, CODE)
    assert sorted(f.message for f in found) == [
        ("ASGI_APPLICATION names `config.asgi.application`, but the project has no module `config.asgi`: "
         "the server cannot load the application"),
        ("WSGI_APPLICATION names `shop.wsgi.application`, but the project has no package `shop`: "
         "the server cannot load the application"),
    ]
    assert {(f.span.start.line, f.span.end.column) for f in found} == {(0, 16), (1, 16)}


def test_module_without_the_name(tmp_path):
    [finding] = findings(tmp_path, {
        "config/settings.py": 'WSGI_APPLICATION = "config.wsgi.app"\n',
        "config/wsgi.py": WSGI_MODULE,
    }, CODE)
    assert "`config.wsgi` defines no `app`" in finding.message


def test_lookalikes_stay_silent(tmp_path):
    check_noop(tmp_path / "ok", {
        "config/settings.py": 'WSGI_APPLICATION = "config.wsgi.application"\nASGI_APPLICATION = "config.asgi.app"\n',
        "config/wsgi.py": WSGI_MODULE,
        "config/asgi.py": "from channels.routing import ProtocolTypeRouter\nfrom .routing import app\n",
    }, CODE)
    check_noop(tmp_path / "conditional-binding", {
        "config/settings.py": 'WSGI_APPLICATION = "config.wsgi.application"\n',
        "config/wsgi.py": "import os\nif os.environ.get('SENTRY'):\n    application = wrap()\nelse:\n    def application(environ, start):\n        pass\n",
    }, CODE)
    check_noop(tmp_path / "star", {
        "config/settings.py": 'WSGI_APPLICATION = "config.wsgi.application"\n',
        "config/wsgi.py": "from config.base_wsgi import *\n",
    }, CODE)
    check_noop(tmp_path / "library", {"config/settings.py": 'WSGI_APPLICATION = "django.core.wsgi.application"\n'}, CODE)
    check_noop(tmp_path / "broken-file", {
        "config/settings.py": 'WSGI_APPLICATION = "config.wsgi.application"\n',
        "config/wsgi.py": "application = (\n",
    }, CODE)
    check_noop(tmp_path / "template", {"config/settings.py": 'WSGI_APPLICATION = "{{ project_name }}.wsgi.application"\n'}, CODE)
    check_noop(tmp_path / "noqa", {"config/settings.py": 'WSGI_APPLICATION = "gone.wsgi.application"  # noqa: DJE703\n'}, CODE)
