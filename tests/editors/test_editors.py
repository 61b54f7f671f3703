"""The editor tests (tests/editors/run_all.sh) as pytest tests, one per editor test, each run
as a subprocess: the shipped integrations in editors/ driven headless in Neovim 0.7 and 0.11,
Emacs 28 + Eglot and VS Code (code-server + Chromium).

The editors come from tests/editors/setup.sh (CI runs it before pytest). A missing editor
fails its test with the runner's message: nothing is skipped silently. Developers without
root, who cannot install the editors, set DJANGO_EXPERT_SKIP_EDITORS=1; SKIP_VSCODE=1 (as
for setup.sh) leaves out only VS Code.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
RUN_ALL = HERE / "run_all.sh"
TIMEOUT = 420  # seconds per editor test; each script has its own, shorter, timeouts inside


def _tests() -> list[tuple[str, str]]:
    listing = subprocess.run(["bash", str(RUN_ALL), "--list"], capture_output=True, text=True, check=True).stdout
    return [tuple(line.split("\t", 1)) for line in listing.splitlines() if "\t" in line]


@pytest.mark.parametrize(("name", "command"), _tests(), ids=[name for name, _ in _tests()])
def test_editor(name: str, command: str) -> None:
    if os.environ.get("DJANGO_EXPERT_SKIP_EDITORS") == "1":
        pytest.skip("DJANGO_EXPERT_SKIP_EDITORS=1: the editor tests are not run")
    if name.startswith("vscode-code-server") and os.environ.get("SKIP_VSCODE"):
        pytest.skip("SKIP_VSCODE is set: the VS Code test is not run")
    try:
        result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=TIMEOUT,
                                stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"{name} did not finish in {TIMEOUT}s:\n{_tail(error.stdout)}")
    output = result.stdout + result.stderr
    assert result.returncode == 0, (
        f"{name} failed (exit status {result.returncode}); if an editor is missing, run "
        f"`bash tests/editors/setup.sh` (needs root) or set DJANGO_EXPERT_SKIP_EDITORS=1.\n"
        f"$ {command}\n{_tail(output)}"
    )


def _tail(text: str | bytes | None, lines: int = 60) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return "\n".join((text or "").splitlines()[-lines:])
