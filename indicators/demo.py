"""Demo history for the indicators: twelve back-dated months of activity, leavers, monthly clinics with
attendance and feedback, ratings, a closed survey with answers and an open one, manually reported figures
with sources, a narrative, and the twelve months frozen — so the dashboard shows real trends at first run.

Runs once (it does nothing when any month is already frozen). Deterministic for the same demo members."""

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from communities.models import Community, Membership, Post, Thread
from events.models import Event, Feedback, Registration
from events.services import event_render
from experts.models import Expert, Rating, Referral
from members.models import Activity, LocalCommunity, User

from .compute import freeze_month, month_bounds, previous_month
from .models import (
    ManualFigure,
    MonthlyNarrative,
    MonthlySnapshot,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from .selectors import add_months

HISTORY_MONTHS = 12
ACTIVITY_KINDS = [
    (Activity.Kind.LOGIN, 10), (Activity.Kind.REPLY, 3), (Activity.Kind.POST, 1), (Activity.Kind.DOWNLOAD, 3),
    (Activity.Kind.REACTION, 2), (Activity.Kind.EVENT_REGISTRATION, 1),
]  # fmt: skip
POPULATION_SOURCES = [
    "Census 2024, township office",
    "District administration figures, 2025",
    "Provincial statistics office",
]
CLINIC_TITLES = [
    "Monthly clinic: digital public services",
    "Monthly clinic: budgeting for results",
    "Monthly clinic: citizen feedback",
    "Monthly clinic: e-procurement",
    "Monthly clinic: records management",
    "Monthly clinic: gender-responsive planning",
]


def _moment(rng: random.Random, month_start: datetime, month_end: datetime) -> datetime:
    span = int((min(month_end, timezone.now()) - month_start).total_seconds())
    return month_start + timedelta(seconds=rng.randint(0, max(span - 1, 0)))


def seed_history(months: int = HISTORY_MONTHS, rng: random.Random | None = None) -> int:
    """Returns how many months were frozen (0 when history already exists)."""
    if MonthlySnapshot.objects.exists():
        return 0
    rng = rng or random.Random(12)
    last = previous_month()
    window = [add_months(last, -n) for n in range(months - 1, -1, -1)]
    with transaction.atomic():
        _leavers(rng, window)
        _activity(rng, window)
        _clinics(rng, window)
        _ratings(rng, window)
        _expert_answers(rng, window)
        _surveys(rng, last)
        _manual_figures(rng, window[-3:])
        _narrative(last)
    for month in window:
        freeze_month(month)
    return len(window)


def _leavers(rng, window):
    """A few demo members left a community during the year (the accounts used for demo logins stay)."""
    first_start, _ = month_bounds(window[0])
    _, last_end = month_bounds(window[-1])
    memberships = list(
        Membership.objects.filter(
            status=Membership.Status.ACTIVE, member__email__endswith="@demo.example.org", joined_at__lt=first_start
        ).order_by("pk")
    )
    for membership in rng.sample(memberships, k=len(memberships) // 25):
        membership.status = Membership.Status.LEFT
        membership.left_at = first_start + timedelta(
            seconds=rng.randint(0, int((last_end - first_start).total_seconds()))
        )
        membership.save(update_fields=["status", "left_at"])


def _activity(rng, window):
    """Each month, a growing share of the members who had joined by then did something."""
    joined = {}
    for member_id, community_id, joined_at in Membership.objects.filter(joined_at__isnull=False).values_list(
        "member_id", "community_id", "joined_at"
    ):
        joined.setdefault(member_id, []).append((joined_at, community_id))
    kinds, weights = zip(*ACTIVITY_KINDS, strict=True)
    rows = []
    for index, month in enumerate(window):
        start, end = month_bounds(month)
        share = 0.3 + 0.3 * index / max(len(window) - 1, 1)
        for member_id in sorted(joined):
            communities = [c for joined_at, c in joined[member_id] if joined_at < end]
            if not communities or rng.random() > share:
                continue
            for _ in range(rng.randint(1, 5)):
                kind = rng.choices(kinds, weights)[0]
                community = None if kind == Activity.Kind.LOGIN else rng.choice(communities)
                rows.append(
                    Activity(
                        member_id=member_id, kind=kind, community_id=community, occurred_at=_moment(rng, start, end)
                    )
                )
    Activity.objects.bulk_create(rows, batch_size=2000)


def _clinics(rng, window):
    """One webinar a month, held, with registrations, attendance and feedback."""
    members = list(User.objects.filter(email__endswith="@demo.example.org").order_by("pk")[:150])
    community = Community.objects.filter(visibility=Community.Visibility.OPEN).order_by("pk").first()
    if not members:
        return
    for index, month in enumerate(window):
        start, _end = month_bounds(month)
        starts = start + timedelta(days=rng.randint(8, 22), hours=7)
        title = CLINIC_TITLES[index % len(CLINIC_TITLES)]
        event = Event(
            slug=f"clinic-{month:%Y-%m}", title=title, kind=Event.Kind.WEBINAR, status=Event.Status.PUBLISHED,
            starts_at=starts, ends_at=starts + timedelta(hours=1, minutes=30), capacity=None,
            join_url=f"https://meet.example.org/clinic-{month:%Y-%m}",
            description=f"**{title}**: members bring a problem from their work; an expert and peers help.",
        )  # fmt: skip
        event_render(event)
        event.save()
        if community:
            event.communities.add(community)
        people = rng.sample(members, k=min(len(members), 10 + 2 * index + rng.randint(0, 6)))
        registrations = Registration.objects.bulk_create(
            Registration(event=event, member=person, created_at=starts - timedelta(days=rng.randint(1, 10)))
            for person in people
        )
        for registration in registrations:
            registration.attended = rng.random() < 0.7
        Registration.objects.bulk_update(registrations, ["attended"])
        Feedback.objects.bulk_create(
            Feedback(
                registration=r, satisfaction=rng.choice([3, 4, 4, 4, 5, 5]), created_at=starts + timedelta(hours=3)
            )
            for r in registrations
            if r.attended and rng.random() < 0.6
        )


def _ratings(rng, window):
    """Spread the demo ratings of experts' advice over the year."""
    for rating in Rating.objects.order_by("pk"):
        start, end = month_bounds(rng.choice(window))
        Rating.objects.filter(pk=rating.pk).update(created_at=_moment(rng, start, end))


QUESTIONS = [
    "How do other ministries handle citizen complaints online?",
    "Templates for a results-based budget?",
    "Keeping staff motivated during a hiring freeze",
    "Which e-signature rules apply to cross-border documents?",
    "Good examples of gender-responsive budgeting at district level?",
    "How to archive paper records safely?",
]


def _expert_answers(rng, window):
    """Each month a member asks an expert in an open community; the expert answers within days and the
    asker rates the advice."""
    expert = Expert.objects.filter(status=Expert.Status.ACTIVE, member__isnull=False).select_related("member").first()
    community = Community.objects.filter(visibility=Community.Visibility.OPEN).order_by("pk").first()
    askers = list(User.objects.filter(memberships__community=community, email__endswith="@demo.example.org")[:40])
    if not (expert and community and askers):
        return
    for index, month in enumerate(window):
        start, end = month_bounds(month)
        asked = start + timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 10))
        answered = asked + timedelta(hours=rng.randint(4, 90))
        asker = rng.choice(askers)
        thread = Thread.objects.create(
            community=community, author=asker, title=QUESTIONS[index % len(QUESTIONS)], created_at=asked,
            last_activity_at=answered, reply_count=1,
        )  # fmt: skip
        Post.objects.create(thread=thread, author=asker, body="We are looking for examples.", body_html="<p>We are looking for examples.</p>",
                            is_opening=True, created_at=asked)  # fmt: skip
        referral = Referral.objects.create(
            thread=thread, community=community, expert=expert, asked_by=asker, flagged_by=asker,
            due_at=asked + timedelta(days=3), created_at=asked, status=Referral.Status.RESOLVED,
        )  # fmt: skip
        answer = Post.objects.create(thread=thread, author=expert.member, body="Here is what worked elsewhere.",
                                     body_html="<p>Here is what worked elsewhere.</p>", created_at=answered)  # fmt: skip
        Referral.objects.filter(pk=referral.pk).update(
            first_answer=answer, first_answer_at=answered, resolved_at=answered
        )
        if answered < end:
            Rating.objects.create(
                referral=referral,
                rater=asker,
                score=rng.choice([4, 4, 5, 5, 3]),
                created_at=answered + timedelta(hours=6),
            )


def _surveys(rng, last):
    start, end = month_bounds(last)
    closed = Survey.objects.create(
        title=f"Member survey {last:%B %Y}", introduction="Five questions on how the network helps your work.",
        opens_at=start + timedelta(days=2), closes_at=start + timedelta(days=20),
    )  # fmt: skip
    useful = SurveyQuestion.objects.create(survey=closed, position=1, text="How useful is the network for your work?")
    often = SurveyQuestion.objects.create(
        survey=closed, position=2, text="How often do you use what you learn here?", kind=SurveyQuestion.Kind.SINGLE,
        choices="Every week\nEvery month\nA few times a year\nNot yet",
    )  # fmt: skip
    services = SurveyQuestion.objects.create(
        survey=closed, position=3, text="Which services did you use?", kind=SurveyQuestion.Kind.MULTIPLE,
        choices="Discussions\nAsk an expert\nWebinars\nLibrary\nEmail digest", required=False,
    )  # fmt: skip
    improve = SurveyQuestion.objects.create(
        survey=closed, position=4, text="What should we improve?", kind=SurveyQuestion.Kind.TEXT, required=False
    )
    suggestions = [
        "More webinars in Burmese.",
        "Shorter digests.",
        "Case studies from districts.",
        "Recordings with subtitles.",
    ]
    members = list(User.objects.filter(email__endswith="@demo.example.org").order_by("pk")[:200])
    for member in rng.sample(members, k=len(members) * 2 // 5):
        response = SurveyResponse.objects.create(
            survey=closed, member=member, submitted_at=closed.opens_at + timedelta(hours=rng.randint(1, 400)),
            may_quote=member.pk % 3 != 0,  # most agreed to be quoted (not drawn: the draws stay as they were)
        )  # fmt: skip
        answers = [
            SurveyAnswer(response=response, question=useful, rating=rng.choice([3, 4, 4, 5, 5, 2])),
            SurveyAnswer(response=response, question=often, choices=[rng.choice(often.choice_list)]),
            SurveyAnswer(
                response=response, question=services, choices=rng.sample(services.choice_list, k=rng.randint(1, 3))
            ),
        ]
        if rng.random() < 0.3:
            answers.append(SurveyAnswer(response=response, question=improve, text=rng.choice(suggestions)))
        SurveyAnswer.objects.bulk_create(answers)
    now = timezone.now()
    current = Survey.objects.create(
        title="Which webinar topics for next quarter?", introduction="Two questions; your answers shape the programme.",
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=30),
    )  # fmt: skip
    SurveyQuestion.objects.create(
        survey=current, position=1, text="Which topics matter most to you?", kind=SurveyQuestion.Kind.MULTIPLE,
        choices="Digital services\nPublic finance\nHR and motivation\nCrisis response\nGender equality",
    )  # fmt: skip
    SurveyQuestion.objects.create(survey=current, position=2, text="How satisfied are you with the webinars so far?")


def _manual_figures(rng, months):
    for month in months:
        for country in ("MM", "KH", "KZ"):
            ManualFigure.objects.create(
                month=month, code="offline_participants", country=country, value=rng.randint(20, 140),
                source_note=f"Attendance sheets from local workshops ({country}), sent by the country focal point",
            )  # fmt: skip
    for index, local in enumerate(LocalCommunity.objects.filter(population_covered__isnull=False).order_by("pk")):
        local.population_source = POPULATION_SOURCES[index % len(POPULATION_SOURCES)]
        local.save(update_fields=["population_source"])


def _narrative(last):
    coordinator = User.objects.filter(email="coordinator@example.org").first()
    MonthlyNarrative.objects.create(
        month=last, updated_by=coordinator,
        highlights="The monthly clinic had its best attendance so far, and two local action teams reported first "
        "results from the service-delivery pilots.\n\nThe member survey ran for the first time.",
        lessons_learned="Members in districts with poor connections joined by phone; sharing slides in advance helped.",
        next_steps="Translate the digest into Russian and Burmese; recruit two more experts on public finance.",
    )  # fmt: skip
