import gc
import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application
from django.db import connections
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()

# Refuse to serve with keys that cannot read the stored ID numbers: better one clear start-up error in
# the service log than a 500 on every page that shows one.
from tuoyu.core.crypto import check_keys  # noqa: E402 - needs the apps loaded above
from tuoyu.core.retention import audit_retention_days  # noqa: E402

if problems := check_keys():
    raise ImproperlyConfigured("\n".join(problems))
# gunicorn runs no system checks: an audit retention below six months (网络安全法 §21) stops it here.
audit_retention_days()
# With gunicorn --preload this runs in the master: workers forked from it must not share its
# connection or the pool's threads, so both go and each worker opens its own.
for conn in connections.all(initialized_only=True):
    conn.close()
    if hasattr(conn, "close_pool"):
        conn.close_pool()

# Import the URLconf (every view, serializer and form module) now rather than on the first request,
# then move all of it out of the collector's reach: otherwise every full collection rescans these
# ~110,000 long-lived objects (60-80 ms, every ~40 searches), which is the whole p99 of the search.
get_resolver().url_patterns  # noqa: B018 - evaluated for its side effect
gc.freeze()
