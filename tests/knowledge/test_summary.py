"""'Summarize this discussion': a leader turns a thread into a draft e-discussion summary, pre-filled with the
question, the participants and the most helpful replies, linked to the thread and the community."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from communities.models import Membership
from communities.services import DOUBLE_SUBMIT_WINDOW
from knowledge import services
from knowledge.models import KnowledgeProduct
from tests.communities.factories import CommunityFactory, PostFactory, ThreadFactory, member_of
from tests.factories import MemberFactory
from tests.support.gettext_extraction import extracted_msgids

from .factories import KnowledgeProductFactory

pytestmark = pytest.mark.django_db

Role = Membership.Role


@pytest.fixture
def community():
    community = CommunityFactory(name="Service delivery in crisis", slug="crisis", countries=["MM", "PH"])
    community.themes.add("crisis response", "continuity")
    return community


@pytest.fixture
def leader(community):
    return member_of(community, role=Role.LEADER, member__full_name="Lead Person")


@pytest.fixture
def thread(community):
    asker = member_of(community, member__full_name="Asking Aung")
    thread = ThreadFactory(
        community=community, author=asker, title="Keeping offices open in floods",
        opening_post__body="How do you keep **registration offices** open when the roads flood?",
    )  # fmt: skip
    replies = [
        ("Bwe Htoo", 6, "Move the counters to a school on higher ground.\nTell people by radio."),
        ("Chit Su", 5, "Mobile teams on boats reached the villages."),
        ("Daw Mya", 4, "Keep paper forms ready for power cuts."),
        ("Ei Phyu", 3, "Agree the plan with the district before the season."),
        ("Hla Win", 2, "Pay overtime so staff can stay."),
        ("Khin Lay", 0, "Thanks, very useful thread."),
    ]
    for name, helpful, body in replies:
        PostFactory(thread=thread, author=MemberFactory(full_name=name), helpful_count=helpful, body=body)
    PostFactory(
        thread=thread, author=MemberFactory(full_name="Troll Tun"), helpful_count=50, is_hidden=True,
        body="Secret rumour that must never be quoted.",
    )  # fmt: skip
    return thread


def _summarize(client, thread, community=None):
    return client.post(reverse("knowledge:summarize", args=[(community or thread.community).slug, thread.pk]))


def test_it_prefills_a_draft_summary_from_the_thread(client, leader, thread, community):
    client.force_login(leader)

    response = _summarize(client, thread)

    product = KnowledgeProduct.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("knowledge:edit", args=[product.slug])
    assert product.type == KnowledgeProduct.Type.DISCUSSION_SUMMARY
    assert product.status == KnowledgeProduct.Status.DRAFT
    assert "Keeping offices open in floods" in product.title
    assert list(product.source_threads.all()) == [thread]
    assert list(product.communities.all()) == [community]
    assert list(product.authors.all()) == [leader]
    assert product.created_by == leader
    assert sorted(product.tags.names()) == ["continuity", "crisis response"]
    assert [str(c) for c in product.countries] == ["MM", "PH"]
    assert "How do you keep **registration offices** open when the roads flood?" in product.body
    assert "<strong>registration offices</strong>" in product.body_html
    assert "Service delivery in crisis" in product.summary


def test_it_names_every_participant_and_quotes_the_most_helpful_replies(client, leader, thread):
    client.force_login(leader)

    _summarize(client, thread)

    body = KnowledgeProduct.objects.get().body
    for name in ("Asking Aung", "Bwe Htoo", "Chit Su", "Daw Mya", "Ei Phyu", "Hla Win", "Khin Lay"):
        assert name in body
    assert "> Move the counters to a school on higher ground.\n> Tell people by radio.\n> — Bwe Htoo" in body
    quoted = [line for line in body.splitlines() if line.startswith("> — ")]
    assert quoted == ["> — Bwe Htoo", "> — Chit Su", "> — Daw Mya", "> — Ei Phyu", "> — Hla Win"]
    assert "Thanks, very useful thread." not in body  # the least helpful reply is left out
    assert "<blockquote>" in KnowledgeProduct.objects.get().body_html


def test_it_never_quotes_a_hidden_post_or_names_its_author(client, leader, thread):
    client.force_login(leader)

    _summarize(client, thread)

    product = KnowledgeProduct.objects.get()
    assert "Secret rumour" not in product.body
    assert "Troll Tun" not in product.body
    assert "7 participants" in product.summary


def test_it_leaves_out_a_replys_quote_of_a_hidden_post(client, leader, thread):
    """The reply kept the hidden post's words in its quote, and the draft copied them."""
    from communities.markdown import quote

    hidden = thread.posts.get(is_hidden=True)
    PostFactory(
        thread=thread, author=MemberFactory(full_name="Zaw Quoter"), helpful_count=40, quoted=hidden,
        body=quote(hidden.body) + "I heard that too.",
    )  # fmt: skip
    client.force_login(leader)

    _summarize(client, thread)

    body = KnowledgeProduct.objects.get().body
    assert "> I heard that too.\n> — Zaw Quoter" in body
    assert "Secret rumour" not in body


@pytest.mark.parametrize(
    ("text", "quoted", "left"),
    [
        ("> a\n>\n> b\n\nmine\n> later", "a\n\nb", "mine\n> later"),
        ("mine\n> a", "a", "mine\n> a"),
        ("> only", "only", ""),
    ],
)
def test_the_leading_quote_is_the_one_dropped(text, quoted, left):
    from communities.markdown import leading_quote_dropped

    assert leading_quote_dropped(text, quoted) == left


def test_the_leader_can_open_the_prefilled_form(client, leader, thread):
    client.force_login(leader)

    response = _summarize(client, thread)
    form_page = client.get(response.url)

    assert form_page.status_code == 200
    assert "Summary: Keeping offices open in floods" in form_page.content.decode()


def test_a_coordinator_may_summarize_any_discussion(client, coordinator, thread):
    client.force_login(coordinator)

    assert _summarize(client, thread).status_code == 302

    assert list(KnowledgeProduct.objects.get().authors.all()) == [coordinator]


@pytest.mark.parametrize("role", [Role.MEMBER, Role.MODERATOR])
def test_members_and_moderators_may_not_summarize(client, community, thread, role):
    client.force_login(member_of(community, role=role))

    assert _summarize(client, thread).status_code == 404

    assert not KnowledgeProduct.objects.exists()


def test_a_leader_of_another_community_may_not_summarize(client, thread):
    elsewhere = CommunityFactory()
    client.force_login(member_of(elsewhere, role=Role.LEADER))

    assert _summarize(client, thread).status_code == 404
    assert _summarize(client, thread, community=elsewhere).status_code == 404
    assert not KnowledgeProduct.objects.exists()


def test_it_summarizes_only_on_post_and_for_signed_in_leaders(client, leader, thread):
    url = reverse("knowledge:summarize", args=[thread.community.slug, thread.pk])

    assert client.post(url).url.startswith(reverse("account_login"))
    client.force_login(leader)
    assert client.get(url).status_code == 405
    assert not KnowledgeProduct.objects.exists()


def test_it_gives_each_summary_of_the_same_thread_its_own_address(client, leader, thread):
    client.force_login(leader)

    _summarize(client, thread)
    KnowledgeProduct.objects.update(created_at=timezone.now() - DOUBLE_SUBMIT_WINDOW)  # not a double click
    _summarize(client, thread)

    assert len({p.slug for p in KnowledgeProduct.objects.all()}) == 2


def test_a_second_click_on_summarize_leads_to_the_first_draft(client, leader, thread):
    """Before, each click made a draft summary: a double click left two."""
    client.force_login(leader)

    first = _summarize(client, thread)
    second = _summarize(client, thread)

    product = KnowledgeProduct.objects.get()
    assert first.url == second.url == reverse("knowledge:edit", args=[product.slug])


def test_another_leaders_summary_of_the_same_thread_is_their_own(client, leader, thread, community):
    client.force_login(leader)
    _summarize(client, thread)
    client.force_login(member_of(community, role=Role.LEADER))

    _summarize(client, thread)

    assert KnowledgeProduct.objects.count() == 2


SUMMARY_HEADINGS = ["The question", "Participants", "Key contributions", "What we learned"]


def test_the_summarys_headings_are_strings_the_translators_are_given():
    """Before, each heading was a gettext call inside an f-string, which makemessages never finds: no catalog had
    them, and a Russian or Burmese coordinator's summary was headed in English."""
    assert set(SUMMARY_HEADINGS) <= extracted_msgids("knowledge/services.py")


def test_the_summarys_headings_are_in_the_language_of_the_page_it_was_asked_from(client, leader, thread, monkeypatch):
    """The catalogs are filled by the translators (locale/ is theirs): a stand-in gettext marks each string with the
    language active when it is translated."""
    monkeypatch.setattr(services, "_", lambda message: f"[{translation.get_language()}] {message}")
    client.force_login(leader)

    client.post(reverse("knowledge:summarize", args=[thread.community.slug, thread.pk]), HTTP_ACCEPT_LANGUAGE="ru")

    headings = [line for line in KnowledgeProduct.objects.get().body.splitlines() if line.startswith("## ")]
    assert headings == [f"## [ru] {heading}" for heading in SUMMARY_HEADINGS]


def test_a_summary_of_a_private_discussion_stays_in_the_private_community(client):
    private = CommunityFactory(visibility="private")
    leader = member_of(private, role=Role.LEADER)
    thread = ThreadFactory(community=private)
    client.force_login(leader)
    _summarize(client, thread)
    product = KnowledgeProduct.objects.get()
    client.post(reverse("knowledge:transition", args=[product.slug, "submit"]))
    product.status = KnowledgeProduct.Status.PUBLISHED
    product.save()

    client.force_login(MemberFactory())
    assert client.get(product.get_absolute_url()).status_code == 404
    client.force_login(member_of(private))
    assert client.get(product.get_absolute_url()).status_code == 200


def test_it_links_the_source_discussion_only_for_readers_of_it(client, community):
    private = CommunityFactory(visibility="private")
    open_thread = ThreadFactory(community=community, title="Open source discussion")
    private_thread = ThreadFactory(community=private, title="Private source discussion")
    product = KnowledgeProductFactory(communities=[community], source_threads=[open_thread, private_thread])

    client.force_login(MemberFactory())
    page = client.get(product.get_absolute_url()).content.decode()
    assert "Open source discussion" in page
    assert "Private source discussion" not in page
    client.force_login(member_of(private))
    assert "Private source discussion" in client.get(product.get_absolute_url()).content.decode()
