"""The event admin: clear refusals for impossible dates, registration counts, and sanitized Markdown."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Registration

from .factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


YANGON = ZoneInfo("Asia/Yangon")


def _split(moment) -> tuple[str, str]:
    local = timezone.localtime(moment, YANGON)  # the form's times are the organizer's (its time_zone, below)
    return local.strftime("%Y-%m-%d"), local.strftime("%H:%M:%S")


def _event_form(**overrides) -> dict:
    starts = overrides.pop("starts_at", timezone.now().replace(microsecond=0) + timedelta(days=14))
    ends = overrides.pop("ends_at", starts + timedelta(hours=2))
    deadline = overrides.pop("registration_deadline", None)
    data = {
        "title": "Procurement reform webinar",
        "slug": "procurement-reform-webinar",
        "kind": "webinar",
        "status": "published",
        "language": "",
        "description": "Short talks and **questions**.",
        "starts_at_0": _split(starts)[0],
        "starts_at_1": _split(starts)[1],
        "ends_at_0": _split(ends)[0],
        "ends_at_1": _split(ends)[1],
        "time_zone": "Asia/Yangon",
        "venue": "",
        "join_url": "https://meet.example.org/procurement",
        "capacity": "50",
        "registration_deadline_0": _split(deadline)[0] if deadline else "",
        "registration_deadline_1": _split(deadline)[1] if deadline else "",
        "checkin_code": "ABC123",
        "recording_url": "",
        "materials": "",
        "registrations-TOTAL_FORMS": "0",
        "registrations-INITIAL_FORMS": "0",
        "registrations-MIN_NUM_FORMS": "0",
        "registrations-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


@pytest.fixture
def admin_client(client, coordinator):
    client.force_login(coordinator)
    return client


def test_the_coordinator_creates_an_event_in_the_admin(admin_client):
    starts = timezone.now().replace(microsecond=0, second=0) + timedelta(days=14)

    response = admin_client.post(
        reverse("admin:events_event_add"),
        _event_form(starts_at=starts, registration_deadline=starts - timedelta(days=1)),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    event = Event.objects.get()
    assert (event.starts_at, event.ends_at) == (starts, starts + timedelta(hours=2))
    assert event.registration_deadline == starts - timedelta(days=1)
    assert event.description_html == "<p>Short talks and <strong>questions</strong>.</p>\n"


def test_the_admin_refuses_an_end_before_the_start(admin_client):
    starts = timezone.now() + timedelta(days=14)

    response = admin_client.post(
        reverse("admin:events_event_add"), _event_form(starts_at=starts, ends_at=starts - timedelta(hours=1))
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "The end must be after the start." in form.errors["ends_at"]
    assert "The end must be after the start." in response.content.decode()
    assert not Event.objects.exists()


def test_the_admin_refuses_an_end_equal_to_the_start(admin_client):
    starts = timezone.now() + timedelta(days=14)

    response = admin_client.post(reverse("admin:events_event_add"), _event_form(starts_at=starts, ends_at=starts))

    assert "The end must be after the start." in response.context["adminform"].form.errors["ends_at"]
    assert not Event.objects.exists()


def test_the_admin_refuses_a_registration_deadline_after_the_start(admin_client):
    starts = timezone.now() + timedelta(days=14)

    response = admin_client.post(
        reverse("admin:events_event_add"),
        _event_form(starts_at=starts, registration_deadline=starts + timedelta(hours=1)),
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["registration_deadline"] == ["Registration must close before the event starts."]
    assert "Registration must close before the event starts." in response.content.decode()
    assert not Event.objects.exists()


def test_the_admin_refuses_impossible_dates_when_editing_too(admin_client):
    event = EventFactory()
    original = (event.starts_at, event.ends_at)

    response = admin_client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        _event_form(
            title=event.title, slug=event.slug, starts_at=event.starts_at, ends_at=event.starts_at - timedelta(days=1)
        ),
    )

    assert response.status_code == 200
    event.refresh_from_db()
    assert (event.starts_at, event.ends_at) == original


def test_the_changelist_shows_registered_and_waitlist_counts(admin_client):
    full = EventFactory(title="Full bootcamp", capacity=2)
    RegistrationFactory.create_batch(2, event=full)
    RegistrationFactory.create_batch(3, event=full, status=Registration.Status.WAITLISTED)
    RegistrationFactory(event=full, status=Registration.Status.CANCELLED)
    empty = EventFactory(title="Quiet webinar")

    response = admin_client.get(reverse("admin:events_event_changelist"))

    assert response.status_code == 200
    rows = {event.pk: event for event in response.context["cl"].result_list}
    assert (rows[full.pk]._registered, rows[full.pk]._waitlisted) == (2, 3)
    assert (rows[empty.pk]._registered, rows[empty.pk]._waitlisted) == (0, 0)
    page = response.content.decode()
    assert '<td class="field-registered">2</td><td class="field-waitlisted">3</td>' in page
    assert '<td class="field-registered">0</td><td class="field-waitlisted">0</td>' in page


def test_the_changelist_shows_the_mean_feedback(admin_client):
    from events.models import Feedback

    event = EventFactory(starts_at=timezone.now() - timedelta(days=2))
    for score in (4, 5):
        Feedback.objects.create(registration=RegistrationFactory(event=event, attended=True), satisfaction=score)

    page = admin_client.get(reverse("admin:events_event_changelist")).content.decode()

    assert '<td class="field-mean_feedback">4.5</td>' in page


def test_the_description_markdown_is_sanitized_when_saved_in_the_admin(admin_client, client, member):
    response = admin_client.post(
        reverse("admin:events_event_add"),
        _event_form(
            description='Hello <script>alert("x")</script> **bold** [link](javascript:alert(1)) '
            "<img src=x onerror=alert(2)>",
            materials="<iframe src='https://evil.example.org'></iframe> Slides: [here](https://example.org/slides)",
        ),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    event = Event.objects.get()
    assert "<script" not in event.description_html
    assert 'href="javascript:' not in event.description_html
    assert "<img" not in event.description_html  # raw HTML is escaped, so it is text, not a tag
    assert "<strong>bold</strong>" in event.description_html
    assert "<iframe" not in event.materials_html
    assert '<a href="https://example.org/slides" rel="nofollow noopener noreferrer">here</a>' in event.materials_html
    client.force_login(member)
    page = client.get(event.get_absolute_url()).content.decode()
    assert '<script>alert("x")</script>' not in page
    assert "<strong>bold</strong>" in page


def test_a_registration_cannot_be_added_in_the_admin_and_its_status_is_read_only(admin_client):
    registration = RegistrationFactory()

    assert admin_client.get(reverse("admin:events_registration_add")).status_code == 403
    admin_client.post(reverse("admin:events_registration_change", args=[registration.pk]), {"status": "cancelled"})

    registration.refresh_from_db()
    assert registration.status == Registration.Status.REGISTERED


def test_every_events_admin_page_opens(admin_client):
    event = EventFactory()
    RegistrationFactory(event=event)
    for name in ("event", "registration", "feedback", "topicsuggestion"):
        assert admin_client.get(reverse(f"admin:events_{name}_changelist")).status_code == 200, name
    assert admin_client.get(reverse("admin:events_event_change", args=[event.pk])).status_code == 200
    assert admin_client.get(reverse("admin:events_event_add")).status_code == 200


def test_raising_the_capacity_in_the_admin_gives_the_new_seats_to_the_waitlist(admin_client):
    event = EventFactory(capacity=1, slug="bootcamp", title="Bootcamp")
    RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITLISTED)

    response = admin_client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        _event_form(
            title=event.title,
            slug=event.slug,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            capacity="2",
            join_url=event.join_url,
        ),  # fmt: skip
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert Event.objects.get(pk=event.pk).capacity == 2
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.REGISTERED


def test_an_events_times_are_entered_and_shown_in_its_organizers_zone_not_the_coordinators(admin_client):
    """The coordinator has no time zone of their own (the site's, UTC): 10:00 in Yangon is 03:30 UTC."""
    data = _event_form()
    data.update(
        {"starts_at_0": "2027-03-10", "starts_at_1": "10:00:00", "ends_at_0": "2027-03-10", "ends_at_1": "11:30:00"}
    )

    assert admin_client.post(reverse("admin:events_event_add"), data).status_code == 302

    event = Event.objects.get()
    assert event.starts_at == datetime(2027, 3, 10, 3, 30, tzinfo=UTC)
    form = admin_client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    assert 'name="starts_at_1" value="10:00:00"' in form
    assert "In the organizer's time zone (“When and where”)." in form
    listed = admin_client.get(reverse("admin:events_event_changelist")).content.decode()
    assert "10 Mar 2027, 10:00 (+0630, Asia/Yangon)" in listed  # as the form shows it, not 03:30 without a zone


@pytest.mark.parametrize("object_id", ["²", "9" * 40])
def test_an_event_id_that_is_no_database_integer_is_not_found(admin_client, object_id):
    """As for any other model: "doesn't exist", back to the admin's index ("²" passes str.isdigit(), and 40
    digits overflow the column)."""
    response = admin_client.get(f"/admin/events/event/{object_id}/change/")

    assert response.status_code == 302 and response.url == reverse("admin:index")
