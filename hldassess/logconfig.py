"""Structured logs on stdout, one JSON object a line, each carrying the request id.

``assessments.middleware.RequestIdMiddleware`` puts the id of the request being
served into ``request_id``; every log record made while it is served (Django's,
the app's, a library's) gets it through ``RequestIdFilter``. Nothing here
imports Django models, so the logging configuration can load it early.
"""

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

request_id: ContextVar[str] = ContextVar("request_id", default="-")

# Attributes every LogRecord has; anything else on a record came from ``extra=`` and is logged as a field.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id", "taskName"}


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", "request_id", ...extra, "exc_info"}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id.get()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def logging_config(*, level: str = "INFO", fmt: str = "json") -> dict:
    """The LOGGING dict for settings.py (and gunicorn): everything to stdout, in ``fmt`` (json or text)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "hldassess.logconfig.RequestIdFilter"}},
        "formatters": {
            "json": {"()": "hldassess.logconfig.JsonFormatter"},
            "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
        },
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "filters": ["request_id"],
                "formatter": fmt,
            }
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            # Django's own loggers propagate to the root; drop its DEBUG-only console handler and admin e-mails.
            "django": {"handlers": [], "level": level, "propagate": True},
            # runserver prints its own access lines; the request middleware already logs each request.
            "django.server": {"handlers": [], "level": "WARNING", "propagate": True},
            # WeasyPrint narrates every rendering step at INFO.
            "weasyprint": {"handlers": [], "level": "WARNING", "propagate": True},
            "fontTools": {"handlers": [], "level": "WARNING", "propagate": True},
            "gunicorn.error": {"handlers": ["stdout"], "level": level, "propagate": False},
            "gunicorn.access": {"handlers": ["stdout"], "level": level, "propagate": False},
        },
    }
