"""Settings assembled by django-split-settings: components in order, then an optional
local file (absent here, as on a fresh deployment)."""

from split_settings.tools import include, optional

include(
    "components/base.py",
    "components/*.py",
    optional("local_settings.py"),
    scope=globals(),
)
