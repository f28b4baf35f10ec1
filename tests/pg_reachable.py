"""Exit 0 when PostgreSQL answers at TEST_DATABASE_URL (used by `make test`)."""
import os
import sys

import psycopg2

url = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
try:
    psycopg2.connect(url, connect_timeout=3).close()
except psycopg2.Error as error:
    print(f"PostgreSQL not reachable: {error}".strip(), file=sys.stderr)
    sys.exit(1)
