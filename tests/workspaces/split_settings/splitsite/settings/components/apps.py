# The only component of the glob that changes INSTALLED_APPS: split-settings takes the glob's
# files in directory order, so the order of the other components must not matter.
from splitsite.plugins import enabled_plugins

INSTALLED_APPS += ["rest_framework"]  # noqa: F821 - defined by components/base.py
INSTALLED_APPS += enabled_plugins()  # noqa: F821 - a plugin list the analyser cannot follow

REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
}
