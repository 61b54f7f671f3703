"""Django proves the cross-function taint findings (DJE407, DJE408, DJE409, DJE411) on tests/workspaces/taint.

Every view of the workspace is listed with the rule that must flag it (None: a lookalike
that must stay silent). The probe (`taint_probe.py`, a subprocess running Django) sends a
payload through the test client and records the SQL texts the database received before
parameters were bound, and the commands `subprocess.run` was asked to run (nothing runs).
Flagged: the payload arrives inside the SQL text or the shell command (and the injected
SQL returns rows the search did not ask for); silent: it arrives only as a parameter, or
not at all.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

from django_expert.analyzers.engine import Engine

WORKSPACE = Path(__file__).resolve().parents[1] / "workspaces" / "taint"
PROBE = Path(__file__).resolve().with_name("taint_probe.py")
SQL_PAYLOAD = "zzz' OR 1=1 OR name LIKE '"
SHELL_PAYLOAD = "x.png; touch /tmp/pwned"
REDIRECT_PAYLOAD = "https://evil.example/phish"
HTML_PAYLOAD = "<script>alert(1)</script>"

# (id, rule or None, line of the view's call in shop/views.py, url, parameter, payload)
CASES = [
    ("sql-through-helper", "DJE407", 18, "/search/", "q", SQL_PAYLOAD),
    ("sql-through-two-helpers", "DJE407", 23, "/search/relayed/", "q", SQL_PAYLOAD),
    ("sql-through-form-cleaned-data", "DJE407", 30, "/search/form/", "q", SQL_PAYLOAD),
    ("sql-parameterised", None, None, "/search/safe/", "q", SQL_PAYLOAD),
    ("sql-constant", None, None, "/search/constant/", "q", SQL_PAYLOAD),
    ("shell-through-helper", "DJE411", 42, "/thumbnail/", "name", SHELL_PAYLOAD),
    ("shell-argument-list", None, None, "/thumbnail/safe/", "name", SHELL_PAYLOAD),
    ("redirect-through-helper", "DJE409", 50, "/next/", "next", REDIRECT_PAYLOAD),
    ("redirect-checked-in-helper", None, None, "/next/checked/", "next", REDIRECT_PAYLOAD),
    ("html-through-helper", "DJE408", 62, "/highlight/", "q", HTML_PAYLOAD),
    ("html-escaped-in-helper", None, None, "/highlight/safe/", "q", HTML_PAYLOAD),
]


@cache
def probe() -> dict:
    cases = [{"id": c[0], "url": c[3], "param": c[4], "payload": c[5]} for c in CASES]
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    proc = subprocess.run([sys.executable, str(PROBE), str(WORKSPACE), json.dumps(cases)],
                          capture_output=True, text=True, timeout=300, env=env, cwd=str(WORKSPACE))
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout)


def test_the_analyser_flags_exactly_the_views_whose_payload_reaches_a_sink():
    engine = Engine([WORKSPACE], use_cache=False)
    engine.index()
    found = sorted((f.code, f.span.start.line + 1) for f in engine.findings(WORKSPACE / "shop/views.py")
                   if f.code in ("DJE407", "DJE408", "DJE409", "DJE411"))
    assert found == sorted((code, line) for _, code, line, *_ in CASES if code)
    assert not [f for f in engine.findings(WORKSPACE / "shop/services.py") if f.code in ("DJE407", "DJE408", "DJE409", "DJE411")]


def test_the_payload_arrives_in_the_sql_text_exactly_where_dje407_says_so():
    results = probe()
    for case_id, code, _, _, _, payload in CASES:
        if not case_id.startswith("sql"):
            continue
        result = results[case_id]
        assert result["status"] == 200, (case_id, result["body"][:300])
        in_text = any(payload in text for text in result["sql_texts"])
        assert in_text == (code == "DJE407"), (case_id, result["sql_texts"])
        if code:  # the exploit: the injected condition returns every product
            assert json.loads(result["body"])["names"] == ["Chair", "Table", "Lamp"], result["body"]
    assert any(SQL_PAYLOAD in p for p in results["sql-parameterised"]["sql_params"]), "sent, as a parameter"


def test_the_payload_reaches_a_shell_exactly_where_dje411_says_so():
    results = probe()
    flagged = results["shell-through-helper"]["commands"]
    assert flagged and flagged[0]["shell"] and SHELL_PAYLOAD in flagged[0]["args"]
    safe = results["shell-argument-list"]["commands"]
    assert safe and not safe[0]["shell"] and safe[0]["args"][1] == SHELL_PAYLOAD, "an argument, not shell code"


def test_the_browser_is_sent_to_the_payload_exactly_where_dje409_says_so():
    results = probe()
    flagged, checked = results["redirect-through-helper"], results["redirect-checked-in-helper"]
    assert flagged["status"] == 302 and flagged["location"] == REDIRECT_PAYLOAD
    assert checked["status"] == 302 and checked["location"] == "/"


def test_the_payload_runs_as_script_exactly_where_dje408_says_so():
    results = probe()
    assert HTML_PAYLOAD in results["html-through-helper"]["body"]
    safe = results["html-escaped-in-helper"]["body"]
    assert HTML_PAYLOAD not in safe and "&lt;script&gt;" in safe
