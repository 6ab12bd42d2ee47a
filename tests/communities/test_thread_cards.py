"""A community's thread list rows are rendered once and then read from the cache (communities/thread_cards.py):
a cached row never shows anything stale, and its time ago is filled in on every request."""

from datetime import timedelta

import pytest
from django.utils import timezone

from communities.models import Community, Membership, Thread
from communities.thread_cards import SINCE_SLOT
from cop_platform.page_cache import minute_start
from members.privacy import account_delete
from tests.factories import MemberFactory

from .factories import CommunityFactory, MembershipFactory, ThreadFactory, member_of

pytestmark = pytest.mark.django_db

ROW_TEMPLATE = "communities/includes/thread_row.html"


@pytest.fixture
def community():
    return CommunityFactory(name="Budgeting")


@pytest.fixture
def member(client, community):
    member = member_of(community)
    client.force_login(member)
    return member


@pytest.fixture
def thread(community):
    return ThreadFactory(
        community=community, title="Citizens' budgets", author=MemberFactory(full_name="Hnin Wai"),
        # Three hours before this minute's start, which a time ago is counted from (cop_platform.page_cache).
        last_activity_at=minute_start() - timedelta(hours=3), reply_count=4,
    )  # fmt: skip


def rows(client, community, **params) -> str:
    response = client.get(community.get_absolute_url(), params)
    assert response.status_code == 200
    page = response.content.decode()
    return page[page.index("<tbody>") : page.index("</tbody>")] if "<tbody>" in page else ""


def rows_rendered(client, community) -> int:
    response = client.get(community.get_absolute_url())
    return sum(template.name == ROW_TEMPLATE for template in response.templates)


def test_rows_are_rendered_once_then_read_from_the_cache(client, member, community, thread):
    ThreadFactory(community=community, title="Procurement")
    assert rows_rendered(client, community) == 2
    assert rows_rendered(client, community) == 0

    listed = rows(client, community)
    assert "Citizens&#x27; budgets" in listed and "Procurement" in listed
    assert f'href="{thread.url_in(community)}"' in listed
    assert "by Hnin Wai" in listed and '<td class="numeric">4</td>' in listed


def test_without_the_cache_rows_are_rendered_each_time(client, member, community, thread, without_card_cache):
    assert rows_rendered(client, community) == 1
    assert rows_rendered(client, community) == 1


def test_the_time_ago_is_never_cached(client, member, community, thread, monkeypatch):
    stored = {}
    monkeypatch.setattr("cop_platform.cards.cache.set_many", lambda data, timeout: stored.update(data))

    listed = rows(client, community)

    assert "3\xa0hours" in listed and SINCE_SLOT not in listed
    (row,) = [html for key, html in stored.items() if key.startswith("thread-row-card:")]
    assert SINCE_SLOT in row and "hours" not in row


def test_a_row_shows_every_change_at_once(client, member, community, thread):
    assert "Pinned" not in rows(client, community)

    Thread.objects.filter(pk=thread.pk).update(
        title="Open budgets", is_pinned=True, is_locked=True, reply_count=5, last_activity_at=timezone.now()
    )
    listed = rows(client, community)
    assert "Open budgets" in listed and ">Pinned</span>" in listed and ">Locked</span>" in listed
    assert '<td class="numeric">5</td>' in listed and "0\xa0minutes" in listed

    thread.author.full_name = "Hnin Wai Aung"
    thread.author.save()
    assert "by Hnin Wai Aung" in rows(client, community)

    account_delete(member=thread.author)
    assert "by Hnin Wai Aung" not in rows(client, community)


def test_a_thread_without_an_author_is_by_a_former_member(client, member, community, thread):
    Thread.objects.filter(pk=thread.pk).update(author=None)

    assert "by former member" in rows(client, community)


def test_a_deactivated_authors_name_is_shown_nowhere_in_a_discussion(client, member, community, thread):
    """Their profile is not found and their posts say "Former member": the thread's row, a quote of their post
    and their initials said who it was."""
    from .factories import PostFactory

    opening = PostFactory(thread=thread, author=thread.author, body="First")
    PostFactory(thread=thread, author=member, body="Quoting", quoted=opening)
    type(thread.author).objects.filter(pk=thread.author_id).update(is_active=False)

    page = client.get(thread.get_absolute_url()).content.decode()

    assert "by former member" in rows(client, community)
    assert "Hnin Wai" not in page and ">HW<" not in page
    assert "In reply to former member" in page


def test_an_inter_practice_thread_names_its_home_only_to_who_may_know_it(client, member, community):
    secret = CommunityFactory(name="Secret cell", visibility=Community.Visibility.PRIVATE)
    linked = ThreadFactory(community=secret, title="Shared question")
    linked.linked_communities.add(community)

    listed = rows(client, community)
    assert "Shared question" in listed and ">Inter-practice</span>" in listed and "Secret cell" not in listed

    # Another member of both: the same thread, another row (the home community is one of its values).
    insider = member_of(community)
    MembershipFactory(member=insider, community=secret)
    client.force_login(insider)
    assert "Inter-practice · from Secret cell" in rows(client, community)
    client.force_login(member)
    assert "Secret cell" not in rows(client, community)

    Community.objects.filter(pk=secret.pk).update(name="Open cell")  # the home community renamed
    client.force_login(insider)
    assert "Inter-practice · from Open cell" in rows(client, community)


def test_a_hidden_thread_is_listed_with_its_badge_to_moderators_only(client, member, community, thread):
    Thread.objects.filter(pk=thread.pk).update(is_hidden=True)
    assert "Citizens" not in rows(client, community)

    client.force_login(member_of(community, role=Membership.Role.MODERATOR))
    listed = rows(client, community)
    assert "Citizens" in listed and ">Hidden</span>" in listed


def test_a_row_is_in_the_viewers_language_and_time_zone(client, member, community, thread):
    Thread.objects.filter(pk=thread.pk).update(is_pinned=True)
    assert "+00:00" in rows(client, community)  # UTC first: the row is then in the cache
    member.time_zone = "Asia/Yangon"
    member.save()
    listed = rows(client, community)
    assert "+06:30" in listed and "+00:00" not in listed and "3\xa0hours" in listed

    client.cookies["django_language"] = "ru"
    listed = rows(client, community)
    assert "3\xa0часа" in listed and ">Pinned<" not in listed and "Hnin Wai" in listed


def test_titles_are_escaped_and_cannot_take_the_time(client, member, community):
    ThreadFactory(community=community, title=f"<script>alert(1)</script> {SINCE_SLOT}")

    listed = rows(client, community)

    assert "<script>alert(1)</script>" not in listed and "&lt;script&gt;alert(1)&lt;/script&gt;" in listed
    assert "&lt;!--since--&gt;" in listed and SINCE_SLOT not in listed
