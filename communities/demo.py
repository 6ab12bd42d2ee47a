"""Demo communities, discussions and a moderation case. Idempotent: a community that exists is left alone."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from members.models import LocalCommunity, User

from . import services
from .models import Community, LocalActionTeam, Membership, Post, Thread

COMMUNITIES = [
    {
        "slug": "service-delivery-in-crisis",
        "name": "Public service delivery in crisis",
        "visibility": Community.Visibility.OPEN,
        "themes": ["crisis response", "public service delivery"],
        "countries": ["MM", "PH", "ID"],
        "description": "Keeping essential services running through conflict, floods and pandemics: what works, "
        "what failed, and how local offices adapt.",
    },
    {
        "slug": "digital-transformation-skills",
        "name": "Digital transformation skills",
        "visibility": Community.Visibility.OPEN,
        "themes": ["digital government", "training"],
        "countries": ["KH", "LA", "VN", "TH", "KZ"],
        "description": "Skills civil servants need for digital services, from data literacy to procurement of IT.",
    },
    {
        "slug": "hr-management-and-motivation",
        "name": "HR management and public service motivation",
        "visibility": Community.Visibility.REQUEST,
        "themes": ["HR management", "public service motivation"],
        "countries": ["KZ", "KG", "UZ", "MM"],
        "description": "Recruitment, merit, performance and what keeps public servants motivated.",
    },
    {
        "slug": "gender-equality-in-the-civil-service",
        "name": "Gender equality in the civil service",
        "visibility": Community.Visibility.OPEN,
        "themes": ["gender equality"],
        "countries": ["MM", "KH", "TL"],
        "description": "Women in leadership, gender-responsive budgeting and workplace policies.",
    },
    {
        "slug": "senior-leaders-circle",
        "name": "Senior leaders' circle",
        "visibility": Community.Visibility.PRIVATE,
        "themes": ["leadership"],
        "countries": [],
        "description": "A closed space for directors-general to discuss reform candidly.",
    },
]

THREADS = {
    "service-delivery-in-crisis": [
        ("Keeping birth registration open during displacement",
         "Our township office moved twice this year. How did others keep civil registration going?"),
        ("Cash transfers when banks are closed", "Which payment channels worked for you in the last emergency?"),
        ("Checklist: continuity plan for a district office", "Sharing our draft checklist. Comments welcome."),
    ],
    "digital-transformation-skills": [
        ("Data literacy course for provincial staff", "We piloted a 4-week course. Happy to share the syllabus."),
        ("Buying software without vendor lock-in", "What clauses do you put in IT procurement contracts?"),
    ],
    "hr-management-and-motivation": [
        ("Merit-based promotion: evidence from the region", "Has anyone evaluated a merit promotion reform?"),
        ("Motivating staff when salaries are frozen", "Non-financial incentives that actually worked?"),
    ],
    "gender-equality-in-the-civil-service": [
        ("Mentoring programmes for women managers", "Looking for examples of mentoring schemes with results."),
    ],
    "senior-leaders-circle": [
        ("Sequencing civil service reform", "Candidly: what would you do first with two years and little money?"),
    ],
}  # fmt: skip

REPLIES = [
    "Thank you for raising this. In our province we used mobile teams twice a week.",
    "We had the same problem. The key was a written instruction from the ministry so staff felt covered.",
    "Could you share the template? It would help us a lot.",
    "An evaluation is planned for next year; I will post the results here.",
    "Agree. Training alone was not enough: supervisors had to follow up.",
    "We tried this in 2024 and it failed because the budget line was not protected.",
]


def _member(email: str) -> User:
    return User.objects.get(email=email)


@transaction.atomic
def seed_communities(rng: random.Random | None = None) -> int:
    """Create the demo communities that do not exist yet; returns how many were created."""
    rng = rng or random.Random(3)
    coordinator = _member("coordinator@example.org")
    leader, expert, member = (_member(e) for e in ("leader@example.org", "expert@example.org", "member@example.org"))
    others = list(User.objects.filter(email__endswith="@demo.example.org").order_by("pk")[:120])
    created = 0
    for spec in COMMUNITIES:
        if Community.objects.filter(slug=spec["slug"]).exists():
            continue
        community = Community.objects.create(
            name=spec["name"], slug=spec["slug"], visibility=spec["visibility"], description=spec["description"],
            countries=spec["countries"], created_by=coordinator,
        )  # fmt: skip
        community.themes.add(*spec["themes"])
        created += 1
        _populate(community, rng, coordinator, leader, expert, member, others)
    if created:
        _link_inter_practice(coordinator)
    return created


def _link_inter_practice(coordinator):
    """An inter-practice discussion: raised in the crisis community, also shown in the digital skills one."""
    crisis = Community.objects.filter(slug="service-delivery-in-crisis").first()
    digital = Community.objects.filter(slug="digital-transformation-skills").first()
    if crisis and digital and not Thread.objects.filter(linked_communities__isnull=False).exists():
        thread = crisis.threads.order_by("pk").last()
        services.thread_link(thread=thread, actor=coordinator, communities=[digital])


def _add(community, user, role=Membership.Role.MEMBER, status=Membership.Status.ACTIVE, days_ago=90):
    when = timezone.now() - timedelta(days=days_ago)
    return Membership.objects.create(
        member=user, community=community, role=role, status=status, requested_at=when,
        joined_at=when if status == Membership.Status.ACTIVE else None,
    )  # fmt: skip


def _populate(community, rng, coordinator, leader, expert, member, others):
    slug = community.slug
    is_private = community.visibility == Community.Visibility.PRIVATE
    if slug == "hr-management-and-motivation":
        _add(community, leader, Membership.Role.LEADER, days_ago=200)
    else:
        _add(community, coordinator, Membership.Role.LEADER, days_ago=300)
        if not is_private:
            _add(community, leader, days_ago=150)
    if not is_private:
        _add(community, expert, Membership.Role.MODERATOR if slug == "digital-transformation-skills" else "member")
        if slug != "hr-management-and-motivation":
            _add(community, member, days_ago=60)
    pool = rng.sample(others, k=min(len(others), 12 if is_private else 40))
    for user in pool:
        _add(community, user, days_ago=rng.randint(1, 400))
    if slug == "hr-management-and-motivation":
        waiting = [u for u in others if u not in pool]
        for user in rng.sample(waiting, k=min(3, len(waiting))):  # waiting for the leader
            _add(community, user, status=Membership.Status.PENDING, days_ago=rng.randint(1, 10))
    if slug == "service-delivery-in-crisis":
        local = LocalCommunity.objects.filter(country="MM").order_by("name").first()
        if local:
            team = LocalActionTeam.objects.create(
                community=community, local_community=local, name=f"{local.name} action team", leader=member
            )
            team.members.add(member, *pool[:5])

    writers = [m for m in Membership.objects.active().filter(community=community).select_related("member")]
    for title, body in THREADS.get(slug, []):
        author = rng.choice(writers).member
        thread = services.thread_create(community=community, author=author, title=title, body=body)
        for _ in range(rng.randint(2, 6)):
            reply_author = rng.choice(writers).member
            text = rng.choice(REPLIES)
            if rng.random() < 0.3 and author.handle:
                text = f"@{author.handle} {text}"
            services.post_reply(thread=thread, author=reply_author, body=text, shown_in=community)
        _age(thread, rng)
    _special_cases(community, writers, rng)


def _age(thread: Thread, rng) -> None:
    """Spread a demo thread's posts over past weeks so lists and dates look lived in."""
    start = timezone.now() - timedelta(days=rng.randint(5, 60))
    posts = list(thread.posts.order_by("pk"))
    for index, post in enumerate(posts):
        Post.objects.filter(pk=post.pk).update(created_at=start + timedelta(hours=index * rng.randint(3, 20)))
    last = start + timedelta(hours=(len(posts) - 1) * 20)
    Thread.objects.filter(pk=thread.pk).update(created_at=start, last_activity_at=min(last, timezone.now()))


def _special_cases(community, writers, rng):
    if community.slug == "service-delivery-in-crisis":
        first = community.threads.order_by("pk").first()
        services.thread_moderate(thread=first, actor=_member("coordinator@example.org"), action="pin")
    if community.slug == "hr-management-and-motivation":
        # A reported post waiting in the leader's moderation queue.
        thread = community.threads.order_by("pk").first()
        post = thread.posts.filter(is_opening=False).first() or thread.posts.first()
        reporters = [m.member for m in writers if m.member_id != post.author_id][:2]
        for reporter in reporters:
            services.post_report(post=post, reporter=reporter, reason="off_topic", note="Advertising a private course.")
