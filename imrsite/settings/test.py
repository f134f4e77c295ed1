"""Tests: base settings with a fast password hasher and static files served from finders."""

from imrsite.settings.base import *  # noqa: F403  (the one place settings are layered)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {  # no manifest needed: tests never run collectstatic
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = None  # whitenoise serves from the finders; no collectstatic in tests
WHITENOISE_USE_FINDERS = True
IMR_API_ANON_RATE = None  # one client makes every request; tests of the limit set their own

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # A replica alias on the same test database, for the router tests; pages use it only
    # where a test lists it in IMR_READ_REPLICAS.
    DATABASES["replica_test"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
    IMR_READ_REPLICAS = []
