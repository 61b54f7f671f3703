"""Django proves the cross-function taint findings (DJE407-DJE411) on tests/workspaces/taint.

Every view of the workspace is listed with the rule that must flag it (None: a lookalike
that must stay silent). The probe (`taint_probe.py`, a subprocess running Django) sends a
payload through the test client and records the SQL texts the database received before
parameters were bound, the commands `subprocess.run` was asked to run and the data
`pickle.loads` / `yaml.load` were asked to load, with their loader (nothing runs or loads).
Flagged: the payload arrives inside the SQL text, the shell command or a code-running
loader (and the injected SQL returns rows the search did not ask for); silent: it arrives
only as a parameter, at a loader that builds plain values, or not at all.
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
# A pickle that would run a command and a YAML document that would: the probe records the
# loader's call instead of loading (nothing is ever unpickled).
PICKLE_PAYLOAD = "cos\nsystem\n(S'touch /tmp/pwned'\ntR."
YAML_PAYLOAD = "!!python/object/apply:os.system ['touch /tmp/pwned']"
CODES = ("DJE407", "DJE408", "DJE409", "DJE410", "DJE411")

# (id, rule or None, line of the view's call in shop/views.py, url, parameter, payload)
CASES = [
    ("sql-through-helper", "DJE407", 22, "/search/", "q", SQL_PAYLOAD),
    ("sql-through-two-helpers", "DJE407", 27, "/search/relayed/", "q", SQL_PAYLOAD),
    ("sql-through-form-cleaned-data", "DJE407", 34, "/search/form/", "q", SQL_PAYLOAD),
    ("sql-parameterised", None, None, "/search/safe/", "q", SQL_PAYLOAD),
    ("sql-constant", None, None, "/search/constant/", "q", SQL_PAYLOAD),
    ("shell-through-helper", "DJE411", 46, "/thumbnail/", "name", SHELL_PAYLOAD),
    ("shell-argument-list", None, None, "/thumbnail/safe/", "name", SHELL_PAYLOAD),
    ("redirect-through-helper", "DJE409", 54, "/next/", "next", REDIRECT_PAYLOAD),
    ("redirect-checked-in-helper", None, None, "/next/checked/", "next", REDIRECT_PAYLOAD),
    ("html-through-helper", "DJE408", 66, "/highlight/", "q", HTML_PAYLOAD),
    ("html-escaped-in-helper", None, None, "/highlight/safe/", "q", HTML_PAYLOAD),
    # Deserialisation: the raw body, and an uploaded file (`param` is the form field).
    ("pickle-body-through-helper", "DJE410", 74, "/cart/restore/", "", PICKLE_PAYLOAD),
    ("json-body-through-helper", None, None, "/cart/restore/safe/", "", PICKLE_PAYLOAD),
    ("yaml-upload-through-helper", "DJE410", 78, "/config/import/", "config", YAML_PAYLOAD),
    ("yaml-upload-safe-load", None, None, "/config/import/safe/", "config", YAML_PAYLOAD),
]


def _how_sent(case) -> str:
    """"query" (GET ?param=payload), "body" (POSTed as the raw body), "file" (uploaded as `param`)."""
    return "body" if not case[4] else "file" if "upload" in case[0] else "query"


@cache
def probe() -> dict:
    cases = [{"id": c[0], "url": c[3], "param": c[4], "payload": c[5], "send": _how_sent(c)} for c in CASES]
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
                   if f.code in CODES)
    assert found == sorted((code, line) for _, code, line, *_ in CASES if code)
    in_services = [(f.code, f.message) for f in engine.findings(WORKSPACE / "shop/services.py") if f.code in CODES]
    # only the helper's own `yaml.load(..., Loader=yaml.Loader)`, unsafe whatever it is given
    assert [code for code, _ in in_services] == ["DJE410"] and "yaml.load" in in_services[0][1]


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


def test_the_payload_reaches_a_code_running_loader_exactly_where_dje410_says_so():
    results = probe()
    for case_id, code, _, _, _, payload in CASES:
        if case_id.startswith(("pickle", "json", "yaml")):
            loaded = results[case_id]["loaded"]
            assert results[case_id]["status"] == 200, (case_id, results[case_id]["body"][:300])
            unsafe = [call for call in loaded if call["unsafe"]]
            assert bool(unsafe) == (code == "DJE410"), (case_id, loaded)
            assert all(call["data"] == payload for call in unsafe), (case_id, loaded)
    assert results["json-body-through-helper"]["status"] == 200  # read as JSON, a plain value at most
