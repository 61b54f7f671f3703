"""Run the django-expert server bundled in the VSIX: `python -I bundled/tool/server.py lsp`.

`-I` keeps the working folder (the opened repository), PYTHONPATH and the user's site
packages off sys.path; this script then puts the bundled libraries first, explicitly: the
folder of bundled/libs/ built for this interpreter's ABI (editors/vscode/build.sh makes it).
Nothing of the interpreter's own environment is needed, so any Python >= 3.11 runs it.
"""

import os
import sys
import sysconfig

if sys.version_info < (3, 11):
    sys.exit(f"django-expert needs Python 3.11 or later; {sys.executable} is {sys.version.split()[0]}")

LIBS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "libs")
TAG = sysconfig.get_config_var("SOABI") or ""
HERE = os.path.join(LIBS, TAG)
if not os.path.isdir(os.path.join(HERE, "django_expert")):
    built = ", ".join(sorted(os.listdir(LIBS))) if os.path.isdir(LIBS) else "none"
    sys.exit(f"the bundled django-expert has no libraries for {TAG or 'this interpreter'} (built for: {built})")
sys.path.insert(0, HERE)

from django_expert.server.cli import main  # noqa: E402  (after the path is set)

sys.exit(main())
