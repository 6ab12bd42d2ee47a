"""Settings for the scale benchmark (bench/scale.py): the project's own settings, production-like, plus
instrumentation. bench/scale.py starts gunicorn with DEBUG=false, HTTPS=false (plain HTTP on loopback, so no
redirect to https), a throwaway SECRET_KEY and its own VAR_DIR; everything else is read from the environment as
in production.

Added here:
- bench.scale_instrument: every SQL statement is counted per request (the `X-Queries` response header) and those
  slower than 100 ms are appended to SCALE_SLOW_SQL_FILE;
- bench.scale_urls: the project's URLs plus /__ceiling__/<size>/, a bare view that returns `size` bytes from
  memory through the same middleware stack (the ceiling each page is compared with).
"""

import os

import bench.scale_instrument  # noqa: E402,F401  (connects the execute wrapper to connection_created)
from cop_platform.settings import *  # noqa: F403

ROOT_URLCONF = "bench.scale_urls"
MIDDLEWARE = ["bench.scale_instrument.QueryCountMiddleware", *MIDDLEWARE]  # noqa: F405
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

# A safety valve for the server under load (bench/scale.py sets it for gunicorn only): PostgreSQL cancels a
# statement after this many milliseconds, and the request fails instead of holding a CPU for minutes.
if os.environ.get("SCALE_STATEMENT_TIMEOUT_MS"):  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (  # noqa: F405
        DATABASES["default"]["OPTIONS"].get("options", "")  # noqa: F405  (the project's jit=off)
        + f" -c statement_timeout={int(os.environ['SCALE_STATEMENT_TIMEOUT_MS'])}"
    ).strip()
