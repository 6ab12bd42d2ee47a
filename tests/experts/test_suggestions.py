"""Ranking of the experts suggested for a thread (experts.selectors.suggest_experts)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from communities.models import Membership
from experts import selectors
from experts.models import Expert
from experts.selectors import suggest_experts
from tests.communities.factories import CommunityFactory, ThreadFactory, member_of
from tests.support.gettext_extraction import extracted_msgids

from .factories import ExpertClusterFactory, ExpertFactory, ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    community = CommunityFactory(countries=["MM"])
    community.themes.add("digital government")
    return community


@pytest.fixture
def thread(community):
    return ThreadFactory(community=community, title="Advice wanted")  # no word of the title matches a topic


def _ranked(thread, **kwargs):
    return [s.expert.name for s in suggest_experts(thread=thread, community=thread.community, **kwargs)]


def _cluster_expert(community, name, **kwargs):
    cluster = ExpertClusterFactory(communities=[community], keywords=["Digital government"])
    return ExpertFactory(name=name, clusters=[cluster], countries=["FR"], **kwargs)


def test_it_ranks_a_linked_cluster_sharing_the_themes_first_and_an_unrelated_expert_last(community, thread):
    # Names sort against the expected order, so only the scores can put them right.
    ExpertFactory(name="A Unrelated", countries=["FR"])
    ExpertFactory(name="B Country", countries=["MM"])
    ExpertFactory(name="C Expertise", countries=["FR"], expertise=["digital government"])
    _cluster_expert(community, "D Cluster")
    ranked = _ranked(thread)
    assert ranked[0] == "D Cluster"
    assert ranked[-1] == "A Unrelated"
    assert set(ranked) == {"A Unrelated", "B Country", "C Expertise", "D Cluster"}


def test_it_ranks_an_expertise_match_above_an_unrelated_expert(community, thread):
    ExpertFactory(name="A Unrelated", countries=["FR"])
    ExpertFactory(name="B Expertise", countries=["FR"], expertise=["Digital Government"])
    assert _ranked(thread) == ["B Expertise", "A Unrelated"]


def test_it_ranks_a_shared_country_above_an_unrelated_expert(community, thread):
    ExpertFactory(name="A Unrelated", countries=["FR"])
    ExpertFactory(name="B Country", countries=["KH", "MM"])
    assert _ranked(thread) == ["B Country", "A Unrelated"]


def test_it_ranks_a_linked_cluster_above_an_expertise_match(community, thread):
    ExpertFactory(name="A Expertise", countries=["MM"], expertise=["digital government"])
    _cluster_expert(community, "B Cluster")
    assert _ranked(thread) == ["B Cluster", "A Expertise"]


def test_it_ranks_the_full_order_cluster_expertise_country_unrelated(community, thread):
    ExpertFactory(name="A Unrelated", countries=["FR"])
    ExpertFactory(name="B Country", countries=["MM"])
    ExpertFactory(name="C Expertise", countries=["FR"], expertise=["digital government"])
    _cluster_expert(community, "D Cluster")
    assert _ranked(thread) == ["D Cluster", "C Expertise", "B Country", "A Unrelated"]


def test_it_matches_expertise_against_words_of_the_title(community):
    thread = ThreadFactory(community=community, title="Procurement rules for township offices")
    ExpertFactory(name="A Unrelated", countries=["FR"])
    ExpertFactory(name="B Buyer", countries=["FR"], expertise=["public procurement"])
    suggestions = suggest_experts(thread=thread, community=community)
    assert [s.expert.name for s in suggestions] == ["B Buyer", "A Unrelated"]
    assert suggestions[0].reasons == ["expertise: procurement"]


def test_it_explains_each_suggestion(community, thread):
    _cluster_expert(community, "Cluster Person")
    ExpertFactory(name="Country Person", countries=["MM", "TH"])
    reasons = {s.expert.name: s.reasons for s in suggest_experts(thread=thread, community=community)}
    assert any("serves this community" in reason for reason in reasons["Cluster Person"])
    assert any("digital government" in reason for reason in reasons["Cluster Person"])
    assert reasons["Country Person"] == ["works in Myanmar"]


def test_it_ranks_active_above_engaged_on_an_equal_match(community, thread):
    ExpertFactory(name="A Engaged", countries=["MM"], status=Expert.Status.ENGAGED)
    ExpertFactory(name="B Active", countries=["MM"], status=Expert.Status.ACTIVE)
    ExpertFactory(name="C Engaged unrelated", countries=["FR"], status=Expert.Status.ENGAGED)
    ExpertFactory(name="D Active unrelated", countries=["FR"], status=Expert.Status.ACTIVE)
    assert _ranked(thread) == ["B Active", "A Engaged", "D Active unrelated", "C Engaged unrelated"]


def test_it_puts_an_expert_at_capacity_this_month_last(community, thread):
    best = _cluster_expert(community, "A Best match", capacity_per_month=2)
    ExpertFactory(name="B Unrelated", countries=["FR"], status=Expert.Status.ENGAGED)
    ReferralFactory(expert=best)
    assert _ranked(thread) == ["A Best match", "B Unrelated"]  # one of two this month: still room

    ReferralFactory(expert=best)
    suggestions = suggest_experts(thread=thread, community=community)
    assert [s.expert.name for s in suggestions] == ["B Unrelated", "A Best match"]
    assert suggestions[-1].at_capacity and suggestions[-1].open_referrals == 2
    assert not suggestions[0].at_capacity


def test_it_counts_only_this_months_referrals_against_capacity(community, thread):
    best = _cluster_expert(community, "A Best match", capacity_per_month=1)
    ExpertFactory(name="B Unrelated", countries=["FR"])
    ReferralFactory(expert=best, created_at=timezone.now() - timedelta(days=40))
    suggestions = suggest_experts(thread=thread, community=community)
    assert [s.expert.name for s in suggestions] == ["A Best match", "B Unrelated"]
    assert suggestions[0].open_referrals == 0


def test_it_leaves_out_experts_already_flagged_into_the_thread(community, thread):
    flagged = _cluster_expert(community, "A Flagged")
    ExpertFactory(name="B Other")
    ReferralFactory(thread=thread, expert=flagged)
    assert _ranked(thread) == ["B Other"]


def test_it_leaves_out_experts_who_are_not_engaged_or_active(community, thread):
    for status in (Expert.Status.MAPPED, Expert.Status.CONTACTED, Expert.Status.INACTIVE):
        _cluster_expert(community, f"Unlisted {status}", status=status)
    ExpertFactory(name="Listed", status=Expert.Status.ENGAGED)
    assert _ranked(thread) == ["Listed"]


def test_it_limits_the_number_of_suggestions(community, thread):
    ExpertFactory.create_batch(5)
    assert len(_ranked(thread, limit=3)) == 3


def test_it_shows_the_ranking_and_the_capacity_badge_on_the_ask_page(client, community, thread):
    best = _cluster_expert(community, "A Best match", capacity_per_month=1)
    ExpertFactory(name="B Unrelated", countries=["FR"])
    ReferralFactory(expert=best)
    client.force_login(member_of(community, role=Membership.Role.LEADER))
    html = client.get(reverse("experts:ask", args=[community.slug, thread.pk])).content.decode()
    assert html.index("B Unrelated") < html.index("A Best match")
    assert "at capacity this month" in html


SUGGESTION_REASONS = [
    "cluster “%(cluster)s” serves this community",
    "cluster “%(cluster)s”: %(themes)s",
    "expertise: %(topics)s",
    "works in %(countries)s",
]


def test_the_reasons_for_a_suggestion_are_strings_the_translators_are_given():
    """Before, the reasons were English f-strings: "Ask an expert" explained itself in English to everyone."""
    assert set(SUGGESTION_REASONS) <= extracted_msgids("experts/selectors.py")


def test_the_reasons_for_a_suggestion_are_in_the_readers_language(community, thread, monkeypatch):
    """The catalogs are filled by the translators (locale/ is theirs): a stand-in gettext marks each string with the
    language active when it is translated."""
    monkeypatch.setattr(selectors, "_", lambda message: f"[{translation.get_language()}] {message}")
    cluster = ExpertClusterFactory(theme="E-government", communities=[community], keywords=["Digital government"])
    ExpertFactory(name="Everything", clusters=[cluster], countries=["MM"], expertise=["digital government"])

    with translation.override("ru"):
        reasons = suggest_experts(thread=thread, community=community)[0].reasons

    assert reasons == [
        "[ru] cluster “E-government” serves this community",
        "[ru] cluster “E-government”: digital government",
        "[ru] expertise: digital government",
        "[ru] works in Мьянма",
    ]
