"""Demo events: past and upcoming, webinars and in person, one full with a waitlist, feedback, topics."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from communities.models import Community
from experts.models import Expert
from members.models import Language, User

from . import services
from .models import Event, Feedback, Registration

EVENTS = [
    # slug, title, kind, days from now, hours, capacity, community slug, venue
    ("birth-registration-in-crisis", "Keeping civil registration open in a crisis", Event.Kind.WEBINAR, 6, 1.5, None,
     "service-delivery-in-crisis", ""),
    ("data-literacy-bootcamp", "Data literacy bootcamp for provincial staff", Event.Kind.TRAINING, 12, 3, 5,
     "digital-transformation-skills", ""),
    ("merit-promotion-roundtable", "Merit-based promotion: a roundtable", Event.Kind.IN_PERSON, 20, 2, 30,
     "hr-management-and-motivation", "Civil Service Hub, Astana"),
    ("women-in-leadership", "Women in public sector leadership", Event.Kind.HYBRID, 30, 2, 100,
     "gender-equality-in-the-civil-service", "UNDP office, Yangon"),
    ("reform-sequencing-dialogue", "Sequencing reform: closed dialogue", Event.Kind.CONSULTATION, 9, 1, 15,
     "senior-leaders-circle", ""),
    ("e-procurement-lessons", "E-procurement: lessons from the region", Event.Kind.WEBINAR, -14, 1.5, None,
     "digital-transformation-skills", ""),
    ("flood-response-workshop", "Flood response workshop for district offices", Event.Kind.WORKSHOP, -40, 4, 40,
     "service-delivery-in-crisis", "Provincial hall, Mawlamyine"),
]  # fmt: skip

TOPICS = [
    ("Using AI tools safely in ministries", "Staff use chat assistants already; we need rules.", 14),
    ("Budgeting for climate adaptation", "Local offices ask how to plan multi-year budgets.", 9),
    ("Onboarding new civil servants remotely", "", 6),
    ("Citizen feedback loops that work", "How to close the loop after surveys.", 3),
]


@transaction.atomic
def seed_events(rng: random.Random | None = None) -> int:
    rng = rng or random.Random(5)
    if Event.objects.exists():
        return 0
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    english = Language.objects.filter(code="en").first()
    members = list(User.objects.filter(email__endswith="@demo.example.org").order_by("pk")[:60])
    member = User.objects.get(email="member@example.org")
    speaker = Expert.objects.filter(status=Expert.Status.ACTIVE).first()
    events = []
    for slug, title, kind, days, hours, capacity, community_slug, venue in EVENTS:
        starts = now + timedelta(days=days, hours=3)
        event = Event(
            slug=slug, title=title, kind=kind, status=Event.Status.PUBLISHED, starts_at=starts,
            ends_at=starts + timedelta(hours=hours), capacity=capacity, venue=venue, language=english,
            join_url="" if kind == Event.Kind.IN_PERSON else f"https://meet.example.org/{slug}",
            description=f"**{title}**: practitioners from the region share what worked and what did not.\n\n"
            "- short talks\n- questions from members\n- a summary afterwards",
            recording_url=f"https://video.example.org/{slug}" if days < 0 else "",
            materials="Slides and the summary note will be posted in the community." if days < 0 else "",
        )  # fmt: skip
        services.event_render(event)
        event.save()
        community = Community.objects.filter(slug=community_slug).first()
        if community:
            event.communities.add(community)
        if speaker and kind == Event.Kind.WEBINAR:
            event.speaker_experts.add(speaker)
        events.append(event)
    _register(events, members, member, rng, now)
    for title, why, votes in TOPICS:
        topic, _created = services.topic_propose(
            member=rng.choice(members) if members else member, title=title, why=why
        )
        for voter in rng.sample(members, k=min(votes, len(members))):
            services.topic_vote(suggestion=topic, member=voter)
    return len(events)


def _register(events, members, member, rng, now):
    by_slug = {e.slug: e for e in events}
    services.event_register(event=by_slug["birth-registration-in-crisis"], member=member)
    # The bootcamp fills its 5 seats and keeps a waitlist.
    for person in members[:8]:
        services.event_register(event=by_slug["data-literacy-bootcamp"], member=person)
    for person in rng.sample(members, k=min(12, len(members))):
        services.event_register(event=by_slug["women-in-leadership"], member=person)
    # Past events: registrations made before they started, attendance marked, feedback given.
    for slug in ("e-procurement-lessons", "flood-response-workshop"):
        event = by_slug[slug]
        people = rng.sample(members, k=min(15, len(members)))
        registrations = [
            Registration.objects.create(event=event, member=person, created_at=event.starts_at - timedelta(days=5))
            for person in people
        ]
        attended = [r for r in registrations if rng.random() < 0.75]
        services.attendance_mark(registrations=attended, attended=True)
        services.attendance_mark(registrations=[r for r in registrations if r not in attended], attended=False)
        for registration in attended[:8]:
            Feedback.objects.create(
                registration=registration, satisfaction=rng.choice([3, 4, 4, 5, 5]),
                useful="The country examples.", suggestions="More time for questions.",
            )  # fmt: skip
