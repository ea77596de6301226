"""gunicorn settings for production (``make serve``; ``gunicorn -c python:hldassess.gunicorn hldassess.wsgi``).

Everything comes from the environment, with defaults for one machine:

- GUNICORN_BIND (default 127.0.0.1:8000): put a TLS-terminating proxy in front;
  use 0.0.0.0:8000 only inside a container or a private network.
- WEB_CONCURRENCY (default 2 × cores + 1) worker processes, GUNICORN_THREADS
  (default 4) threads each: a PDF render holds one thread, not a whole worker.
- GUNICORN_TIMEOUT (default 120 s): the first render of a long PDF report takes seconds.
- limit_request_line / _fields / _field_size: like the proxy's header limits. Bodies are
  limited by the proxy (client_max_body_size) and by the application (DJANGO_MAX_REQUEST_BYTES).

Logs go to stdout as JSON lines, like the application's (hldassess/logconfig.py);
the application logs each request itself, with its request id, so gunicorn's
access log is off.
"""

import multiprocessing
import os

from hldassess.logconfig import logging_config

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so that a slow leak in a library cannot grow for ever.
max_requests = 2000
max_requests_jitter = 200
# Behind a proxy on another address, list it here so that X-Forwarded-Proto is believed.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Request line and headers: the same limits as the proxy's (README "Production": nginx's
# large_client_header_buffers 4 8k); gunicorn answers 400 beyond them. 8190 is the most gunicorn allows.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
accesslog = None
errorlog = "-"
loglevel = os.environ.get("DJANGO_LOG_LEVEL", "info").lower()
logconfig_dict = logging_config(
    level=os.environ.get("DJANGO_LOG_LEVEL", "INFO").upper(), fmt=os.environ.get("DJANGO_LOG_FORMAT", "json")
)
