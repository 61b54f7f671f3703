"""django-expert server: the LSP server, the CLI and the engagement workflow.

This package's first lines keep the analysed project's code from running: started as
`python -m django_expert...` from the project folder, Python puts that folder first on
`sys.path`, so a project file named `secrets.py` or `uuid.py` would be imported (and run)
in place of the module we meant. Before any other import, the working folder leaves
`sys.path` (what `python -P`/`-I` would have done). Modules the interpreter imported before
this package cannot be helped; editors therefore launch `python -I -m ...` or the script.
"""

import os as _os
import sys as _sys


def _isolate_sys_path() -> None:
    """Drop the working folder ('' or its path) from `sys.path` when run with `python -m`.

    While `-m` locates its module, `sys.argv[0]` is "-m" (documented), which is how this
    tells a launch from an import by a test or another tool (whose path is theirs to keep).
    """
    if _sys.argv[:1] != ["-m"] or _sys.flags.safe_path:
        return
    try:
        here = _os.path.realpath(_os.getcwd())
    except OSError:  # the working folder was removed: keep only absolute entries
        here = None
    _sys.path[:] = [entry for entry in _sys.path
                    if entry not in ("", ".") and (here is None or _os.path.realpath(entry) != here)]


_isolate_sys_path()
