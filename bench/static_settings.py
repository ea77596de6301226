"""The production settings, with static files collected hashed but not compressed (bench/cluster.py).

whitenoise's CompressedManifestStaticFilesStorage spends most of a minute compressing every file (gzip and
Brotli) on two cores; the benchmarks and the scale-out test never download static files, so they collect with
Django's ManifestStaticFilesStorage instead: the same hashed names and the same manifest (staticfiles.json),
which the app servers, running the unchanged production settings, read. Only ``collectstatic`` uses this.
"""

from hldassess.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
