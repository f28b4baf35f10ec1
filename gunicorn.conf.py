"""gunicorn settings for `make run` and the Procfile; every value can be overridden from the environment."""
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = 30
#: On SIGTERM (a deploy, a scale-down) the workers stop accepting and finish the requests in flight
#: for up to this long: as long as the longest request may take (`timeout`), so none is cut off.
graceful_timeout = int(os.environ.get("GRACEFUL_TIMEOUT", str(timeout)))
#: The app writes its own access log (one JSON line per request, app/core/logs.py) without paths or
#: query strings, where a NIK may be typed; gunicorn's own would carry them.
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
# No bare English 414 from gunicorn: request lines up to its 1 MB ceiling reach the app, which
# refuses one over app.core.errors.URI_MAX with its own (Indonesian) error page.
limit_request_line = int(os.environ.get("GUNICORN_LIMIT_REQUEST_LINE", "0"))
# The app is created in each worker after fork, so no database connection is shared between them.
preload_app = False
