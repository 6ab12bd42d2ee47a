"""A reply's quote of a post a moderator has hidden since: left out of the page, the search and the export, and
only that quote (communities.markdown.leading_quote_removed / leading_quote_dropped, Post.body_as_shown)."""

import json
import zipfile

import pytest
from django.db import connection

from communities import markdown, services
from communities.models import Membership, Post, Report
from communities.selectors import posts_matching
from members import privacy
from tests.factories import MemberFactory

from .factories import CommunityFactory, ThreadFactory, member_of

pytestmark = pytest.mark.django_db

SECRET = "Call zanzibarite on 555-0199 now"


@pytest.fixture
def community():
    return CommunityFactory(name="Public finance", slug="public-finance")


@pytest.fixture
def thread(community):
    return ThreadFactory(community=community, title="Participatory budgeting", opening_post__body="Who has tried it?")


@pytest.fixture
def author(community):
    return member_of(community, member__full_name="Quoting Quyen")


@pytest.fixture
def hidden(community, thread):
    return services.post_reply(thread=thread, author=member_of(community), body=SECRET, shown_in=community)


def _reply(thread, author, community, body, quoted):
    return services.post_reply(thread=thread, author=author, body=body, shown_in=community, quoted=quoted)


def _hide(post, hidden=True):
    services.post_set_hidden(post=post, actor=MemberFactory(is_staff=True), hidden=hidden)


def _page(client, community, thread) -> str:
    client.force_login(member_of(community))
    response = client.get(thread.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


# --- The page ------------------------------------------------------------------------------------------------


def test_a_quote_the_author_wrote_in_place_of_the_hidden_posts_stays_on_the_page(
    client, community, thread, author, hidden
):
    """Any leading quote was dropped: the author had replaced the hidden post's quote with a quote of a report."""
    _reply(thread, author, community, "> The audit office found 12 late payments.\n\nThis is why I ask.", hidden)
    _hide(hidden)

    shown = _page(client, community, thread)

    assert "The audit office found 12 late payments." in shown
    assert "This is why I ask." in shown
    assert "555-0199" not in shown
    assert "and its quote with it" not in shown  # nothing of it was there to leave out


def test_the_hidden_posts_quote_trimmed_by_its_author_is_still_left_out(client, community, thread, author, hidden):
    _reply(thread, author, community, "> on 555-0199\n\nReally?", hidden)
    _hide(hidden)

    shown = _page(client, community, thread)

    assert "555-0199" not in shown and "Really?" in shown
    assert "and its quote with it" in shown


def test_the_hidden_posts_quote_is_left_out_though_its_author_edited_it_after_it_was_quoted(
    client, community, thread, author, hidden
):
    """A typo mended after the quote was made: the quote's words were no longer the post's, and the words the
    moderator hid stayed readable, and searchable, in the reply."""
    reply = _reply(thread, author, community, markdown.quote(hidden.body) + "Thanks!", hidden)
    services.post_edit(post=hidden, editor=hidden.author, body="Call zanzibarite on 555-0199 today, please")
    _hide(hidden)

    shown = _page(client, community, thread)

    assert "555-0199" not in shown and "Thanks!" in shown
    reply.refresh_from_db()
    assert reply.search_text == "Thanks!"


@pytest.mark.parametrize(
    ("html", "quoted", "left"),
    [
        ("<blockquote><p>Someone else said so.</p></blockquote><p>mine</p>", "<p>Call me now</p>", None),
        ("<blockquote><p>Call me<br>\nnow</p></blockquote>\n<p>mine</p>", "<p>Call me now</p>", "<p>mine</p>"),
        ("<blockquote><p>me</p></blockquote><p>mine</p>", "<p>Call <strong>me</strong> now</p>", "<p>mine</p>"),
        ("<blockquote></blockquote><p>mine</p>", "<p>Call me now</p>", None),  # no words: none of the post's
    ],
)
def test_only_a_quote_of_the_hidden_posts_words_is_removed(html, quoted, left):
    assert markdown.leading_quote_removed(html, quoted) == (html if left is None else left)


@pytest.mark.parametrize(
    ("text", "quoted", "left"),
    [
        ("> Someone else said so.\n\nmine", "Call me now", None),
        ("> Call me\n> now\n\nmine", "Call me now", "mine"),
        ("> > an older quote\n> Call me now\n\nmine", "> an older quote\nCall me now", "mine"),
    ],
)
def test_only_a_quote_of_the_hidden_posts_text_is_dropped(text, quoted, left):
    assert markdown.leading_quote_dropped(text, quoted) == (text if left is None else left)


# --- The search ----------------------------------------------------------------------------------------------


def _found(word: str) -> set[int]:
    return set(posts_matching(word).values_list("pk", flat=True))


def test_hiding_a_post_takes_its_words_out_of_the_search_of_the_replies_that_quote_it(
    community, thread, author, hidden
):
    reply = _reply(thread, author, community, markdown.quote(hidden.body) + "I agree with the budget office.", hidden)
    assert _found("zanzibarite") == {hidden.pk, reply.pk}

    _hide(hidden)

    assert _found("zanzibarite") == set()
    assert _found("office") == {reply.pk}  # the reply's own words are still found

    _hide(hidden, hidden=False)

    assert _found("zanzibarite") == {hidden.pk, reply.pk}


def test_a_post_hidden_by_reports_or_their_review_is_left_out_of_the_replies_search_too(
    community, thread, author, hidden
):
    reply = _reply(thread, author, community, markdown.quote(hidden.body) + "Agreed.", hidden)
    for _ in range(services.REPORTS_TO_AUTO_HIDE):
        services.post_report(post=hidden, reporter=member_of(community), reason=Report.Reason.PRIVACY)
    assert _found("zanzibarite") == set()

    services.reports_review(post=hidden, actor=MemberFactory(is_staff=True), uphold=False)  # shown again
    assert _found("zanzibarite") == {hidden.pk, reply.pk}


def test_a_reply_edited_or_posted_while_its_quoted_post_is_hidden_is_searched_without_the_quote(
    community, thread, author, hidden
):
    _hide(hidden)
    # A reply form kept from before the post was hidden.
    reply = _reply(thread, author, community, markdown.quote(hidden.body) + "Agreed.", hidden)
    assert _found("zanzibarite") == set()

    services.post_edit(post=reply, editor=author, body=markdown.quote(hidden.body) + "Agreed, and more.")
    assert _found("zanzibarite") == set()
    assert Post.objects.get(pk=reply.pk).search_text == "Agreed, and more."


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the stored document is PostgreSQL's")
def test_the_stored_search_document_is_made_from_the_searched_text(community, thread, author, hidden):
    reply = _reply(thread, author, community, markdown.quote(hidden.body) + "Agreed.", hidden)
    _hide(hidden)
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_document::text FROM communities_post WHERE id = %s", [reply.pk])
        (document,) = cursor.fetchone()
    assert "agreed" in document and "zanzibarite" not in document


# --- The export ----------------------------------------------------------------------------------------------


def test_the_authors_export_leaves_out_the_quote_of_a_post_hidden_since(tmp_path, community, thread, author, hidden):
    _reply(thread, author, community, markdown.quote(hidden.body) + "I agree.", hidden)
    _reply(thread, author, community, "> A quote of my own\n\nAnd mine.", hidden)
    _hide(hidden)
    path = tmp_path / "export.zip"

    privacy.export_build_zip(author, path)

    posts = json.loads(zipfile.ZipFile(path).read("posts.json"))
    bodies = [post["body"] for post in posts]
    assert bodies == ["I agree.", "> A quote of my own\n\nAnd mine."]
    assert all(post["thread_title"] == "Participatory budgeting" for post in posts)


def test_the_hidden_posts_own_author_still_exports_it(tmp_path, community, thread, hidden):
    _hide(hidden)
    path = tmp_path / "export.zip"

    privacy.export_build_zip(hidden.author, path)

    assert [post["body"] for post in json.loads(zipfile.ZipFile(path).read("posts.json"))] == [SECRET]


def test_a_moderator_still_sees_the_hidden_post_itself(client, community, thread, author, hidden):
    _hide(hidden)
    client.force_login(member_of(community, role=Membership.Role.MODERATOR))
    assert "555-0199" in client.get(thread.get_absolute_url()).content.decode()
