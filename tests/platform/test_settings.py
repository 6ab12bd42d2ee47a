"""Settings are read once at import, so each case runs in a fresh interpreter with its own environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k8Qz2vN4wR7tY1uP0oL3mJ6hG9fD5sA8zX2cV4bN7mQ1wE3rT6yU",
    "ALLOWED_HOSTS": "cop.example.org",
    "DATABASE_URL": "postgres://cop:secret@db.internal:5432/cop",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:pw@smtp.example.org:587",
    "SITE_URL": "https://cop.example.org",
    "DEFAULT_FROM_EMAIL": "CoP Platform <noreply@cop.example.org>",
}
PROBE = """
import json, django
from django.conf import settings
django.setup()
from cop_platform.celery import app
print(json.dumps({
    "debug": settings.DEBUG,
    "db_engine": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "db_host": settings.DATABASES["default"].get("HOST", ""),
    "db_conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
    "db_health_checks": settings.DATABASES["default"]["CONN_HEALTH_CHECKS"],
    "db_options": settings.DATABASES["default"].get("OPTIONS", {}).get("options", ""),
    "broker": app.conf.broker_url,
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION", ""),
    "email_backend": settings.EMAIL_BACKEND,
    "email_host": getattr(settings, "EMAIL_HOST", ""),
    "email_port": getattr(settings, "EMAIL_PORT", 0),
    "email_tls": getattr(settings, "EMAIL_USE_TLS", False),
    "allowed_hosts": settings.ALLOWED_HOSTS,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "time_zone": settings.TIME_ZONE,
    "static_storage": settings.STORAGES["staticfiles"]["BACKEND"],
}))
"""
# Variables the settings read; each case starts from none of them.
SETTINGS_VARS = [
    "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CACHE_URL",
    "EMAIL_URL", "TIME_ZONE", "HTTPS", "SITE_ACCENT_COLOR", "CELERY_RESULT_BACKEND", "CONN_MAX_AGE",
    "DATABASE_JIT_OFF",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # the browser tests set it for Playwright; never in production
]  # fmt: skip


def _run(args, env_vars, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARS}
    env.update({"DJANGO_SETTINGS_MODULE": "cop_platform.settings", "VAR_DIR": str(tmp_path / "var"), **env_vars})
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def _settings(env_vars, tmp_path) -> dict:
    result = _run(["-c", PROBE], env_vars, tmp_path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_it_runs_on_embedded_defaults_with_no_environment(tmp_path):
    s = _settings({}, tmp_path)
    assert s["debug"] is True
    assert s["db_engine"] == "django.db.backends.sqlite3"
    assert s["db_name"] == str(tmp_path / "var" / "db.sqlite3")
    assert s["broker"] == "filesystem://"
    assert (tmp_path / "var" / "celery" / "queue").is_dir()
    assert s["cache"].endswith("LocMemCache")
    assert s["email_backend"] == "django.core.mail.backends.filebased.EmailBackend"
    assert s["time_zone"] == "UTC"
    assert s["ssl_redirect"] is False
    assert (s["db_conn_max_age"], s["db_options"]) == (0, "")  # SQLite: a file, nothing to keep open


def test_it_switches_to_postgres_redis_and_smtp_from_the_environment(tmp_path):
    s = _settings(PRODUCTION | {"TIME_ZONE": "Asia/Yangon"}, tmp_path)
    assert s["debug"] is False
    assert s["db_engine"] == "django.db.backends.postgresql"
    assert (s["db_name"], s["db_host"]) == ("cop", "db.internal")
    assert s["broker"] == "redis://redis.internal:6379/0"
    assert s["cache"].endswith("RedisCache")
    assert s["cache_location"] == "redis://redis.internal:6379/1"  # never the broker's database
    assert s["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (s["email_host"], s["email_port"], s["email_tls"]) == ("smtp.example.org", 587, True)
    assert s["allowed_hosts"] == ["cop.example.org"]
    assert s["ssl_redirect"] is True
    assert s["time_zone"] == "Asia/Yangon"
    assert s["static_storage"].startswith("whitenoise.")
    # PostgreSQL: connections kept a minute and checked before reuse; no JIT for short web queries.
    assert (s["db_conn_max_age"], s["db_health_checks"], s["db_options"]) == (60, True, "-c jit=off")
    behind_pgbouncer = _settings(PRODUCTION | {"CONN_MAX_AGE": "0", "DATABASE_JIT_OFF": "false"}, tmp_path)
    assert (behind_pgbouncer["db_conn_max_age"], behind_pgbouncer["db_options"]) == (0, "")


def test_a_separate_celery_broker_url_wins(tmp_path):
    s = _settings({"REDIS_URL": "redis://r:6379/0", "CELERY_BROKER_URL": "amqp://guest@mq//"}, tmp_path)
    assert s["broker"] == "amqp://guest@mq//"


def test_it_refuses_to_start_in_production_without_a_secret_key(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = _run(["-c", PROBE], env, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is false" in result.stderr


def test_it_refuses_a_malformed_accent_colour(tmp_path):
    result = _run(["-c", PROBE], {"SITE_ACCENT_COLOR": "red;}</style><script>"}, tmp_path)
    assert result.returncode != 0
    assert "SITE_ACCENT_COLOR" in result.stderr


@pytest.mark.parametrize("extra", [{}, {"HTTPS": "true", "BEHIND_TLS_PROXY": "true"}])
def test_production_settings_pass_the_deploy_checks(tmp_path, extra):
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION | extra, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("site_url", [None, "cop.example.org"])
def test_the_deploy_checks_say_when_emails_would_link_to_localhost(tmp_path, site_url):
    """Without them, production emails linked to http://127.0.0.1:8000 and came from noreply@localhost, and the deploy
    checks said "no issues". An address without its scheme makes no link either."""
    env = {k: v for k, v in PRODUCTION.items() if k not in ("SITE_URL", "DEFAULT_FROM_EMAIL")}
    if site_url:
        env["SITE_URL"] = site_url

    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env, tmp_path)

    assert result.returncode != 0
    assert "cop_platform.W001" in result.stderr + result.stdout
    assert "cop_platform.W002" in result.stderr + result.stdout


@pytest.mark.parametrize("runner", ["docker-compose.yml", "Makefile"])
def test_every_queue_has_a_worker_and_email_one_of_its_own(runner):
    """Read against the settings: a task routed to a queue no worker listens on is lost work, and a
    password-reset email must not wait behind a digest batch, a data export or a report."""
    from django.conf import settings

    text = (Path(__file__).resolve().parents[2] / runner).read_text()
    workers = [line for line in text.splitlines() if "celery -A cop_platform worker" in line]
    consumed = [set(line.split(" -Q ")[1].split()[0].split(",")) for line in workers]

    assert sorted(queue for queues in consumed for queue in queues) == sorted(
        q.name for q in settings.CELERY_TASK_QUEUES
    )
    assert {"email"} in consumed
    names = [line.split(" -n ")[1].split()[0] for line in workers]
    assert len(set(names)) == len(workers)  # one node name each


def test_a_variable_set_empty_is_unset(tmp_path):
    """`KEY=` lines of a copied .env.example reach the containers: read as "", the broker was Celery's own
    amqp://localhost, MEDIA_ROOT the working directory and SERVER_EMAIL nobody."""
    empty = {"CELERY_BROKER_URL": "", "CACHE_URL": "", "EMAIL_URL": "", "TIME_ZONE": "", "CONN_MAX_AGE": ""}

    assert _settings(empty, tmp_path) == _settings({}, tmp_path)


def test_a_required_variable_set_empty_is_missing(tmp_path):
    result = _run(["-c", PROBE], {**PRODUCTION, "SECRET_KEY": ""}, tmp_path)

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
