"""Files a repository can hold that must never be read: symlinks to devices, to the
process's own protocol stream and out of the workspace, and FIFOs named like the files the
analyser reads. Planted by the engine, CLI and language-server tests alike."""

from __future__ import annotations

import os
from pathlib import Path

OUTSIDE_LINK = "cannot read file: a symlink leading outside the workspace"
NOT_REGULAR = "cannot read file: not a regular file"
LINKS = {"zero.py": "/dev/zero", "stdin.py": "/dev/stdin", "fd0.py": "/proc/self/fd/0"}  # and outside.py
FIFOS = ("pipe.py", "Dockerfile", "templates/pipe.html")
# Each planted file, relative to the workspace, and the DJE000 message its read must give.
EXPECTED = {**{name: OUTSIDE_LINK for name in (*LINKS, "outside.py")}, **{name: NOT_REGULAR for name in FIFOS}}


def plant(root: Path, outside: Path) -> None:
    """Plant the hostile files in `root`; `outside.py` links to `outside`, written here."""
    outside.write_text("SECRET = 'outside'\n")
    for name, target in LINKS.items():
        (root / name).symlink_to(target)
    (root / "outside.py").symlink_to(outside)
    (root / "templates").mkdir(exist_ok=True)
    for name in FIFOS:
        os.mkfifo(root / name)
