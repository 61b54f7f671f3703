"""Optional apps, chosen when the settings are loaded (none by default)."""

import os


def enabled_plugins() -> list[str]:
    names = os.environ.get("SPLITSITE_PLUGINS", "")
    return [name for name in names.split(",") if name]
