"""What goes into each member's digest. Content shared by a batch is read once (`SharedContent`); each
member's sections are then picked in Python from it, so a batch of hundreds costs a handful of queries."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace

from django.db.models import F, Q
from django.utils import timezone

from communities.models import Community, Membership, Thread
from events.models import Event, Registration
from experts.models import Referral
from knowledge.models import KnowledgeProduct

from .models import DigestDelivery, NewsItem

SECTION_LIMIT = 5
LOOKBACK = timedelta(days=31)  # nothing older than a month is "new"
EVENT_HORIZON = timedelta(days=45)


@dataclass
class SharedContent:
    since: datetime
    threads: list = field(default_factory=list)
    events: list = field(default_factory=list)
    products: list = field(default_factory=list)
    news: list = field(default_factory=list)
    open_referrals: list = field(default_factory=list)
    private_ids: set = field(default_factory=set)
    members_only_ids: set = field(default_factory=set)  # private and request-to-join: content for members only
    communities: dict = field(default_factory=dict)
    country_communities: dict = field(default_factory=dict)  # country code -> community ids focused on it


def load_shared(now: datetime | None = None) -> SharedContent:
    now = now or timezone.now()
    since = now - LOOKBACK
    communities = list(Community.objects.only("pk", "name", "slug", "visibility", "countries"))
    shared = SharedContent(since=since)
    shared.private_ids = {c.pk for c in communities if c.is_private}
    shared.members_only_ids = {c.pk for c in communities if c.visibility != Community.Visibility.OPEN}
    shared.communities = {c.pk: c for c in communities}
    for community in communities:
        for country in community.countries:
            shared.country_communities.setdefault(country.code, set()).add(community.pk)
    threads = (
        Thread.objects.filter(is_hidden=False, last_activity_at__gte=since)
        .select_related("community")
        .prefetch_related("linked_communities")
        .order_by("-reply_count", "-last_activity_at")[:500]
    )
    for thread in threads:
        thread.community_ids = {thread.community_id, *(c.pk for c in thread.linked_communities.all())}
        thread.url = thread.get_absolute_url()  # reversed once per batch, not once per member
        shared.threads.append(thread)
    events = (
        Event.objects.filter(status=Event.Status.PUBLISHED, starts_at__gt=now, starts_at__lte=now + EVENT_HORIZON)
        .prefetch_related("communities")
        .order_by("starts_at")[:200]
    )
    for event in events:
        event.community_ids = {c.pk for c in event.communities.all()}
        event.url = event.get_absolute_url()
        shared.events.append(event)
    products = (
        KnowledgeProduct.objects.filter(status=KnowledgeProduct.Status.PUBLISHED, published_at__gte=since)
        .prefetch_related("communities", "tags")
        .order_by("-published_at")[:200]
    )
    for product in products:
        product.community_ids = {c.pk for c in product.communities.all()}
        product.url = product.get_absolute_url()
        product.tag_names = {t.name.lower() for t in product.tags.all()}
        shared.products.append(product)
    news = NewsItem.objects.filter(starts_at__lte=now, expires_at__gt=now).prefetch_related("communities")
    for item in news:
        item.community_ids = {c.pk for c in item.communities.all()}
        item.country_codes = {c.code for c in item.countries}
        shared.news.append(item)
    referrals = (
        Referral.objects.filter(status=Referral.Status.OPEN, thread__is_hidden=False)
        # Still shown in the community it was asked in (a thread can be moved or unlinked since).
        .filter(Q(thread__community=F("community")) | Q(thread__linked_communities=F("community")))
        .distinct()
        .select_related("thread", "community", "expert")
        .prefetch_related("expert__clusters__communities")
    )
    shared.open_referrals = list(referrals)
    for referral in shared.open_referrals:
        referral.url = referral.thread.url_in(referral.community)
    return shared


@dataclass
class MemberFacts:
    """What a batch needs to know about each member, read in a few queries for the whole batch."""

    community_ids: dict  # member id -> active community ids
    registered_event_ids: dict  # member id -> event ids registered or waitlisted
    interests: dict  # member id -> interest names (lower case)
    already_sent: dict  # member id -> {"threads": set, ...} from earlier digests
    expert_cluster_communities: dict  # member id -> community ids of their clusters (experts)


def load_member_facts(members) -> MemberFacts:
    ids = [m.pk for m in members]
    community_ids: dict = {}
    for member_id, community_id in (
        Membership.objects.active().filter(member_id__in=ids).values_list("member_id", "community_id")
    ):
        community_ids.setdefault(member_id, set()).add(community_id)
    registered: dict = {}
    for member_id, event_id in (
        Registration.objects.filter(member_id__in=ids).exclude(status=Registration.Status.CANCELLED)
        .values_list("member_id", "event_id")
    ):  # fmt: skip
        registered.setdefault(member_id, set()).add(event_id)
    from taggit.models import TaggedItem

    from members.models import User

    interests: dict = {}
    for member_id, name in TaggedItem.objects.filter(
        content_type__app_label="members", content_type__model="user", object_id__in=ids
    ).values_list("object_id", "tag__name"):
        interests.setdefault(member_id, set()).add(name.lower())
    already: dict = {}
    for member_id, items in DigestDelivery.objects.filter(
        member_id__in=ids, status=DigestDelivery.Status.SENT
    ).values_list("member_id", "items"):
        bucket = already.setdefault(member_id, {})
        for section, item_ids in (items or {}).items():
            bucket.setdefault(section, set()).update(item_ids)
    clusters: dict = {}
    experts = User.objects.filter(pk__in=ids, expert_profile__isnull=False).prefetch_related(
        "expert_profile__clusters__communities"
    )
    for member in experts:
        clusters[member.pk] = {
            c.pk for cluster in member.expert_profile.clusters.all() for c in cluster.communities.all()
        }
    return MemberFacts(community_ids, registered, interests, already, clusters)


@dataclass
class Digest:
    threads: list
    questions: list
    events: list
    products: list
    news: list

    @property
    def is_empty(self) -> bool:
        return not (self.threads or self.questions or self.events or self.products or self.news)

    @property
    def count(self) -> int:
        """Distinct items, as the subject line says: a thread is one item in whichever section it is listed."""
        threads = {t.pk for t in self.threads} | {r.thread_id for r in self.questions}
        return len(threads) + len(self.events) + len(self.products) + len(self.news)

    def content_key(self) -> tuple:
        """Equal for two digests of one batch exactly when they show the same items the same way (a thread is shown
        in one of the member's communities), so their emails differ only in the name and the unsubscribe link."""
        return (
            tuple((t.pk, t.community.pk) for t in self.threads),
            tuple(r.pk for r in self.questions),
            tuple(e.pk for e in self.events),
            tuple(p.pk for p in self.products),
            tuple(n.pk for n in self.news),
        )

    def item_ids(self) -> dict:
        return {
            "threads": [t.pk for t in self.threads],
            "questions": [r.pk for r in self.questions],
            "question_threads": [r.thread_id for r in self.questions],
            "events": [e.pk for e in self.events],
            "products": [p.pk for p in self.products],
            "news": [n.pk for n in self.news],
        }


def _visible(community_ids: set, mine: set, private_ids: set) -> bool:
    """An item tied to communities is visible when one of them is not private, or the member is in one."""
    return not community_ids or bool(community_ids - private_ids) or bool(community_ids & mine)


def build(member, shared: SharedContent, facts: MemberFacts, since: datetime | None = None) -> Digest:
    mine = facts.community_ids.get(member.pk, set())
    sent = facts.already_sent.get(member.pk, {})
    since = max(since or shared.since, shared.since)
    country = member.country.code if member.country else ""
    country_communities = shared.country_communities.get(country, set())

    # Questions first: a thread is listed once, in the most specific section. One waiting for an expert in the
    # member's clusters is shown there and not again among the discussions; and a thread referred to several
    # experts (one referral each) is one question.
    cluster_communities = facts.expert_cluster_communities.get(member.pk)
    # Threads an earlier issue listed, in either section: not listed again (a question's thread as a discussion
    # later, or as a new question once a second expert was asked). Issues before "question_threads" was recorded
    # name their questions by referral only.
    received = set(sent.get("threads", ())) | set(sent.get("question_threads", ()))
    questions = []
    question_threads: set = set()
    if cluster_communities is not None:
        for referral in shared.open_referrals:
            if member.pk in (referral.expert.member_id, referral.asked_by_id):
                continue  # their own referral, or their own question
            if referral.community_id not in cluster_communities:
                continue
            if referral.community_id in shared.members_only_ids and referral.community_id not in mine:
                continue  # they could not open it
            if referral.pk in sent.get("questions", ()) or (
                referral.thread_id in question_threads or referral.thread_id in received
            ):
                continue
            questions.append(referral)
            question_threads.add(referral.thread_id)
            if len(questions) == SECTION_LIMIT:
                break
    threads = [
        _thread_item(t, mine, shared) for t in shared.threads
        if t.community_ids & mine and t.last_activity_at >= since and t.pk not in received
        and t.pk not in question_threads
    ][:SECTION_LIMIT]  # fmt: skip
    registered = facts.registered_event_ids.get(member.pk, set())
    events = [
        e for e in shared.events
        if e.pk not in registered and e.pk not in sent.get("events", ())
        and _visible(e.community_ids, mine, shared.private_ids)
        and (not e.community_ids or e.community_ids & (mine | country_communities))
    ][:SECTION_LIMIT]  # fmt: skip
    interests = facts.interests.get(member.pk, set())
    products = [
        p for p in shared.products
        if p.published_at >= since and p.pk not in sent.get("products", ())
        and _visible(p.community_ids, mine, shared.private_ids)
        and (p.community_ids & mine or p.tag_names & interests)
    ][:SECTION_LIMIT]  # fmt: skip
    news = [
        n for n in shared.news
        if n.pk not in sent.get("news", ())
        and (not n.community_ids or n.community_ids & mine)
        and (not n.country_codes or country in n.country_codes)
    ][:SECTION_LIMIT]  # fmt: skip
    return Digest(threads=threads, questions=questions, events=events, products=products, news=news)


def _thread_item(thread, mine: set, shared: SharedContent) -> SimpleNamespace:
    """The thread as this member sees it: in their own community (the thread's home, or a community it is linked
    into), so the email neither names nor links a community they cannot open."""
    if thread.community_id in mine:
        shown_in = thread.community
    else:
        shown_in = shared.communities[min(thread.community_ids & mine)]
    return SimpleNamespace(
        pk=thread.pk, title=thread.title, reply_count=thread.reply_count, community=shown_in,
        url=thread.url_in(shown_in),
    )  # fmt: skip


def news_for_home(member, *, community_ids: set[int]) -> list:
    """Active news items for the home page, with the same audience rule as the digest; `community_ids`: those
    of the member's active memberships (the home page reads them for its own list)."""
    now = timezone.now()
    country = member.country.code if member.country else ""
    items = NewsItem.objects.filter(starts_at__lte=now, expires_at__gt=now).prefetch_related("communities")
    return [
        n for n in items
        if (not n.communities.all() or {c.pk for c in n.communities.all()} & community_ids)
        and (not n.countries or country in {c.code for c in n.countries})
    ][:5]  # fmt: skip
