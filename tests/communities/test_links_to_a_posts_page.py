"""Pages about one post link back to the page of its thread that shows it: long threads are paginated, and a link
without the page led to page 1, where the post is not."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities import services
from communities.models import Membership, Report
from communities.selectors import POSTS_PER_PAGE
from tests.support.pages import queries_for

from .factories import CommunityFactory, PostFactory, ThreadFactory, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return CommunityFactory()


@pytest.fixture
def moderator(community):
    return member_of(community, Membership.Role.MODERATOR)


def _post_on_page_2(community, **fields):
    thread = ThreadFactory(community=community)
    PostFactory.create_batch(POSTS_PER_PAGE - 1, thread=thread)  # with the opening post, page 1 is full
    return PostFactory(thread=thread, **fields)


def _on_page_2(post) -> str:
    return f'href="{post.thread.get_absolute_url()}?page=2#post-{post.pk}"'


def _reported(post, times=1):
    for _ in range(times):
        services.post_report(post=post, reporter=member_of(post.thread.community), reason=Report.Reason.SPAM)


def test_the_cancel_link_of_the_edit_form_leads_to_the_posts_page(client, community):
    author = member_of(community)
    post = _post_on_page_2(community, author=author)
    client.force_login(author)

    page = client.get(reverse("communities:post_edit", args=[community.slug, post.pk])).content.decode()

    assert _on_page_2(post) in page


def test_the_cancel_link_of_the_report_form_leads_to_the_posts_page(client, community):
    post = _post_on_page_2(community)
    client.force_login(member_of(community))

    page = client.get(reverse("communities:post_report", args=[community.slug, post.pk])).content.decode()

    assert _on_page_2(post) in page


def test_the_moderation_queue_links_each_post_to_its_page(client, community, moderator):
    late = _post_on_page_2(community)
    early = PostFactory(thread=ThreadFactory(community=community))
    for post in (late, early):
        _reported(post)
    client.force_login(moderator)

    page = client.get(reverse("communities:moderation", args=[community.slug])).content.decode()

    assert _on_page_2(late) in page
    assert f'href="{early.thread.get_absolute_url()}#post-{early.pk}"' in page


def test_the_moderation_queue_counts_the_posts_pages_in_its_own_query(client, community, moderator):
    _reported(_post_on_page_2(community))
    client.force_login(moderator)
    url = reverse("communities:moderation", args=[community.slug])
    few = queries_for(client, url)
    for _ in range(4):
        _reported(_post_on_page_2(community), times=2)

    assert queries_for(client, url) == few


def _page_counts(queries) -> list[str]:
    """The queries that count the posts shown before one (selectors.post_page_number's)."""
    return [q["sql"] for q in queries if re.match(r'SELECT COUNT\(\*\) AS "__count" FROM "communities_post"', q["sql"])]


def test_a_moderators_edit_counts_the_posts_page_once_for_the_notice_and_the_redirect(client, community, moderator):
    post = _post_on_page_2(community, author=member_of(community))
    client.force_login(moderator)

    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("communities:post_edit", args=[community.slug, post.pk]),
            {"body": "Contact details removed by a moderator.", "based_on": post.text_version()},
        )

    assert response.url == f"{post.thread.get_absolute_url()}?page=2#post-{post.pk}"
    notice = post.author.notifications.get()
    assert notice.url == response.url
    assert len(_page_counts(queries)) == 1


def test_a_reply_links_to_the_post_it_quotes_on_another_page_through_the_threads_page(client, community):
    """ "See the post" was `#post-N` alone: from page 2, a quoted post on page 1 was nowhere to be found."""
    post = _post_on_page_2(community)  # page 1 holds the first twenty
    thread = post.thread
    quoted_on_1 = thread.posts.order_by("created_at", "pk").first()
    reply = PostFactory(thread=thread, quoted=quoted_on_1)  # page 2, with `post`
    answer = PostFactory(thread=thread, quoted=post)  # page 2 too
    reader = member_of(community)
    client.force_login(reader)

    page = client.get(thread.get_absolute_url() + "?page=2").content.decode()

    link = f"{thread.get_absolute_url()}?post={quoted_on_1.pk}"
    assert f'href="{link}"' in page and f'href="#post-{post.pk}"' in page  # the one on this page: its anchor
    assert reply.pk and answer.pk
    response = client.get(link)
    assert response.status_code == 302 and response.url == f"{thread.get_absolute_url()}#post-{quoted_on_1.pk}"


def test_a_post_of_another_thread_leads_nowhere_from_this_one(client, community):
    thread, elsewhere = ThreadFactory(community=community), PostFactory(thread=ThreadFactory(community=community))
    client.force_login(member_of(community))

    response = client.get(f"{thread.get_absolute_url()}?post={elsewhere.pk}")

    assert response.status_code == 200  # the thread's own page, not the other thread's
