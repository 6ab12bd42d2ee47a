import os

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from cop_platform import broker
from cop_platform.celery import app as celery_app


def pytest_configure(config):
    # Tasks run inline by default; tests marked `worker` start a real worker on the configured broker.
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The real hasher is slow by design; tests create many accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters live in the cache (Redis on CI): each test starts from zero.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _language_reset():
    # A request activates its reader's language in this thread and leaves it there (LocaleMiddleware does not
    # undo it): a test after a Burmese sign-up read its country names in Burmese.
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _broker_not_paused(monkeypatch):
    # A test whose broker failed must not leave the next test's hand-offs paused (cop_platform.broker.BROKER_PAUSE).
    monkeypatch.setattr(broker, "_paused_until", 0.0)


@pytest.fixture
def member(db):
    from tests.factories import MemberFactory

    return MemberFactory()


@pytest.fixture
def coordinator(db):
    from tests.factories import CoordinatorFactory

    return CoordinatorFactory()


@pytest.fixture
def coordinator_client(client, coordinator):
    """The test client signed in as `coordinator` (a module may define its own, for another set-up)."""
    client.force_login(coordinator)
    return client


@pytest.fixture
def report_viewer(db):
    from tests.factories import ReportViewerFactory

    return ReportViewerFactory()


@pytest.fixture
def expert(db):
    from tests.factories import ExpertFactory

    return ExpertFactory()


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def real_stack():
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        pytest.skip("needs PostgreSQL and Redis shared with a worker process (the CI's second run)")
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    yield
    celery_app.control.purge()
    celery_app.conf.task_always_eager = True


@pytest.fixture
def without_card_cache(monkeypatch):
    """cop_platform.cards finds nothing in the cache and keeps nothing there, as when Redis is down."""
    monkeypatch.setattr("cop_platform.cards.cache.get_many", lambda keys: {})
    monkeypatch.setattr("cop_platform.cards.cache.set_many", lambda data, timeout: [])
