import pytest
from django.db import OperationalError, connection

from cop_platform.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_it_reports_ok_when_database_and_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}
    assert "no-cache" in response["Cache-Control"]


@pytest.fixture
def broker_down():
    keys = ("broker_url", "broker_write_url", "broker_transport_options")
    saved = {key: celery_app.conf[key] for key in keys}
    # Nothing listens on port 1: the broker connection is refused.
    celery_app.conf.update(
        broker_url="redis://127.0.0.1:1/0",
        broker_write_url=None,
        broker_transport_options={"socket_connect_timeout": 1},
    )
    yield
    celery_app.conf.update(saved)


def test_it_reports_503_when_the_broker_is_down(client, broker_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "down", "checks": {"database": "ok", "broker": "down"}}


def test_it_reports_503_when_the_database_is_down(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "down"


def test_it_answers_before_onboarding_and_without_login(client, member):
    member.profile_completed_at = None
    member.save()
    client.force_login(member)
    assert client.get("/healthz").status_code == 200
