"""The notifications page says how long ago each notification came, as a sentence: "13 minutes ago", in the
reader's language, not a bare "13 minutes"."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from communities.models import Notification
from tests.factories import MemberFactory
from tests.support.marked_translations import marked, marked_translations

pytestmark = pytest.mark.django_db


def notifications_page(client, language: str) -> str:
    member = MemberFactory()
    Notification.objects.create(
        recipient=member, kind=Notification.Kind.MENTION, text="Mentioned in a discussion", url="/",
        created_at=timezone.now() - timedelta(minutes=13, seconds=20),
    )  # fmt: skip
    client.force_login(member)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(reverse("notifications")).content.decode()


@pytest.mark.parametrize(
    ("language", "ago"),
    [
        ("en", "13\xa0minutes ago"),
        ("ru", "13\xa0минут назад"),
    ],
)
def test_each_notification_says_how_long_ago_it_came(client, language, ago):
    html = notifications_page(client, language)

    assert f'<html lang="{language}"' in html
    assert f">{ago}</time>" in html


def test_the_whole_phrase_is_for_translators_to_word(client, monkeypatch):
    # Burmese puts "ago" where its grammar wants it: the translation places the time, not the template.
    marked_translations(monkeypatch)

    html = notifications_page(client, "my")

    time_since = marked("13\xa0minutes")
    assert f">{marked(f'{time_since} ago')}</time>" in html


def test_a_leader_sees_how_long_ago_each_request_to_join_came(client):
    from communities.models import Community, Membership
    from communities.services import community_join
    from tests.communities.factories import CommunityFactory, MembershipFactory

    community = CommunityFactory(visibility=Community.Visibility.REQUEST)
    leader = MembershipFactory(community=community, role=Membership.Role.LEADER).member
    request = community_join(member=MemberFactory(organization="Ministry of Finance"), community=community)
    Membership.objects.filter(pk=request.pk).update(requested_at=timezone.now() - timedelta(hours=2, seconds=20))
    client.force_login(leader)

    html = client.get(reverse("communities:members", args=[community.slug])).content.decode()

    assert "Ministry of Finance · <time" in html and "2\xa0hours ago</time>" in html
