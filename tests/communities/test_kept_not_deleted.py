"""What members wrote, and a community's history, are kept: the admin hides posts and threads, ends memberships,
and deletes a community only when nobody but its creator is in it and nothing was written. A moderator's edit of
a member's post keeps the text it replaced in the moderation log and tells the author."""

import pytest
from django.urls import reverse

from communities import services
from communities.models import Community, Membership, ModerationAction, Notification, Post, Thread
from digests.models import DigestPreference
from tests.factories import MemberFactory

from .factories import CommunityFactory, PostFactory, ThreadFactory, member_of

pytestmark = pytest.mark.django_db


def _delete_selected(client, model: str, rows):
    return client.post(
        reverse(f"admin:{model}_changelist"),
        {"action": "delete_selected", "_selected_action": [row.pk for row in rows], "post": "yes"},
    )


@pytest.mark.parametrize(
    ("model", "make"),
    [
        ("communities_thread", lambda: ThreadFactory()),
        ("communities_post", lambda: PostFactory()),
        ("communities_membership", lambda: Membership.objects.get(member=member_of(CommunityFactory()))),
        ("digests_digestpreference", lambda: DigestPreference.objects.create(member=MemberFactory())),
    ],
)
def test_the_admin_deletes_none_of_these(coordinator_client, model, make):
    row = make()
    manager = type(row).objects

    single = coordinator_client.post(reverse(f"admin:{model}_delete", args=[row.pk]), {"post": "yes"})
    _delete_selected(coordinator_client, model, [row])

    assert single.status_code == 403
    assert manager.filter(pk=row.pk).exists()


def test_a_community_members_joined_is_kept_with_the_reason(coordinator_client):
    community = CommunityFactory()
    member_of(community, role=Membership.Role.LEADER)
    member_of(community)

    response = coordinator_client.post(
        reverse("admin:communities_community_delete", args=[community.pk]), {"post": "yes"}
    )

    assert "Make it private instead." in response.content.decode()
    assert Community.objects.filter(pk=community.pk).exists()


def test_a_community_with_a_discussion_is_kept_even_after_moderation(coordinator_client):
    community = CommunityFactory()
    leader = member_of(community, role=Membership.Role.LEADER)
    thread = ThreadFactory(community=community)
    services.thread_moderate(thread=thread, actor=leader, action="lock")  # a log entry: once a permissions page

    response = _delete_selected(coordinator_client, "communities_community", [community])

    page = response.content.decode()
    assert "Make it private instead." in page
    assert "permission" not in page
    assert Community.objects.filter(pk=community.pk).exists()


def test_a_community_made_by_mistake_is_deleted(coordinator_client):
    community = CommunityFactory()
    member_of(community, role=Membership.Role.LEADER)

    response = coordinator_client.post(
        reverse("admin:communities_community_delete", args=[community.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Community.objects.filter(pk=community.pk).exists()


def test_a_moderators_edit_keeps_the_text_it_replaced_and_tells_the_author(client):
    community = CommunityFactory()
    moderator = member_of(community, role=Membership.Role.MODERATOR)
    author = member_of(community)
    post = PostFactory(thread=ThreadFactory(community=community), author=author, body="Call me on 0912345.")
    client.force_login(moderator)

    client.post(
        reverse("communities:post_edit", args=[community.slug, post.pk]),
        {"body": "Contact details removed by a moderator.", "based_on": post.text_version()},
    )

    assert Post.objects.get(pk=post.pk).body == "Contact details removed by a moderator."
    entry = ModerationAction.objects.get(action=ModerationAction.Action.EDIT_POST)
    assert (entry.actor, entry.subject, entry.post_id) == (moderator, author, post.pk)
    assert entry.previous_text == "Call me on 0912345."
    notice = Notification.objects.get(recipient=author, kind=Notification.Kind.MODERATION)
    assert notice.text == f"A moderator edited your post in “{post.thread.title}”."
    assert notice.url.endswith(f"#post-{post.pk}")


def test_an_author_editing_their_own_post_is_not_logged():
    post = PostFactory(body="First draft")

    services.post_edit(post=post, editor=post.author, body="Second draft")

    assert not ModerationAction.objects.filter(action=ModerationAction.Action.EDIT_POST).exists()
    assert not Notification.objects.filter(kind=Notification.Kind.MODERATION).exists()


def test_threads_stay_after_a_refused_bulk_delete(coordinator_client):
    thread = ThreadFactory()
    PostFactory(thread=thread)

    _delete_selected(coordinator_client, "communities_thread", [thread])

    assert Thread.objects.filter(pk=thread.pk).exists()
    assert Post.objects.filter(thread=thread).exists()


def test_the_text_a_moderator_replaced_is_in_its_authors_export_and_goes_with_their_account():
    from members import privacy

    community = CommunityFactory()
    moderator = member_of(community, role=Membership.Role.MODERATOR)
    post = PostFactory(thread=ThreadFactory(community=community), body="My number is 0912345.")
    services.post_edit(post=post, editor=moderator, body="Contact details removed.")
    author = post.author

    exported = privacy._moderation(author)["actions_concerning_you"]
    assert [row["previous_text"] for row in exported] == ["My number is 0912345."]

    privacy.account_delete(member=author)

    assert ModerationAction.objects.get(action=ModerationAction.Action.EDIT_POST).previous_text == ""
