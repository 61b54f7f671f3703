from tests.analyzers.rules.helpers import check_fixed, check_noop, findings

CODE = "DJE102"
SECURITY = "django.middleware.security.SecurityMiddleware"
SESSION = "django.contrib.sessions.middleware.SessionMiddleware"
COMMON = "django.middleware.common.CommonMiddleware"
CSRF = "django.middleware.csrf.CsrfViewMiddleware"
AUTH = "django.contrib.auth.middleware.AuthenticationMiddleware"
MESSAGES = "django.contrib.messages.middleware.MessageMiddleware"
REMOTE = "django.contrib.auth.middleware.RemoteUserMiddleware"
UPDATE = "django.middleware.cache.UpdateCacheMiddleware"
FETCH = "django.middleware.cache.FetchFromCacheMiddleware"
LOCALE = "django.middleware.locale.LocaleMiddleware"
CORS = "corsheaders.middleware.CorsMiddleware"
WHITENOISE = "whitenoise.middleware.WhiteNoiseMiddleware"


def middleware(*names: str, extra: str = "") -> dict:
    return {"config/settings.py": "MIDDLEWARE = [\n" + "".join(f'    "{n}",\n' for n in names) + "]\n" + extra}


def test_session_after_authentication_is_reported_on_the_entry_and_fixed(tmp_path):
    finding = check_fixed(
        tmp_path,
        middleware(SECURITY, AUTH, SESSION, CSRF),
        CODE,
        {"config/settings.py": f'MIDDLEWARE = [\n    "{SECURITY}",\n    "{SESSION}",\n    "{AUTH}",\n    "{CSRF}",\n]\n'},
    )
    assert finding.span.start.line == 3 and finding.span.start.column == 4
    assert "SessionMiddleware must come before AuthenticationMiddleware" in finding.message


def test_security_after_common_moves_before_it(tmp_path):
    check_fixed(
        tmp_path,
        middleware(CORS, COMMON, SECURITY, SESSION),
        CODE,
        {"config/settings.py": f'MIDDLEWARE = [\n    "{CORS}",\n    "{SECURITY}",\n    "{COMMON}",\n    "{SESSION}",\n]\n'},
    )


def test_whitenoise_goes_right_after_security(tmp_path):
    check_fixed(
        tmp_path,
        middleware(SECURITY, SESSION, WHITENOISE, COMMON),
        CODE,
        {"config/settings.py": f'MIDDLEWARE = [\n    "{SECURITY}",\n    "{WHITENOISE}",\n    "{SESSION}",\n    "{COMMON}",\n]\n'},
    )
    [finding] = findings(tmp_path / "before", middleware(WHITENOISE, SECURITY), CODE)
    assert "must come right after SecurityMiddleware" in finding.message


def test_cors_after_common(tmp_path):
    [finding] = findings(tmp_path, middleware(SECURITY, COMMON, CORS), CODE)
    assert finding.message.startswith("CorsMiddleware must come before CommonMiddleware")


def test_cache_middleware_around_vary(tmp_path):
    found = findings(tmp_path, middleware(SESSION, UPDATE, COMMON, FETCH, LOCALE), CODE)
    messages = sorted(f.message.split(":")[0] for f in found)
    assert messages == ["FetchFromCacheMiddleware must come after LocaleMiddleware in MIDDLEWARE",
                        "UpdateCacheMiddleware must come before SessionMiddleware in MIDDLEWARE"]


def test_known_entries_keep_their_order_when_others_are_added_under_a_condition(tmp_path):
    [finding] = findings(tmp_path, {"config/settings.py": (
        f'MIDDLEWARE = ["{SECURITY}", "{AUTH}", "{SESSION}"]\n'
        'if DEBUG:\n    MIDDLEWARE += ["debug_toolbar.middleware.DebugToolbarMiddleware"]\n')}, CODE)
    assert finding.message.startswith("SessionMiddleware must come before AuthenticationMiddleware")


def test_settings_dependent_orders(tmp_path):
    [finding] = findings(tmp_path / "messages", middleware(MESSAGES, SESSION), CODE)
    assert "message storage" in finding.message
    check_noop(tmp_path / "cookie-storage", middleware(MESSAGES, SESSION, extra=(
        'MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"\n')), CODE)
    [finding] = findings(tmp_path / "csrf", middleware(CSRF, SESSION, extra="CSRF_USE_SESSIONS = True\n"), CODE)
    assert "CSRF_USE_SESSIONS" in finding.message
    assert len(findings(tmp_path / "remote", middleware(SESSION, REMOTE, AUTH, CSRF), CODE)) == 2


def test_lookalikes_stay_silent(tmp_path):
    check_noop(tmp_path / "startproject", middleware(SECURITY, SESSION, COMMON, CSRF, AUTH, MESSAGES,
                                                     "django.middleware.clickjacking.XFrameOptionsMiddleware"), CODE)
    check_noop(tmp_path / "third-party", middleware(CORS, SECURITY, WHITENOISE, SESSION, "app.middleware.Audit", COMMON, CSRF, AUTH), CODE)
    check_noop(tmp_path / "cache", middleware(UPDATE, SECURITY, SESSION, LOCALE, COMMON, CSRF, AUTH, FETCH), CODE)
    check_noop(tmp_path / "security-after-session", middleware(SESSION, SECURITY, COMMON), CODE)
    # CommonMiddleware only answers itself with APPEND_SLASH or PREPEND_WWW redirects
    check_noop(tmp_path / "no-redirects", middleware(COMMON, LOCALE, SECURITY, extra="APPEND_SLASH = False\n"), CODE)
    # a conditional addition of a middleware the order rules do not name keeps the order known
    check_noop(tmp_path / "debug-toolbar", {"config/settings.py": (
        f'MIDDLEWARE = ["{SECURITY}", "{SESSION}", "{AUTH}"]\n'
        'if DEBUG:\n    MIDDLEWARE.insert(0, "debug_toolbar.middleware.DebugToolbarMiddleware")\n')}, CODE)
    # ... but not one that adds a middleware they name
    check_noop(tmp_path / "conditional-whitenoise", {"config/settings.py": (
        f'MIDDLEWARE = ["{SECURITY}", "{SESSION}", "{AUTH}"]\n'
        f'if SERVE_STATIC:\n    MIDDLEWARE.append("{WHITENOISE}")\n')}, CODE)
    check_noop(tmp_path / "conditional", {"config/settings.py": (
        f'MIDDLEWARE = ["{SECURITY}", "{SESSION}", "{AUTH}"]\nif DEBUG:\n    MIDDLEWARE = ["{AUTH}", "{SESSION}"]\n')}, CODE)
    check_noop(tmp_path / "noqa", {"config/settings.py": f'MIDDLEWARE = ["{AUTH}", "{SESSION}"]  # noqa: DJE102\n'}, CODE)


def test_fix_moves_an_entry_with_its_own_comment(tmp_path):
    check_fixed(
        tmp_path,
        {"config/settings.py": (
            "MIDDLEWARE = [\n"
            f'    "{SECURITY}",\n'
            f'    "{AUTH}",  # who is it\n'
            f'    "{SESSION}",  # needed by auth\n'
            f'    "{CSRF}"\n'
            "]\n"
        )},
        CODE,
        {"config/settings.py": (
            "MIDDLEWARE = [\n"
            f'    "{SECURITY}",\n'
            f'    "{SESSION}",  # needed by auth\n'
            f'    "{AUTH}",  # who is it\n'
            f'    "{CSRF}"\n'
            "]\n"
        )},
    )
