"""The coordinator's admin changes memberships, threads and posts through the same services as the site: the
moderation and audit logs are written, a community keeps a leader, and the member is told. A form that saved the
row itself did none of that (and a membership set back to "active" beside a current one was a 500)."""

import pytest
from django.urls import reverse

from communities import services
from communities.models import Membership, ModerationAction, Post
from members.models import AuditEntry

from ..factories import MemberFactory
from .factories import CommunityFactory, MembershipFactory, PostFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def act(client, url_name, action, rows):
    return client.post(reverse(url_name), {"action": action, "_selected_action": [row.pk for row in rows]}, follow=True)


def test_a_thread_is_locked_and_hidden_through_the_lists_actions_which_log_it(coordinator_client, coordinator):
    thread = ThreadFactory()

    act(coordinator_client, "admin:communities_thread_changelist", "lock_threads", [thread])
    act(coordinator_client, "admin:communities_thread_changelist", "hide_threads", [thread])

    thread.refresh_from_db()
    assert thread.is_locked and thread.is_hidden
    logged = ModerationAction.objects.filter(thread=thread, actor=coordinator).values_list("action", flat=True)
    assert sorted(logged) == ["hide_thread", "lock"]
    assert AuditEntry.objects.filter(action=AuditEntry.Action.MODERATION, actor=coordinator).count() == 2


def test_a_threads_form_no_longer_moderates_or_moves_it_unlogged(coordinator_client):
    thread = ThreadFactory()
    html = coordinator_client.get(reverse("admin:communities_thread_change", args=[thread.pk])).content.decode()

    for field in ["is_locked", "is_hidden", "is_pinned", "community", "linked_communities", "author"]:
        assert f'name="{field}"' not in html
    assert coordinator_client.get(reverse("admin:communities_thread_add")).status_code == 403


def test_a_post_is_hidden_through_the_lists_action_and_cannot_be_added_in_the_admin(coordinator_client, coordinator):
    post = PostFactory()

    act(coordinator_client, "admin:communities_post_changelist", "hide_posts", [post])

    post.refresh_from_db()
    assert post.is_hidden
    assert ModerationAction.objects.get(post=post).actor == coordinator
    assert coordinator_client.get(reverse("admin:communities_post_add")).status_code == 403  # was a 500
    assert coordinator_client.get(reverse("admin:digests_digestpreference_add")).status_code == 403  # … as was this


def test_a_membership_added_in_the_admin_goes_through_the_service(coordinator_client, coordinator):
    community, member = CommunityFactory(), MemberFactory()

    response = coordinator_client.post(
        reverse("admin:communities_membership_add"),
        {"member": member.pk, "community": community.pk, "role": "moderator"},
    )

    assert response.status_code == 302
    membership = Membership.objects.get(member=member, community=community)
    assert (membership.status, membership.role, membership.decided_by) == ("active", "moderator", coordinator)
    assert ModerationAction.objects.get(subject=member).action == "add"
    assert member.notifications.count() == 1  # told, as on the site


def test_adding_someone_already_in_says_so_on_the_form(coordinator_client):
    community = CommunityFactory()
    member = MembershipFactory(community=community).member

    response = coordinator_client.post(
        reverse("admin:communities_membership_add"), {"member": member.pk, "community": community.pk, "role": "member"}
    )

    assert response.status_code == 200
    assert "is already a member" in response.content.decode()
    assert Membership.objects.filter(member=member).count() == 1


def test_a_memberships_form_changes_nothing_the_actions_do_it(coordinator_client):
    community = CommunityFactory()
    left = MembershipFactory(community=community, status=Membership.Status.LEFT)
    MembershipFactory(community=community, member=left.member)  # current again

    url = reverse("admin:communities_membership_change", args=[left.pk])
    response = coordinator_client.post(url, {"status": "active", "role": "leader"})

    assert response.status_code == 302  # was a 500: two current memberships
    left.refresh_from_db()
    assert (left.status, left.role) == ("left", "member")


def test_the_role_actions_keep_a_leader_and_say_why_when_they_refuse(coordinator_client, coordinator):
    community = CommunityFactory()
    leader = MembershipFactory(community=community, role=Membership.Role.LEADER)
    member = MembershipFactory(community=community)

    response = act(coordinator_client, "admin:communities_membership_changelist", "make_member", [leader])
    assert "A community needs at least one leader" in response.content.decode()
    act(coordinator_client, "admin:communities_membership_changelist", "make_leader", [member])
    response = act(coordinator_client, "admin:communities_membership_changelist", "remove_members", [leader])

    member.refresh_from_db()
    leader.refresh_from_db()
    assert member.role == "leader" and leader.status == "removed"
    assert "1 member removed." in response.content.decode()
    assert ModerationAction.objects.filter(actor=coordinator, action__in=["role", "remove"]).count() == 2


def test_the_last_leader_cannot_be_removed(coordinator):
    leader = MembershipFactory(community=CommunityFactory(), role=Membership.Role.LEADER)

    with pytest.raises(services.CommunityError, match="at least one leader"):
        services.membership_remove(membership=leader, actor=coordinator)


def test_adding_a_member_whose_request_waits_gives_them_the_role_chosen(coordinator):
    community = CommunityFactory(visibility="request")
    waiting = MembershipFactory(community=community, status=Membership.Status.PENDING)

    added = services.membership_add(community=community, member=waiting.member, actor=coordinator, role="moderator")

    assert (added.pk, added.status, added.role) == (waiting.pk, "active", "moderator")


def test_joining_leaving_and_creating_enter_the_audit_log(rf):
    community = CommunityFactory(visibility="open")
    member = MemberFactory(full_name="Aye Joiner")

    services.community_join(member=member, community=community)
    services.community_leave(member=member, community=community)

    entries = AuditEntry.objects.filter(actor=member, action=AuditEntry.Action.MEMBERSHIP).order_by("pk")
    assert [entry.detail for entry in entries] == ["Joined", "Left"]
    assert all(entry.target.startswith(f"{community.name}: Aye Joiner <") for entry in entries)


def test_a_second_join_at_once_is_told_it_is_already_in_rather_than_an_error(monkeypatch):
    """A double click: both requests found no membership before either wrote one."""
    community = CommunityFactory(visibility="open")
    member = MemberFactory()
    services.community_join(member=member, community=community)
    monkeypatch.setattr(Membership.objects, "filter", lambda **kw: Membership.objects.none())

    with pytest.raises(services.CommunityError, match="already a member"):
        services.community_join(member=member, community=community)
    assert Membership.objects.count() == 1


def test_removing_a_communitys_last_leader_in_the_admin_says_why_rather_than_failing(coordinator_client):
    leader = MembershipFactory(community=CommunityFactory(), role=Membership.Role.LEADER)

    response = act(coordinator_client, "admin:communities_membership_changelist", "remove_members", [leader])

    assert response.status_code == 200
    assert "A community needs at least one leader" in response.content.decode()
    leader.refresh_from_db()
    assert leader.status == "active"


def test_a_post_edited_in_the_admin_over_someone_elses_change_is_refused(coordinator_client, coordinator):
    post = PostFactory(body="Call me on 0912345")
    url = reverse("admin:communities_post_change", args=[post.pk])
    started_from = coordinator_client.get(url).context["adminform"].form["based_on"].value()

    services.post_edit(post=post, editor=post.author, body="Call me on 0912345 or write to me")
    refused = coordinator_client.post(url, {"body": "Call me [number removed]", "based_on": started_from})

    assert refused.status_code == 200
    assert "This post was changed after you opened it." in refused.content.decode()
    post.refresh_from_db()
    assert post.body == "Call me on 0912345 or write to me"

    fresh = coordinator_client.get(url).context["adminform"].form["based_on"].value()
    Post.objects.filter(pk=post.pk).update(is_hidden=True)  # a moderator hides it meanwhile
    saved = coordinator_client.post(url, {"body": "Call me [number removed]", "based_on": fresh})
    assert saved.status_code == 302
    post.refresh_from_db()
    # The text alone is written: a whole-row save wrote "hidden" back as it was when the page was read.
    assert (post.body, post.is_hidden) == ("Call me [number removed]", True)
    assert post.edited_at is not None
    # Sent twice: saved once, and the history says nothing about the version field.
    coordinator_client.post(url, {"body": "Call me [number removed]", "based_on": fresh})
    from django.contrib.admin.models import LogEntry

    assert "based_on" not in " ".join(LogEntry.objects.values_list("change_message", flat=True))
