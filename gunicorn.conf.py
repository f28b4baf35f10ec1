"""gunicorn settings for `make run`; every value can be overridden from the environment."""
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = 30
graceful_timeout = 10
accesslog = "-"
# No bare English 414 from gunicorn: request lines up to its 1 MB ceiling reach the app, which
# refuses one over app.core.errors.URI_MAX with its own (Indonesian) error page.
limit_request_line = int(os.environ.get("GUNICORN_LIMIT_REQUEST_LINE", "0"))
# The app is created in each worker after fork, so no database connection is shared between them.
preload_app = False
