"""Demo clusters, experts across the pipeline, and referrals in every state. Idempotent."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from communities import services as community_services
from communities.models import Community, Membership, Thread
from members.models import Language, User

from . import services
from .models import Expert, ExpertCluster, Referral

CLUSTERS = [
    ("Digital government", "digital-government", ["digital government", "e-services", "training"],
     ["digital-transformation-skills"]),
    ("Crisis and continuity", "crisis-and-continuity", ["crisis response", "public service delivery"],
     ["service-delivery-in-crisis"]),
    ("People management", "people-management", ["HR management", "public service motivation", "leadership"],
     ["hr-management-and-motivation", "senior-leaders-circle"]),
    ("Inclusion and gender", "inclusion-and-gender", ["gender equality", "inclusion"],
     ["gender-equality-in-the-civil-service"]),
]  # fmt: skip

FIRST = ["Nilar", "Arun", "Siti", "Bakyt", "Mai", "Rodrigo", "Chanthy", "Gulnara", "Hiroshi", "Lina", "Tuan",
         "Ayesha", "Phonsavanh", "Marat", "Kanya", "Joel", "Zarina", "Htet", "Dewi", "Farid"]  # fmt: skip
LAST = ["Aung", "Prasad", "Rahman", "Asanov", "Pham", "Santos", "Keo", "Omarova", "Sato", "Wijaya", "Nguyen",
        "Karim", "Vongsa", "Iskakov", "Suksawat", "Reyes", "Tursunova", "Kyaw", "Lestari", "Haidari"]  # fmt: skip
COUNTRIES = ["MM", "TH", "ID", "KG", "VN", "PH", "KH", "KZ", "MY", "ID", "VN", "MY", "LA", "KZ", "TH", "PH", "UZ",
             "MM", "ID", "TJ"]  # fmt: skip
EXPERTISE = [
    "digital government", "e-services", "crisis response", "HR management", "gender equality",
    "public service motivation", "procurement", "data literacy", "civil registration", "leadership",
]  # fmt: skip
STAGES = [Expert.Status.ACTIVE] * 8 + [Expert.Status.ENGAGED] * 4 + [Expert.Status.CONTACTED] * 3 + [
    Expert.Status.MAPPED] * 3 + [Expert.Status.INACTIVE] * 2  # fmt: skip


@transaction.atomic
def seed_experts(rng: random.Random | None = None) -> int:
    rng = rng or random.Random(4)
    if ExpertCluster.objects.exists():
        return 0
    coordinator = User.objects.get(email="coordinator@example.org")
    clusters = []
    for theme, slug, keywords, community_slugs in CLUSTERS:
        cluster = ExpertCluster.objects.create(theme=theme, slug=slug, description=f"Experts in {theme.lower()}.")
        cluster.keywords.add(*keywords)
        cluster.communities.set(Community.objects.filter(slug__in=community_slugs))
        cluster.leads.add(coordinator)
        clusters.append(cluster)
    english = Language.objects.get(code="en")
    experts = []
    for index in range(20):
        expert = services.expert_create(
            actor=coordinator,
            name=f"{FIRST[index]} {LAST[index]}",
            email=f"expert{index + 1:02d}@experts.example.org",
            category=rng.choice(Expert.Category.values),
            countries=[COUNTRIES[index]] + ([rng.choice(COUNTRIES)] if rng.random() < 0.3 else []),
            organization=rng.choice(["National University", "Institute of Public Administration", "UNDP",
                                     "Ministry of Finance", "Civil society network", "Independent consultant"]),
            gender=rng.choice(["female", "male", "female", "male", "undisclosed"]),
            clusters=[clusters[index % 4]] + ([clusters[(index + 1) % 4]] if index % 5 == 0 else []),
            expertise=rng.sample(EXPERTISE, k=2),
            languages=[english],
            bio="Twenty years of work on public administration reform in the region.",
            capacity_per_month=rng.choice([2, 4, 6]),
        )  # fmt: skip
        for stage in _path_to(STAGES[index]):
            services.expert_set_status(expert=expert, status=stage, actor=coordinator)
        experts.append(expert)
    # The demo expert account is an active expert in the digital government cluster.
    demo = User.objects.get(email="expert@example.org")
    mine = services.expert_create(
        actor=coordinator, name=demo.full_name, email="", category=Expert.Category.ACADEMIC, countries=["TH"],
        organization=demo.organization, gender=demo.gender, clusters=[clusters[0], clusters[1]],
        expertise=["digital government", "data literacy"], languages=[english], capacity_per_month=5,
    )  # fmt: skip
    services.expert_link_member(expert=mine, member=demo)
    for stage in _path_to(Expert.Status.ACTIVE):
        services.expert_set_status(expert=mine, status=stage, actor=coordinator)
    _seed_referrals(mine, experts, coordinator)
    return len(experts) + 1


def _path_to(status: str) -> list[str]:
    order = [Expert.Status.CONTACTED, Expert.Status.ENGAGED, Expert.Status.ACTIVE]
    if status == Expert.Status.MAPPED:
        return []
    if status == Expert.Status.INACTIVE:
        return [*order, Expert.Status.INACTIVE]
    return order[: order.index(status) + 1]


def _seed_referrals(mine: Expert, experts: list[Expert], coordinator: User) -> None:
    """Referrals answered and rated, answered, open, and overdue."""
    now = timezone.now()
    threads = list(Thread.objects.filter(community__visibility="open").select_related("community").order_by("pk"))
    if len(threads) < 3:
        return
    active = [e for e in experts if e.status == Expert.Status.ACTIVE]
    # 1. Answered by the demo expert and rated by the asker.
    rated_thread = threads[0]
    referral = services.referral_create(
        thread=rated_thread, community=rated_thread.community, experts=[mine], flagged_by=coordinator,
        due_at=now + timedelta(days=7),
    )[0]  # fmt: skip
    _ensure_member(rated_thread.author, rated_thread.community)
    community_services.post_reply(
        thread=rated_thread, author=mine.member, shown_in=rated_thread.community,
        body="From our evaluation: mobile registration teams twice a week kept backlogs under a month.",
    )  # fmt: skip
    services.referral_rate(referral=referral, member=rated_thread.author, score=5, comment="Very practical, thank you.")
    # 2. Answered, waiting for the asker's rating.
    answered_thread = threads[1]
    services.referral_create(
        thread=answered_thread, community=answered_thread.community, experts=[mine], flagged_by=coordinator,
        due_at=now + timedelta(days=5),
    )  # fmt: skip
    community_services.post_reply(
        thread=answered_thread, author=mine.member, shown_in=answered_thread.community,
        body="Two options worked elsewhere: mobile money agents and pre-paid cards distributed by the township.",
    )  # fmt: skip
    # 3. Open, due next week; 4. overdue (due yesterday, not yet reminded).
    open_thread = threads[2]
    services.referral_create(
        thread=open_thread, community=open_thread.community, experts=active[:2], flagged_by=coordinator,
        due_at=now + timedelta(days=6),
    )  # fmt: skip
    overdue = services.referral_create(
        thread=threads[-1], community=threads[-1].community, experts=active[2:3], flagged_by=coordinator,
        due_at=now + timedelta(days=1),
    )  # fmt: skip
    Referral.objects.filter(pk__in=[r.pk for r in overdue]).update(due_at=now - timedelta(days=1))


def _ensure_member(user: User, community: Community) -> None:
    if user and not Membership.objects.active().filter(member=user, community=community).exists():
        community_services.community_join(member=user, community=community)
