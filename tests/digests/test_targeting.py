"""Each digest section picks the items meant for this member: their communities, their country, their interests
and their expert clusters, never what they may not see, never what they already have."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.models import Community, Membership
from digests import content, services
from events.models import Event, Registration
from experts.models import Referral
from knowledge.models import KnowledgeProduct
from tests.communities.factories import CommunityFactory, MembershipFactory, ThreadFactory
from tests.events.factories import EventFactory, RegistrationFactory
from tests.experts.factories import ExpertClusterFactory, MemberExpertFactory, ReferralFactory
from tests.factories import MemberFactory
from tests.knowledge.factories import KnowledgeProductFactory

from .factories import NewsItemFactory, digest_of, rendered, titles

pytestmark = pytest.mark.django_db

PRIVATE = Community.Visibility.PRIVATE


def ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


def ahead(**kwargs):
    return timezone.now() + timedelta(**kwargs)


@pytest.fixture
def reader():
    """A member in Myanmar who works on open data, in an open and a private community."""
    member = MemberFactory(country="MM", full_name="Thida Reader")
    member.interests.add("Open Data")
    return member


@pytest.fixture
def places(reader):
    """The communities around the reader, by how they relate to them."""
    places = {
        "mine": CommunityFactory(name="Budget practitioners"),
        "private_mine": CommunityFactory(name="Cabinet circle", visibility=PRIVATE),
        "other": CommunityFactory(name="Fisheries managers"),
        "private_other": CommunityFactory(name="Leaders circle", visibility=PRIVATE, countries=["MM"]),
        "my_country": CommunityFactory(name="Myanmar reformers", countries=["MM", "KH"]),
        "far": CommunityFactory(name="Kazakh reformers", countries=["KZ"]),
        "pending": CommunityFactory(name="Waiting room", visibility=Community.Visibility.REQUEST),
        "left": CommunityFactory(name="Former home"),
    }
    MembershipFactory(member=reader, community=places["mine"])
    MembershipFactory(member=reader, community=places["private_mine"])
    MembershipFactory(member=reader, community=places["pending"], status=Membership.Status.PENDING)
    MembershipFactory(member=reader, community=places["left"], status=Membership.Status.LEFT)
    return places


def assert_in_email(member, digest, wanted, unwanted):
    text, html = rendered(member, digest)
    for title in wanted:
        assert title in text and title in html, title
    for title in unwanted:
        assert title not in text and title not in html, title


def test_it_picks_threads_of_the_members_active_communities_only(reader, places):
    wanted = {
        ThreadFactory(community=places["mine"], title="Budget reform pilots").title,
        ThreadFactory(community=places["private_mine"], title="Cabinet meeting notes").title,
    }
    inter_practice = ThreadFactory(community=places["other"], title="Procurement across ministries")
    inter_practice.linked_communities.add(places["mine"])
    wanted.add(inter_practice.title)
    shown_elsewhere = ThreadFactory(community=places["private_other"], title="Succession planning talk")
    shown_elsewhere.linked_communities.add(places["other"])
    unwanted = {
        ThreadFactory(community=places["other"], title="Fish stock counts").title,
        ThreadFactory(community=places["private_other"], title="Leaders only retreat").title,
        shown_elsewhere.title,
        ThreadFactory(community=places["mine"], title="Spam that was hidden", is_hidden=True).title,
        ThreadFactory(community=places["mine"], title="Quiet since spring", last_activity_at=ago(days=40)).title,
        ThreadFactory(community=places["pending"], title="Members only planning").title,
        ThreadFactory(community=places["left"], title="News from a former home").title,
    }

    digest = digest_of(reader)

    assert set(titles(digest)["threads"]) == wanted
    assert_in_email(reader, digest, wanted, unwanted)


def test_it_lists_at_most_five_threads_most_replied_first(reader, places):
    for number in range(7):
        ThreadFactory(community=places["mine"], title=f"Busy thread {number}", reply_count=number)

    threads = digest_of(reader).threads

    assert [t.title for t in threads] == [f"Busy thread {n}" for n in (6, 5, 4, 3, 2)]


def test_it_leaves_out_threads_quiet_since_the_last_digest(reader, places):
    ThreadFactory(community=places["mine"], title="Before the last digest", last_activity_at=ago(days=3))
    ThreadFactory(community=places["mine"], title="After the last digest", last_activity_at=ago(hours=1))

    digest = digest_of(reader, since=ago(days=1))

    assert titles(digest)["threads"] == ["After the last digest"]


def test_it_links_an_inter_practice_thread_through_the_members_own_community(reader, places):
    thread = ThreadFactory(community=places["private_other"], title="Civil service pay scales")
    thread.linked_communities.add(places["mine"])

    digest = digest_of(reader)
    text, html = rendered(reader, digest)

    assert titles(digest)["threads"] == ["Civil service pay scales"]
    assert thread.url_in(places["mine"]) in text and thread.url_in(places["mine"]) in html
    assert thread.url_in(places["private_other"]) not in text + html
    assert "Leaders circle" not in text + html


@pytest.fixture
def cluster_community():
    return CommunityFactory(name="Digital services")


@pytest.fixture
def expert_reader(reader, cluster_community):
    """The reader is also an expert, in a cluster linked to a community they are not a member of."""
    cluster = ExpertClusterFactory(theme="Digital government", communities=[cluster_community])
    return MemberExpertFactory(member=reader, clusters=[cluster])


def referral_in(community, title, **kwargs):
    return ReferralFactory(thread=ThreadFactory(community=community, title=title), **kwargs)


def test_it_offers_open_questions_of_the_experts_clusters(reader, places, cluster_community, expert_reader):
    private_in_cluster = CommunityFactory(name="Private digital", visibility=PRIVATE)
    expert_reader.clusters.first().communities.add(private_in_cluster, places["private_mine"])
    wanted = {
        referral_in(cluster_community, "How to digitise permits").thread.title,
        referral_in(places["private_mine"], "Cabinet e-signatures").thread.title,
    }
    unwanted = {
        referral_in(places["other"], "Fish quota appeals").thread.title,
        referral_in(cluster_community, "Referred to me directly", expert=expert_reader).thread.title,
        referral_in(cluster_community, "Already answered", status=Referral.Status.ANSWERED).thread.title,
        referral_in(cluster_community, "Already resolved", status=Referral.Status.RESOLVED).thread.title,
        referral_in(private_in_cluster, "Private digital question").thread.title,
    }

    digest = digest_of(reader)

    assert set(titles(digest)["questions"]) == wanted
    assert_in_email(reader, digest, wanted, unwanted)


def test_it_offers_no_questions_to_members_who_are_not_experts(cluster_community):
    referral_in(cluster_community, "How to digitise permits")
    member = MembershipFactory(community=cluster_community).member

    digest = digest_of(member)

    assert digest.questions == []
    assert titles(digest)["threads"] == ["How to digitise permits"]  # they see it as a discussion instead


def test_it_never_offers_an_expert_their_own_question(reader, cluster_community, expert_reader):
    referral_in(cluster_community, "My own question", asked_by=reader)

    assert digest_of(reader).questions == []


def test_it_never_offers_a_question_the_expert_cannot_read(reader, cluster_community, expert_reader):
    members_only = CommunityFactory(name="Members only", visibility=Community.Visibility.REQUEST)
    expert_reader.clusters.first().communities.add(members_only)
    referral_in(members_only, "Members only question")

    assert digest_of(reader).questions == []


def test_it_picks_upcoming_events_of_the_members_communities_and_country(reader, places):
    wanted = {
        EventFactory(title="Budget webinar", communities=[places["mine"]]).title,
        EventFactory(title="Cabinet workshop", communities=[places["private_mine"]]).title,
        EventFactory(title="Myanmar reform forum", communities=[places["my_country"]]).title,
        EventFactory(title="Open to every member").title,
        EventFactory(title="Shared leaders forum", communities=[places["private_other"], places["my_country"]]).title,
    }
    unwanted = {
        EventFactory(title="Fisheries seminar", communities=[places["other"]]).title,
        EventFactory(title="Kazakh reform forum", communities=[places["far"]]).title,
        EventFactory(title="Leaders retreat in Yangon", communities=[places["private_other"]]).title,
        EventFactory(title="Draft event", communities=[places["mine"]], status=Event.Status.DRAFT).title,
        EventFactory(title="Called off", communities=[places["mine"]], status=Event.Status.CANCELLED).title,
        EventFactory(title="Started an hour ago", communities=[places["mine"]], starts_at=ago(hours=1)).title,
        EventFactory(title="Two months away", communities=[places["mine"]], starts_at=ahead(days=60)).title,
        EventFactory(title="Waiting room event", communities=[places["pending"]]).title,
    }

    digest = digest_of(reader)

    assert set(titles(digest)["events"]) == wanted
    assert_in_email(reader, digest, wanted, unwanted)


def test_it_leaves_out_events_the_member_registered_for(reader, places):
    cancelled = EventFactory(title="Registration cancelled", communities=[places["mine"]])
    RegistrationFactory(event=cancelled, member=reader, status=Registration.Status.CANCELLED)
    registered = EventFactory(title="Already registered", communities=[places["mine"]])
    RegistrationFactory(event=registered, member=reader)
    waitlisted = EventFactory(title="Already on the waitlist", communities=[places["mine"]])
    RegistrationFactory(event=waitlisted, member=reader, status=Registration.Status.WAITLISTED)
    someone_else = EventFactory(title="Someone else registered", communities=[places["mine"]])
    RegistrationFactory(event=someone_else)

    digest = digest_of(reader)

    assert set(titles(digest)["events"]) == {"Registration cancelled", "Someone else registered"}
    assert_in_email(reader, digest, {"Registration cancelled"}, {"Already registered", "Already on the waitlist"})


def test_it_lists_events_soonest_first(reader, places):
    EventFactory(title="In three weeks", communities=[places["mine"]], starts_at=ahead(days=21))
    EventFactory(title="Tomorrow", communities=[places["mine"]], starts_at=ahead(days=1))

    assert titles(digest_of(reader))["events"] == ["Tomorrow", "In three weeks"]


def test_it_picks_new_published_products_of_the_members_communities_or_interests(reader, places):
    wanted = {
        KnowledgeProductFactory(title="Budget toolkit", communities=[places["mine"]]).title,
        KnowledgeProductFactory(title="Cabinet guidance", communities=[places["private_mine"]]).title,
        KnowledgeProductFactory(title="Open data case", communities=[places["other"]], tags=["open data"]).title,
        KnowledgeProductFactory(title="Open data primer", tags=["Open Data", "statistics"]).title,
        KnowledgeProductFactory(
            title="Shared open data note", communities=[places["private_other"], places["other"]], tags=["open data"]
        ).title,
    }
    statuses = KnowledgeProduct.Status
    unwanted = {
        KnowledgeProductFactory(title="Fish stock guide", communities=[places["other"]]).title,
        KnowledgeProductFactory(title="Statistics primer", tags=["statistics"]).title,
        KnowledgeProductFactory(
            title="Leaders data note", communities=[places["private_other"]], tags=["open data"]
        ).title,
        KnowledgeProductFactory(title="Draft note", communities=[places["mine"]], status=statuses.DRAFT).title,
        KnowledgeProductFactory(title="Note in review", communities=[places["mine"]], status=statuses.IN_REVIEW).title,
        KnowledgeProductFactory(title="Archived note", communities=[places["mine"]], status=statuses.ARCHIVED).title,
        KnowledgeProductFactory(
            title="Published last winter", communities=[places["mine"]], published_at=ago(days=40)
        ).title,
        KnowledgeProductFactory(title="Waiting room note", communities=[places["pending"]]).title,
    }

    digest = digest_of(reader)

    assert set(titles(digest)["products"]) == wanted
    assert_in_email(reader, digest, wanted, unwanted)


def test_it_picks_active_news_for_the_members_audience(reader, places):
    wanted = {
        NewsItemFactory(title="For everyone").title,
        NewsItemFactory(title="For budget people", communities=[places["mine"], places["other"]]).title,
        NewsItemFactory(title="For Myanmar", countries=["MM", "KH"]).title,
        NewsItemFactory(title="For budget people in Myanmar", communities=[places["mine"]], countries=["MM"]).title,
    }
    unwanted = {
        NewsItemFactory(title="For fisheries", communities=[places["other"]]).title,
        NewsItemFactory(title="For Kazakhstan", countries=["KZ"]).title,
        NewsItemFactory(title="For budget people in Kazakhstan", communities=[places["mine"]], countries=["KZ"]).title,
        NewsItemFactory(title="Not yet shown", starts_at=ahead(days=1)).title,
        NewsItemFactory(title="Expired yesterday", starts_at=ago(days=10), expires_at=ago(days=1)).title,
        NewsItemFactory(title="For the waiting room", communities=[places["pending"]]).title,
    }

    digest = digest_of(reader)

    assert set(titles(digest)["news"]) == wanted
    assert_in_email(reader, digest, wanted, unwanted)


def test_the_home_page_shows_the_news_the_digest_picks(client, reader, places):
    """The home page reads the member's communities once, for its list and for the news items' audience."""
    wanted = {
        NewsItemFactory(title="For everyone").title,
        NewsItemFactory(title="For budget people", communities=[places["mine"], places["other"]]).title,
        NewsItemFactory(title="For budget people in Myanmar", communities=[places["mine"]], countries=["MM"]).title,
    }
    NewsItemFactory(title="For fisheries", communities=[places["other"]])
    NewsItemFactory(title="For the waiting room", communities=[places["pending"]])
    client.force_login(reader)

    response = client.get(reverse("home"))

    assert {item.title for item in response.context["news"]} == wanted == set(titles(digest_of(reader))["news"])


def test_the_home_page_picks_news_for_a_community_beyond_the_twelve_it_lists(client):
    member = MemberFactory()
    communities = [CommunityFactory(name=f"Community {n:02d}") for n in range(13)]
    for community in communities:
        MembershipFactory(member=member, community=community)
    NewsItemFactory(title="For the thirteenth", communities=[communities[-1]])
    client.force_login(member)

    response = client.get(reverse("home"))

    assert len(response.context["my_communities"]) == 12
    assert [item.title for item in response.context["news"]] == ["For the thirteenth"]


def test_it_shows_country_news_only_to_members_of_that_country(places):
    NewsItemFactory(title="For everyone")
    NewsItemFactory(title="For Myanmar", countries=["MM"])
    nowhere = MemberFactory(country="")

    assert titles(digest_of(nowhere))["news"] == ["For everyone"]


def test_it_shows_news_only_while_active(reader):
    NewsItemFactory(title="Summer school", starts_at=ahead(days=2), expires_at=ahead(days=9))

    assert digest_of(reader).news == []
    assert titles(digest_of(reader, now=ahead(days=3)))["news"] == ["Summer school"]
    assert digest_of(reader, now=ahead(days=10)).news == []


def test_it_reads_a_batch_of_members_once_and_builds_each_their_own_digest(places):
    budget = MembershipFactory(community=places["mine"]).member
    fisheries = MembershipFactory(community=places["other"]).member
    ThreadFactory(community=places["mine"], title="Budget reform pilots")
    ThreadFactory(community=places["other"], title="Fish stock counts")

    shared = content.load_shared()
    facts = content.load_member_facts([budget, fisheries])

    assert titles(content.build(budget, shared, facts))["threads"] == ["Budget reform pilots"]
    assert titles(content.build(fisheries, shared, facts))["threads"] == ["Fish stock counts"]


def test_the_sent_email_holds_the_members_sections(reader, places, mailoutbox, settings):
    settings.SITE_URL = "https://cop.example.org"
    settings.SITE_NAME = "CoP Platform"
    ThreadFactory(community=places["mine"], title="Budget reform pilots", reply_count=3)
    ThreadFactory(community=places["other"], title="Fish stock counts")
    event = EventFactory(title="Budget webinar", communities=[places["mine"]])
    product = KnowledgeProductFactory(title="Open data primer", tags=["open data"])
    NewsItemFactory(title="Call for case studies", text="Two pages by Friday.", link="https://example.org/call")

    _round, ids = services.plan(everyone=True)
    services.send_batch(ids)

    [email] = [m for m in mailoutbox if m.to == [reader.email]]
    assert email.subject == "CoP Platform: 4 new items for you"
    text = email.body
    assert "Dear Thida Reader," in text
    assert "== Discussions in your communities ==" in text
    assert "- Budget reform pilots (Budget practitioners, 3 replies)" in text
    assert "Fish stock counts" not in text
    assert "== Upcoming events ==" in text and f"https://cop.example.org{event.get_absolute_url()}" in text
    assert (
        "== New in the knowledge library ==" in text and f"https://cop.example.org{product.get_absolute_url()}" in text
    )
    assert "- Call for case studies: Two pages by Friday.\n  https://example.org/call" in text
    assert "Questions waiting for an expert" not in text  # the reader is no expert
    html = email.alternatives[0][0]
    assert '<h2 style="font-size:17px;margin:20px 0 8px;">Upcoming events</h2>' in html
    assert f'href="https://cop.example.org{event.get_absolute_url()}"' in html


def test_event_times_are_in_the_members_time_zone(places, settings):
    settings.TIME_ZONE = "UTC"
    yangon = MemberFactory(time_zone="Asia/Yangon")
    MembershipFactory(member=yangon, community=places["mine"])
    day = (timezone.now() + timedelta(days=7)).date()
    starts_at = datetime(day.year, day.month, day.day, 3, 0, tzinfo=UTC)
    EventFactory(title="Budget webinar", communities=[places["mine"]], starts_at=starts_at)

    text, html = rendered(yangon, digest_of(yangon))

    assert f"- Budget webinar, {day.day} {starts_at:%b} {day.year}, 09:30" in text
    assert "09:30" in html
