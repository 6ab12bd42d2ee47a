"""A thread page's posts are rendered once and then read from the cache (communities/post_cards.py): the cached
cards must never show anything stale, nor anything the viewer may not read."""

import pytest

from communities import services
from communities.models import Membership
from tests.experts.factories import MemberExpertFactory, ReferralFactory
from tests.factories import MemberFactory

from .factories import CommunityFactory, PostFactory, ThreadFactory, member_of

pytestmark = pytest.mark.django_db

CARD_TEMPLATE = "communities/includes/post_card.html"


@pytest.fixture
def community():
    return CommunityFactory(name="Public finance", slug="public-finance")


@pytest.fixture
def thread(community):
    return ThreadFactory(community=community, title="Participatory budgeting", opening_post__body="Who has tried it?")


@pytest.fixture
def reader(client, community):
    member = member_of(community)
    client.force_login(member)
    return member


def page(client, thread, **params) -> str:
    response = client.get(thread.get_absolute_url(), params)
    assert response.status_code == 200
    return response.content.decode()


def cards_rendered(client, thread) -> int:
    response = client.get(thread.get_absolute_url())
    return sum(template.name == CARD_TEMPLATE for template in response.templates)


def test_cards_are_rendered_once_then_read_from_the_cache(client, thread, reader):
    PostFactory(thread=thread, body="A reply")
    assert cards_rendered(client, thread) == 2
    assert cards_rendered(client, thread) == 0
    assert "A reply" in page(client, thread)


def test_without_the_cache_cards_are_rendered_each_time(client, thread, reader, without_card_cache):
    assert cards_rendered(client, thread) == 1
    assert cards_rendered(client, thread) == 1
    assert "Who has tried it?" in page(client, thread)


def test_a_card_shows_every_change_at_once(client, community, thread, reader):
    author = thread.author
    quoted = PostFactory(thread=thread, body="Citizens chose the projects", author=member_of(community))
    reply = PostFactory(thread=thread, body="Which ones?", quoted=quoted, author=author)
    before = page(client, thread)
    assert "Which ones?" in before and "In reply to" in before and author.display_name in before

    services.post_edit(post=reply, editor=author, body="Which projects won?")
    after_edit = page(client, thread)
    assert "Which projects won?" in after_edit and "Which ones?" not in after_edit
    assert ">edited<" in after_edit

    services.post_toggle_helpful(post=reply, member=reader, community=community)
    assert "1 found this helpful" in page(client, thread)

    author.full_name = "Renamed Author"
    author.save()
    assert "Renamed Author" in page(client, thread)

    services.post_set_hidden(post=quoted, actor=reader, hidden=True)
    assert "In reply to" not in page(client, thread)

    author.is_active = False
    author.save()
    assert "Renamed Author" not in page(client, thread)
    assert "Former member" in page(client, thread)


def test_a_card_is_shown_in_the_viewers_language(client, thread, reader):
    PostFactory(thread=thread, body="A reply", edited_at=thread.created_at)
    assert ">edited<" in page(client, thread)
    client.cookies["django_language"] = "ru"
    assert ">изменено<" in page(client, thread)


def test_an_expert_answer_is_marked_once_the_expert_is_asked(client, community, thread, reader):
    expert = MemberExpertFactory()
    answer = PostFactory(thread=thread, body="Start with a small budget", author=expert.member)
    assert "Expert answer" not in page(client, thread)
    ReferralFactory(thread=thread, expert=expert)
    content = page(client, thread)
    assert "Expert answer" in content and answer.body in content


@pytest.mark.parametrize(
    "viewer, reads_it",
    [("author", True), ("moderator", True), ("member", False)],
)
def test_a_hidden_post_is_read_by_its_author_and_moderators_only(client, community, thread, viewer, reads_it):
    author = member_of(community)
    users = {
        "author": author,
        "moderator": member_of(community, role=Membership.Role.MODERATOR),
        "member": member_of(community),
    }
    PostFactory(thread=thread, author=author, body="Off-topic advert", is_hidden=True, hidden_reason="Spam")
    # Another viewer's card first: what one viewer may read must not reach another through the cache.
    for other in users.values():
        client.force_login(other)
        page(client, thread)
    client.force_login(users[viewer])
    content = page(client, thread)
    assert ("Off-topic advert" in content) is reads_it
    assert ("Spam" in content) is reads_it
    assert ("hidden while moderators review it" in content) is not reads_it


def test_a_card_is_shown_in_the_viewers_time_zone(client, thread, reader):
    reader.time_zone = "Asia/Yangon"
    reader.save()
    assert "+06:30" in page(client, thread)
    reader.time_zone = "Europe/London"
    reader.save()
    content = page(client, thread)
    assert "+06:30" not in content


def test_a_new_release_renders_cards_again(client, thread, reader, monkeypatch):
    # New translations, date formats or Django: cards cached before are not served (communities/post_cards.py).
    assert cards_rendered(client, thread) == 1
    assert cards_rendered(client, thread) == 0
    monkeypatch.setattr("cop_platform.cards.release_digest", lambda template_name: "next-release")
    assert cards_rendered(client, thread) == 1


def test_a_card_escapes_what_members_typed(client, community, thread):
    author = member_of(community, member__full_name="<b>Bold</b> Name")
    PostFactory(thread=thread, author=author, body="Spam", is_hidden=True, hidden_reason="<i>advert</i>")
    client.force_login(member_of(community, role=Membership.Role.MODERATOR))
    content = page(client, thread)
    assert "&lt;b&gt;Bold&lt;/b&gt; Name" in content and "<b>Bold</b>" not in content
    assert "&lt;i&gt;advert&lt;/i&gt;" in content and "<i>advert</i>" not in content


def test_a_deleted_authors_post_and_a_deleted_quote(client, community, thread, reader):
    quoted = PostFactory(thread=thread, body="Since removed", author=None)
    PostFactory(thread=thread, body="Replying to it", quoted=quoted)
    content = page(client, thread)
    assert "Former member" in content and "In reply to former member" in content
    quoted.delete()
    content = page(client, thread)
    assert "Replying to it" in content and "In reply to" not in content


def test_a_reply_leaves_out_its_quote_of_a_post_hidden_since(client, community, thread, reader):
    """The hidden post's words stayed in the reply that quoted it, for every reader to see."""
    from communities import markdown

    author = member_of(community)
    quoted = services.post_reply(thread=thread, author=author, body="Call 555-0199 now", shown_in=community)
    services.post_reply(
        thread=thread, author=author, body=markdown.quote(quoted.body) + "I agree.", shown_in=community, quoted=quoted
    )
    assert "555-0199" in page(client, thread).split("I agree.")[0].rsplit("post-body", 1)[1]

    services.post_set_hidden(post=quoted, actor=MemberFactory(is_staff=True), hidden=True)

    shown = page(client, thread)
    assert "555-0199" not in shown
    assert "I agree." in shown
    assert "The post this replies to was hidden by a moderator, and its quote with it." in shown


@pytest.mark.parametrize(
    ("html", "quoted", "left"),
    [
        (
            "<blockquote><p>a</p><blockquote><p>b</p></blockquote></blockquote>\n<p>mine</p>",
            "<p>a</p>\n<blockquote>\n<p>b</p>\n</blockquote>",
            "<p>mine</p>",
        ),
        ("<p>mine</p><blockquote><p>a</p></blockquote>", "<p>a</p>", "<p>mine</p><blockquote><p>a</p></blockquote>"),
        ("<blockquote><p>only the quote</p></blockquote>", "<p>only the quote</p>", ""),
    ],
)
def test_the_leading_quote_is_the_one_left_out(html, quoted, left):
    from communities.markdown import leading_quote_removed

    assert leading_quote_removed(html, quoted) == left
