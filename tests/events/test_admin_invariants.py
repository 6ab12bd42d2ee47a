"""What the event admin may not break: a capacity below the members already registered, attendance marked
without its activity record, a registration, an event members registered for, or feedback deleted; and a cancelled
event is not announced to someone who may no longer see it."""

import pytest
from django.test import Client
from django.urls import reverse

from communities.models import Community, Membership
from events import services
from events.models import Event, Registration
from tests.communities.factories import CommunityFactory, MembershipFactory
from tests.support.together import posted_twice_at_once, postgresql_only, together

from .factories import EventFactory, RegistrationFactory, in_hours
from .test_admin_and_validation import _event_form

pytestmark = pytest.mark.django_db


def test_the_capacity_cannot_go_below_the_members_registered(coordinator_client):
    data = _event_form(capacity="5")
    coordinator_client.post(reverse("admin:events_event_add"), data)
    event = Event.objects.get()
    RegistrationFactory.create_batch(3, event=event)

    response = coordinator_client.post(reverse("admin:events_event_change", args=[event.pk]), {**data, "capacity": "2"})

    assert response.status_code == 200
    assert "3 members are registered: the capacity cannot be lower." in response.content.decode()
    event.refresh_from_db()
    assert event.capacity == 5


def test_attendance_is_not_a_field_of_the_events_form_and_registrations_are_not_deleted(coordinator_client):
    registration = RegistrationFactory()

    form = coordinator_client.get(reverse("admin:events_event_change", args=[registration.event_id])).content.decode()

    assert 'name="registrations-0-attended"' not in form
    delete = reverse("admin:events_registration_delete", args=[registration.pk])
    assert coordinator_client.post(delete, {"post": "yes"}).status_code == 403
    assert registration.__class__.objects.filter(pk=registration.pk).exists()


def test_an_event_members_registered_for_is_kept_with_the_reason(coordinator_client):
    """Deleting it took the registrations (and their feedback) that past months' figures count; the page blamed a
    missing "permission to delete registration"."""
    registration = RegistrationFactory(status=Registration.Status.CANCELLED)  # counted in its month all the same
    event = registration.event
    delete = reverse("admin:events_event_delete", args=[event.pk])

    page = coordinator_client.get(delete).content.decode()
    response = coordinator_client.post(delete, {"post": "yes"})

    reason = "members registered for it; the indicators count them. Cancel it instead."
    assert reason in page and "permission to delete" not in page
    assert response.status_code == 200 and reason in response.content.decode()  # the page again, explaining
    assert Event.objects.filter(pk=event.pk).exists() and Registration.objects.filter(pk=registration.pk).exists()


def test_an_event_nobody_registered_for_is_deleted(coordinator_client):
    event = EventFactory(status=Event.Status.DRAFT)

    response = coordinator_client.post(reverse("admin:events_event_delete", args=[event.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Event.objects.filter(pk=event.pk).exists()


def test_feedback_is_not_deleted_in_the_admin(coordinator_client):
    """A member's satisfaction answer, which the indicators count."""
    from events.models import Feedback

    feedback = Feedback.objects.create(registration=RegistrationFactory(attended=True), satisfaction=4)

    response = coordinator_client.post(reverse("admin:events_feedback_delete", args=[feedback.pk]), {"post": "yes"})
    selected = coordinator_client.post(
        reverse("admin:events_feedback_changelist"),
        {"action": "delete_selected", "_selected_action": [feedback.pk], "post": "yes"},
    )

    assert response.status_code == 403
    assert selected.status_code in (200, 302)  # the action is not offered
    assert Feedback.objects.filter(pk=feedback.pk).exists()


def test_a_cancelled_event_is_not_announced_to_someone_removed_from_its_private_community(
    mailoutbox, django_capture_on_commit_callbacks
):
    circle = CommunityFactory(visibility=Community.Visibility.PRIVATE)
    event = EventFactory(title="Closed dialogue", communities=[circle])
    stays, removed = MembershipFactory(community=circle), MembershipFactory(community=circle)
    for membership in (stays, removed):
        RegistrationFactory(event=event, member=membership.member)
    Membership.objects.filter(pk=removed.pk).update(status=Membership.Status.REMOVED)

    with django_capture_on_commit_callbacks(execute=True):
        told = services.event_cancel(event=event)

    assert told == 1
    assert [message.to for message in mailoutbox] == [[stays.member.email]]


def test_cancelling_a_draft_in_the_list_leaves_it_a_draft_and_says_so(coordinator_client):
    """A cancelled event is shown to everyone who may see the event: cancelling a draft published its title and
    description, on its page, the schedule and the calendar file."""
    draft = EventFactory(title="Unannounced reform webinar", status=Event.Status.DRAFT)
    published = EventFactory(title="Announced webinar")
    RegistrationFactory(event=published)

    response = coordinator_client.post(
        reverse("admin:events_event_changelist"),
        {"action": "cancel_events", "_selected_action": [draft.pk, published.pk]},
        follow=True,
    )

    assert [str(message) for message in response.context["messages"]] == [
        "1 event was cancelled. 1 registrant was told.",
        "1 draft stays a draft: it was never announced, and a cancelled event is shown to everyone. "
        "Delete it if it will not take place.",
    ]
    assert dict(Event.objects.values_list("title", "status")) == {
        "Unannounced reform webinar": Event.Status.DRAFT,
        "Announced webinar": Event.Status.CANCELLED,
    }
    anonymous = Client()
    assert anonymous.get(reverse("events:detail", args=[draft.slug])).status_code == 404
    assert "Unannounced" not in anonymous.get(reverse("events:schedule")).content.decode()


@pytest.mark.parametrize("stored", [Event.Status.DRAFT, None])
def test_a_draft_cannot_be_cancelled_in_its_form(coordinator_client, stored):
    data = _event_form(status="cancelled")
    if stored:
        event = EventFactory(slug=data["slug"], status=stored)
        url = reverse("admin:events_event_change", args=[event.pk])
    else:
        url = reverse("admin:events_event_add")

    response = coordinator_client.post(url, data)

    assert response.status_code == 200
    assert "A draft was never announced, so it cannot be cancelled" in str(
        response.context["adminform"].form.errors["status"]
    )
    assert not Event.objects.filter(status=Event.Status.CANCELLED).exists()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_saves_of_a_cancellation_at_once_tell_each_registrant_once():
    """A double click on "Save": both requests saw the status change and emailed every registrant twice."""
    from cop_platform.models import OutboxEmail
    from tests.factories import CoordinatorFactory

    coordinator = CoordinatorFactory()
    for _round in range(3):  # a race that loses only sometimes should still show up
        event = EventFactory(slug=f"webinar-{_round}")
        registrant = RegistrationFactory(event=event).member
        data = _event_form(status="cancelled", slug=event.slug)
        url = reverse("admin:events_event_change", args=[event.pk])

        results = posted_twice_at_once(coordinator, url, data)

        assert results == [302, 302]
        cancelled = [e for e in OutboxEmail.objects.all() if "Cancelled" in e.payload["subject"]]
        assert [e.payload["to"] for e in cancelled] == [[registrant.email]]
        assert Event.objects.get(pk=event.pk).sequence == 1  # one revision for calendars, not one per click
        OutboxEmail.objects.all().delete()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_duplications_of_an_event_at_once_make_two_drafts_under_addresses_of_their_own():
    """A double click on "Duplicate as a new draft": both requests found the same address free, and the second
    insert failed on it (an error page)."""
    from tests.factories import CoordinatorFactory

    coordinator = CoordinatorFactory()
    for _round in range(3):  # a race that loses only sometimes should still show up
        event = EventFactory(slug=f"bootcamp-{_round}", communities=[CommunityFactory()])
        data = {"action": "duplicate_events", "_selected_action": [event.pk]}
        url = reverse("admin:events_event_changelist")

        results = posted_twice_at_once(coordinator, url, data)

        assert results == [302, 302]
        copies = Event.objects.filter(slug__startswith=f"bootcamp-{_round}-copy")
        assert sorted(copies.values_list("slug", flat=True)) == [f"bootcamp-{_round}-copy", f"bootcamp-{_round}-copy-2"]
        assert all(list(copy.communities.all()) == list(event.communities.all()) for copy in copies)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_marking_a_member_attended_while_they_check_in_records_the_attendance_once():
    """The coordinator's "Mark as attended" and the member's check-in at once both found the attendance unmarked
    and unrecorded, and the activity record (which the indicators count) had it twice."""
    from members.models import Activity

    for _round in range(3):  # a race that loses only sometimes should still show up
        event = EventFactory(starts_at=in_hours(-0.5), checkin_code="A1B2C3")
        registration = RegistrationFactory(event=event)
        member = registration.member
        stale = Registration.objects.filter(pk=registration.pk).select_related("member", "event")

        together(
            lambda stale=stale: services.attendance_mark(registrations=list(stale), attended=True),
            lambda event=event, member=member: services.check_in(event=event, member=member, code="A1B2C3"),
        )

        registration.refresh_from_db()
        assert registration.attended is True and registration.checked_in_at is not None
        assert Activity.objects.filter(member=member, kind=Activity.Kind.EVENT_ATTENDANCE).count() == 1
