"""Render a terminal screen captured with `tmux capture-pane -e -p` (text with ANSI SGR
colour codes) to a PNG: the capture becomes an HTML page (standard library only), which the
system Chromium (apt, the one the VS Code test drives) screenshots headless. Offline.

    python3 term_screenshot.py CAPTURE.ansi OUT.png [TITLE]

Handles what Neovim and Emacs draw through tmux: the 16 colours, the 256-colour palette,
24-bit colour, bold, italic, underline (curly too), reverse. Exit status 0, or 1 when
Chromium wrote no PNG.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM", "/usr/lib/chromium/chromium")
DEFAULT_FG, DEFAULT_BG = "#d0d0d0", "#1c1c1c"
BASE16 = ["#000000", "#cd3131", "#0dbc79", "#e5e510", "#2472c8", "#bc3fbc", "#11a8cd", "#e5e5e5",
          "#666666", "#f14c4c", "#23d18b", "#f5f543", "#3b8eea", "#d670d6", "#29b8db", "#ffffff"]
CELL_W, CELL_H = 8.4, 17  # px of a 14px DejaVu Sans Mono cell
SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def palette(n: int) -> str:
    if n < 16:
        return BASE16[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (steps[n // 36], steps[n // 6 % 6], steps[n % 6])
    grey = 8 + (n - 232) * 10
    return "#%02x%02x%02x" % (grey, grey, grey)


def _colour(params: list[str], i: int) -> tuple[str | None, int]:
    """The colour of `38;5;N` / `38;2;R;G;B` starting at params[i] (the 5 or 2); the next index."""
    if i < len(params) and params[i] == "5" and i + 1 < len(params):
        return palette(int(params[i + 1] or 0)), i + 2
    if i < len(params) and params[i] == "2" and i + 3 < len(params):
        return "#%02x%02x%02x" % tuple(int(v or 0) for v in params[i + 1:i + 4]), i + 4
    return None, i + 1


def apply(state: dict, codes: str) -> None:
    params = re.split(r"[;]", codes) if codes else ["0"]
    i = 0
    while i < len(params):
        code = params[i]
        main, _, sub = code.partition(":")
        n = int(main or 0)
        i += 1
        if n == 0:
            state.clear()
        elif n == 1:
            state["bold"] = True
        elif n == 3:
            state["italic"] = True
        elif n == 4:
            state["underline"] = "wavy" if sub == "3" else ("none" if sub == "0" else "solid")
        elif n == 7:
            state["reverse"] = True
        elif n == 22:
            state.pop("bold", None)
        elif n == 23:
            state.pop("italic", None)
        elif n == 24:
            state.pop("underline", None)
        elif n == 27:
            state.pop("reverse", None)
        elif 30 <= n <= 37 or 90 <= n <= 97:
            state["fg"] = BASE16[n - 30 if n < 90 else n - 90 + 8]
        elif 40 <= n <= 47 or 100 <= n <= 107:
            state["bg"] = BASE16[n - 40 if n < 100 else n - 100 + 8]
        elif n in (38, 48, 58):
            colour, i = _colour(params, i)
            if colour:
                state[{38: "fg", 48: "bg", 58: "ul"}[n]] = colour
        elif n == 39:
            state.pop("fg", None)
        elif n == 49:
            state.pop("bg", None)
        elif n == 59:
            state.pop("ul", None)


def style(state: dict) -> str:
    fg, bg = state.get("fg", DEFAULT_FG), state.get("bg")
    if state.get("reverse"):
        fg, bg = bg or DEFAULT_BG, fg
    css = [f"color:{fg}"]
    if bg:
        css.append(f"background:{bg}")
    if state.get("bold"):
        css.append("font-weight:bold")
    if state.get("italic"):
        css.append("font-style:italic")
    if state.get("underline") and state["underline"] != "none":
        css.append(f"text-decoration:underline {state['underline']} {state.get('ul', fg)}")
    return ";".join(css)


def to_html(capture: str, title: str) -> tuple[str, int, int]:
    lines = capture.rstrip("\n").split("\n")
    state: dict = {}
    out = []
    for line in lines:
        pos, row = 0, []
        for match in SGR.finditer(line):
            if match.start() > pos:
                row.append(f'<span style="{style(state)}">{html.escape(line[pos:match.start()])}</span>')
            apply(state, match.group(1))
            pos = match.end()
        if pos < len(line):
            row.append(f'<span style="{style(state)}">{html.escape(line[pos:])}</span>')
        out.append("".join(row))
    columns = max((len(SGR.sub("", line)) for line in lines), default=80)
    page = (
        "<!doctype html><meta charset=utf-8><style>"
        f"body{{margin:0;background:{DEFAULT_BG}}}"
        ".t{font:14px/17px 'DejaVu Sans Mono',monospace;color:#888;padding:4px 8px;border-bottom:1px solid #444}"
        f"pre{{margin:0;padding:6px 8px;font:14px/{CELL_H}px 'DejaVu Sans Mono',monospace;color:{DEFAULT_FG}}}"
        f"</style><div class=t>{html.escape(title)}</div><pre>" + "\n".join(out) + "</pre>"
    )
    return page, columns, len(lines)


def main() -> int:
    capture, png = Path(sys.argv[1]), Path(sys.argv[2])
    title = sys.argv[3] if len(sys.argv) > 3 else capture.stem
    page, columns, rows = to_html(capture.read_text(errors="replace"), title)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "screen.html"
        source.write_text(page)
        width, height = int(columns * CELL_W) + 24, int(rows * CELL_H) + 48
        png.unlink(missing_ok=True)
        subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--disable-background-networking", "--disable-component-update", "--no-first-run",
             f"--user-data-dir={tmp}/profile", "--hide-scrollbars", f"--window-size={width},{height}",
             f"--screenshot={png}", source.as_uri()],
            capture_output=True, timeout=60, check=False)
    if not png.exists():
        print(f"FAIL Chromium wrote no {png}")
        return 1
    print(f"screenshot: {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
