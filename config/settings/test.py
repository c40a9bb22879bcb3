from .base import *  # noqa: F403
from .base import TEMPLATES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# An unknown template variable is a bug: make it visible in tests.
TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = "!!INVALID[%s]!!"  # type: ignore[index]
AXES_FAILURE_LIMIT = 5
# Tasks run at once, inside the test, so their effects can be asserted.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
