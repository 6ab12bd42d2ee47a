"""A reply refused because the discussion was locked, or the member left the community, while they wrote it comes
back on the thread's page read-only, to copy: the page had no form then, and the text was gone."""

import pytest
from django.urls import reverse

from communities import services
from communities.models import Membership, Post, Thread

from .factories import CommunityFactory, ThreadFactory, member_of

pytestmark = pytest.mark.django_db
WRITTEN = "A long considered answer, with the budget figures from our ministry."


def _reply(client, thread):
    return client.post(reverse("communities:reply", args=[thread.community.slug, thread.pk]), {"body": WRITTEN})


def test_a_reply_to_a_thread_locked_meanwhile_is_shown_to_copy(client):
    community = CommunityFactory()
    thread = ThreadFactory(community=community)
    client.force_login(member_of(community))
    Thread.objects.filter(pk=thread.pk).update(is_locked=True)  # a moderator, while the member wrote

    response = _reply(client, thread)

    assert response.status_code == 409
    page = response.content.decode()
    assert "This discussion is locked" in page
    assert f'readonly rows="6" aria-label="What you wrote">{WRITTEN}</textarea>' in page
    assert not Post.objects.filter(body=WRITTEN).exists()


def test_a_reply_of_a_member_removed_meanwhile_is_shown_to_copy(client):
    community = CommunityFactory()
    leader = member_of(community, role=Membership.Role.LEADER)
    member = member_of(community)
    thread = ThreadFactory(community=community)
    client.force_login(member)
    services.membership_remove(membership=Membership.objects.get(member=member), actor=leader)

    response = _reply(client, thread)

    assert response.status_code == 409
    page = response.content.decode()
    assert "Your reply was not posted: join the community to reply." in page
    assert WRITTEN in page
    assert not Post.objects.filter(body=WRITTEN).exists()
