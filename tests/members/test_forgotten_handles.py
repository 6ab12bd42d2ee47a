"""A deleted account's @handle does not come back: not in text saved after the deletion, not as a new member's
handle (members.forgotten_handles)."""

import pytest
from django.db import connection
from django.urls import reverse

from communities import services as community_services
from communities.models import Notification, Post, Thread
from members.forgotten_handles import handles_forgotten
from members.models import ForgottenHandle
from members.privacy import account_delete
from members.services import member_create_verified, unique_handle
from tests.communities.factories import CommunityFactory, member_of
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return CommunityFactory()


@pytest.fixture
def author(community):
    return member_of(community, member=MemberFactory(full_name="Ko Min", handle="ko-min", language="en"))


@pytest.fixture
def victim(community):
    return member_of(community, member=MemberFactory(full_name="Hnin Wai", handle="hnin-wai"))


def test_a_deleted_accounts_handle_is_kept_only_as_a_keyed_digest(victim):
    account_delete(member=victim)

    assert handles_forgotten(["hnin-wai", "Hnin-Wai", "ko-min"]) == {"hnin-wai"}
    (digest,) = ForgottenHandle.objects.values_list("digest", flat=True)
    assert "hnin" not in digest and len(digest) == 64
    with connection.cursor() as cursor:  # not in any column of the table either
        cursor.execute("SELECT * FROM members_forgottenhandle")
        assert "hnin" not in repr(cursor.fetchall())


def test_an_edit_typed_before_the_deletion_and_saved_after_it_does_not_bring_the_handle_back(
    client, community, author, victim
):
    """The deletion rewrites the post while its author edits it: the save is refused (the post changed), and
    saving again, from the text as typed, says "Former member" where the handle was."""
    thread = community_services.thread_create(
        community=community, author=author, title="Budgets", body="Ask @hnin-wai about budgets"
    )
    opening = thread.posts.get()
    url = reverse("communities:post_edit", args=[community.slug, opening.pk])
    client.force_login(author)
    started_from = client.get(url).context["form"]["based_on"].value()

    account_delete(member=victim)
    typed = {"body": "Ask @hnin-wai (or @hnin\\-wai) about citizen budgets", "based_on": started_from}
    refused = client.post(url, typed)
    assert refused.status_code == 409
    again = client.post(url, {**typed, "based_on": refused.context["form"]["based_on"].value()})

    assert again.status_code == 302
    opening.refresh_from_db()
    assert opening.body == "Ask Former member (or Former member) about citizen budgets"
    assert "hnin" not in opening.body_html


def test_a_new_post_or_title_says_former_member_in_its_authors_language(community, victim):
    russian = member_of(community, member=MemberFactory(full_name="Иван Петров", handle="ivan", language="ru"))
    account_delete(member=victim)

    thread = community_services.thread_create(
        community=community,
        author=russian,
        title="Спросите @hnin-wai",
        body="Спросите @Hnin-Wai, [профиль](https://example.org/?u=@hnin-wai)",
    )

    assert Thread.objects.get(pk=thread.pk).title == "Спросите Бывший участник"
    assert thread.posts.get().body == "Спросите Бывший участник, [профиль](https://example.org/?u=former-member)"


def test_other_mentions_are_left_as_written(community, author, victim):
    namesake = member_of(community, member=MemberFactory(full_name="Hnin Wai", handle="hnin-wai-2"))
    account_delete(member=victim)
    thread = community_services.thread_create(community=community, author=author, title="Hello", body="Hello")

    reply = community_services.post_reply(
        thread=thread,
        author=author,
        body="@hnin-wai-2, @ko-min and @nobody: see `code` or desk@hnin-wai.org",
        shown_in=community,
    )

    assert reply.body == "@hnin-wai-2, @ko-min and @nobody: see `code` or desk@hnin-wai.org"
    assert reverse("members:detail", args=[namesake.pk]) in reply.body_html


def test_the_same_reply_sent_twice_is_still_posted_once(community, author, victim):
    account_delete(member=victim)
    thread = community_services.thread_create(community=community, author=author, title="Hello", body="Hello")
    kwargs = {"thread": thread, "author": author, "body": "Thanks @hnin-wai", "shown_in": community}

    first, second = community_services.post_reply(**kwargs), community_services.post_reply(**kwargs)

    assert first == second and first.body == "Thanks Former member"
    assert Post.objects.filter(thread=thread).count() == 2  # the opening post and one reply


def test_a_forgotten_handle_is_not_given_to_a_new_member(victim):
    MemberFactory(full_name="Hnin Wai", handle="hnin-wai-2")
    account_delete(member=victim)

    assert unique_handle("Hnin Wai") == "hnin-wai-3"
    newcomer = member_create_verified(email="hnin.wai@example.org", password="x-long-password-1", full_name="Hnin Wai")
    assert newcomer.handle == "hnin-wai-3"


def test_many_forgotten_handles_are_skipped_with_few_queries(django_assert_max_num_queries):
    for number in range(2, 30):  # names in Burmese or Cyrillic all make "member", "member-2", …
        account_delete(member=MemberFactory(full_name="Member", handle=f"member-{number}"))
    MemberFactory(full_name="Member", handle="member")

    with django_assert_max_num_queries(3):
        assert unique_handle("ဒေါ်ခင်") == "member-30"


def test_a_handle_forgotten_under_a_rotated_key_is_still_known(settings, victim):
    old_key = settings.SECRET_KEY
    account_delete(member=victim)

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-key-" + "x" * 50, [old_key]

    assert handles_forgotten(["hnin-wai"]) == {"hnin-wai"}
    assert unique_handle("Hnin Wai") == "hnin-wai-2"


def test_a_mention_saved_while_the_deletion_ran_is_forgotten_once_it_commits(
    monkeypatch, community, author, victim, django_capture_on_commit_callbacks
):
    """Another request's reply read @hnin-wai as a member's before the deletion committed, and committed after the
    deletion's pass over the posts: the second pass, after the commit, finds it (and its notification)."""
    thread = community_services.thread_create(community=community, author=author, title="Budgets", body="Hello")
    first_pass = community_services.posts_mention_forget
    meanwhile = {}

    def first_pass_then_a_reply_commits(**kwargs):
        changed = first_pass(**kwargs)
        if kwargs.get("since") is None:
            meanwhile["post"] = Post.objects.create(
                thread=thread, author=author, body="Over to @hnin-wai", body_html="<p>Over to @hnin-wai</p>"
            )
            meanwhile["title"] = Thread.objects.create(community=community, author=author, title="Ask @hnin-wai")
            meanwhile["notified"] = Notification.objects.create(
                recipient=victim, kind=Notification.Kind.MENTION, text="Ko Min mentioned you", url="/"
            )
        return changed

    monkeypatch.setattr(community_services, "posts_mention_forget", first_pass_then_a_reply_commits)
    with django_capture_on_commit_callbacks(execute=True):
        account_delete(member=victim)

    assert Post.objects.get(pk=meanwhile["post"].pk).body == "Over to Former member"
    assert "hnin" not in Post.objects.get(pk=meanwhile["post"].pk).body_html
    assert Thread.objects.get(pk=meanwhile["title"].pk).title == "Ask Former member"
    assert not Notification.objects.filter(pk=meanwhile["notified"].pk).exists()


def test_a_moderators_edit_writes_former_member_in_the_authors_language(community, victim):
    """As the deletion wrote it into the rest of the post: in its author's language, not the editor's."""
    russian = member_of(community, member=MemberFactory(full_name="Иван Петров", handle="ivan", language="ru"))
    moderator = member_of(community, member=MemberFactory(full_name="Ko Min", handle="ko-min", language="en"))
    thread = community_services.thread_create(community=community, author=russian, title="Бюджет", body="Привет")
    account_delete(member=victim)

    post = community_services.post_edit(post=thread.posts.get(), editor=moderator, body="Спросите @hnin-wai")

    assert post.body == "Спросите Бывший участник"
