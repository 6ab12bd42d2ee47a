"""A notification names its discussion ("… replied in “<title>”"): once its recipient may no longer read the
discussion (hidden by a moderator, moved, or in a private community they left), it is deleted. The notifications
page showed the title of a thread its reader could no longer open."""

import pytest
from django.urls import reverse

from communities import services
from communities.models import Community, Membership, Notification

from .factories import CommunityFactory, ThreadFactory, member_of

pytestmark = pytest.mark.django_db


def _notified(member, thread, community=None) -> Notification:
    community = community or thread.community
    return Notification.objects.create(
        recipient=member, kind=Notification.Kind.REPLY, community=community,
        text=f"Someone replied in “{thread.title}”", url=thread.url_in(community) + "#post-1",
    )  # fmt: skip


def _listed(client, member) -> str:
    client.force_login(member)
    return client.get(reverse("notifications")).content.decode()


def test_a_thread_hidden_by_a_moderator_leaves_no_notification_naming_it_but_the_moderators(client):
    community = CommunityFactory()
    thread = ThreadFactory(community=community, title="Hushed doxxing title")
    follower = member_of(community)
    moderator = member_of(community, role=Membership.Role.MODERATOR)
    other = ThreadFactory(community=community, title="Another discussion")
    for member in (follower, moderator):
        _notified(member, thread)
    _notified(follower, other)

    services.thread_moderate(thread=thread, actor=moderator, action="hide")

    assert "Hushed doxxing title" not in _listed(client, follower)
    assert "Another discussion" in _listed(client, follower)
    assert "Hushed doxxing title" in _listed(client, moderator)


def test_leaving_a_private_community_leaves_no_notification_naming_its_threads():
    private = CommunityFactory(visibility=Community.Visibility.PRIVATE)
    open_community = CommunityFactory()
    member = member_of(private)
    Membership.objects.create(
        member=member, community=open_community, status=Membership.Status.ACTIVE, role=Membership.Role.MEMBER
    )
    kept = _notified(member, ThreadFactory(community=open_community))
    _notified(member, ThreadFactory(community=private))

    services.community_leave(member=member, community=private)
    services.community_leave(member=member, community=open_community)  # still readable: anyone may read it

    assert list(Notification.objects.filter(recipient=member)) == [kept]


def test_a_member_removed_from_a_private_community_keeps_no_notification_naming_its_threads():
    private = CommunityFactory(visibility=Community.Visibility.PRIVATE)
    membership = Membership.objects.get(member=member_of(private), community=private)
    _notified(membership.member, ThreadFactory(community=private))

    services.membership_remove(membership=membership, actor=member_of(private, role=Membership.Role.LEADER))

    assert not Notification.objects.filter(recipient=membership.member).exists()


def test_a_thread_moved_into_a_private_community_leaves_no_notification_naming_it():
    source, private = CommunityFactory(), CommunityFactory(visibility=Community.Visibility.PRIVATE)
    thread = ThreadFactory(community=source)
    outsider, insider = member_of(source), member_of(source)
    Membership.objects.create(
        member=insider, community=private, status=Membership.Status.ACTIVE, role=Membership.Role.MEMBER
    )
    _notified(outsider, thread)
    into_private = _notified(insider, thread, community=private)

    services.thread_move(thread=thread, actor=member_of(source, role=Membership.Role.LEADER), to=private)

    assert list(Notification.objects.all()) == [into_private]


def test_a_thread_moved_between_open_communities_keeps_its_notifications_leading_to_it(client):
    source, target = CommunityFactory(), CommunityFactory()
    thread = ThreadFactory(community=source)
    follower = member_of(source)
    notification = _notified(follower, thread)

    services.thread_move(thread=thread, actor=member_of(source, role=Membership.Role.LEADER), to=target)

    notification.refresh_from_db()
    assert (notification.url, notification.community) == (thread.url_in(target) + "#post-1", target)
    client.force_login(follower)
    assert client.get(notification.url.split("#")[0]).status_code == 200


@pytest.mark.parametrize("followers", [3, 30])
def test_hiding_a_thread_forgets_its_notifications_in_the_same_number_of_queries_however_many(
    followers, django_assert_num_queries
):
    """The thread page's question, asked per notification, was 308 queries for 100 followers."""
    community = CommunityFactory()
    thread = ThreadFactory(community=community)
    moderator = member_of(community, role=Membership.Role.MODERATOR)
    for _ in range(followers):
        _notified(member_of(community), thread)

    with django_assert_num_queries(7):
        services.thread_moderate(thread=thread, actor=moderator, action="hide")

    assert not Notification.objects.exists()


def test_leaving_an_open_community_asks_nothing_of_its_notifications(django_assert_max_num_queries):
    community = CommunityFactory()
    member = member_of(community)
    for _ in range(20):
        _notified(member, ThreadFactory(community=community))

    with django_assert_max_num_queries(12):
        services.community_leave(member=member, community=community)

    assert Notification.objects.filter(recipient=member).count() == 20


def test_a_community_made_private_in_the_admin_leaves_no_notification_naming_its_threads_to_outsiders(client):
    from tests.factories import CoordinatorFactory

    community = CommunityFactory(name="Public finance", slug="public-finance")
    thread = ThreadFactory(community=community)
    outsider, insider = member_of(CommunityFactory()), member_of(community)
    _notified(outsider, thread)
    kept = _notified(insider, thread)
    client.force_login(CoordinatorFactory())

    response = client.post(
        reverse("admin:communities_community_change", args=[community.pk]),
        {"name": community.name, "slug": community.slug, "visibility": "private",
         "teams-TOTAL_FORMS": "0", "teams-INITIAL_FORMS": "0"},
    )  # fmt: skip

    assert response.status_code == 302
    assert list(Notification.objects.all()) == [kept]


def _asked(thread, django_capture_on_commit_callbacks):
    """An expert with an account asked into `thread`: they read it as a guest, member or not."""
    from datetime import timedelta

    from django.utils import timezone

    from experts import services as expert_services
    from tests.experts.factories import MemberExpertFactory

    expert = MemberExpertFactory()
    with django_capture_on_commit_callbacks(execute=True):
        expert_services.referral_create(
            thread=thread, community=thread.community, experts=[expert], due_at=timezone.now() + timedelta(days=7),
            flagged_by=member_of(thread.community, role=Membership.Role.LEADER),
        )  # fmt: skip
    return expert.member, Notification.objects.get(recipient=expert.member)


def test_an_expert_asked_into_a_thread_keeps_its_notification_when_the_community_closes(
    client, django_capture_on_commit_callbacks
):
    community = CommunityFactory()
    guest, asked = _asked(ThreadFactory(community=community), django_capture_on_commit_callbacks)
    community.visibility = Community.Visibility.REQUEST
    community.save()

    services.notifications_forget_outsiders(community)

    assert Notification.objects.filter(pk=asked.pk).exists()
    client.force_login(guest)
    assert client.get(asked.url.split("#")[0]).status_code == 200


def test_an_expert_asked_into_a_thread_keeps_its_notification_after_leaving_the_community(
    django_capture_on_commit_callbacks,
):
    community = CommunityFactory(visibility=Community.Visibility.PRIVATE)
    guest, asked = _asked(ThreadFactory(community=community), django_capture_on_commit_callbacks)
    Membership.objects.create(
        member=guest, community=community, status=Membership.Status.ACTIVE, role=Membership.Role.MEMBER
    )

    services.community_leave(member=guest, community=community)

    assert Notification.objects.filter(pk=asked.pk).exists()


def test_a_hidden_thread_moved_keeps_no_notification_its_old_moderators_could_not_open():
    """The moderator of the thread's old community kept theirs when it was hidden; moved to a community they do not
    moderate, it led to a 404."""
    source, target = CommunityFactory(), CommunityFactory()
    thread = ThreadFactory(community=source)
    moderator = member_of(source, role=Membership.Role.MODERATOR)
    _notified(moderator, thread)
    services.thread_moderate(thread=thread, actor=moderator, action="hide")
    target_moderator = member_of(target, role=Membership.Role.MODERATOR)
    kept = _notified(target_moderator, thread, community=source)  # as if notified there before the move

    services.thread_move(thread=thread, actor=member_of(source, role=Membership.Role.LEADER), to=target)

    kept.refresh_from_db()
    assert list(Notification.objects.all()) == [kept] and kept.url.startswith(thread.url_in(target))
