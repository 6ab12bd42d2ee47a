"""Builders for events and registrations, on top of the member and community factories.

Like tests.communities.factories, these write rows directly: no waitlist logic, no activity record, no email.
Tests about those side effects go through events.services or the views instead.
"""

from datetime import timedelta

import factory
from django.utils import timezone

from communities import markdown
from events.models import Event, Registration
from tests.factories import MemberFactory


def in_hours(hours: float):
    return timezone.now() + timedelta(hours=hours)


class EventFactory(factory.django.DjangoModelFactory):
    """A published webinar a week from now, 90 minutes long, with a join link; pass communities=[…] to share it."""

    class Meta:
        model = Event
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Webinar on public service number {n}")
    slug = factory.Sequence(lambda n: f"webinar-{n}")
    kind = Event.Kind.WEBINAR
    status = Event.Status.PUBLISHED
    starts_at = factory.LazyFunction(lambda: in_hours(24 * 7))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + timedelta(minutes=90))
    time_zone = "Asia/Yangon"
    join_url = factory.Sequence(lambda n: f"https://meet.example.org/secret-room-{n}")
    description = "Practitioners share **what worked**."
    description_html = factory.LazyAttribute(lambda event: markdown.render(event.description))

    @factory.post_generation
    def communities(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.communities.set(extracted)

    @factory.post_generation
    def speaker_members(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.speaker_members.set(extracted)

    @factory.post_generation
    def speaker_experts(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.speaker_experts.set(extracted)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    member = factory.SubFactory(MemberFactory)
    status = Registration.Status.REGISTERED
