import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from communities import services
from communities.models import Membership, ModerationAction, Post, Report

from .factories import CommunityFactory, PostFactory, ThreadFactory, member_of

pytestmark = pytest.mark.django_db

HIDDEN_NOTICE_BODY = "Buy cheap watches at spam.example"


@pytest.fixture
def community():
    return CommunityFactory()


@pytest.fixture
def moderator(community):
    return member_of(community, Membership.Role.MODERATOR)


@pytest.fixture
def post(community):
    thread = ThreadFactory(community=community)
    return PostFactory(thread=thread, author=member_of(community), body=HIDDEN_NOTICE_BODY)


def report(client, reporter, post, reason=Report.Reason.SPAM):
    client.force_login(reporter)
    return client.post(
        reverse("communities:post_report", args=[post.thread.community.slug, post.pk]), {"reason": reason, "note": ""}
    )


def last_message(response):
    return [str(m) for m in get_messages(response.wsgi_request)][-1]


def decide(client, moderator, post, decision):
    client.force_login(moderator)
    return client.post(
        reverse("communities:moderation", args=[post.thread.community.slug]), {"post": post.pk, "decision": decision}
    )


def test_it_keeps_a_post_visible_after_two_reports(client, community, post):
    for reporter in (member_of(community), member_of(community)):
        response = report(client, reporter, post)
        assert response.status_code == 302
        assert response.url.endswith(f"#post-{post.pk}")
        assert last_message(response) == "Thank you. The moderators will review this post."

    post.refresh_from_db()
    assert post.is_hidden is False
    assert Report.objects.filter(post=post, status=Report.Status.OPEN).count() == 2
    assert not ModerationAction.objects.exists()


def test_it_hides_a_post_when_a_third_member_reports_it(client, community, post):
    for _ in range(3):
        report(client, member_of(community), post)

    post.refresh_from_db()
    assert post.is_hidden is True
    assert post.hidden_reason
    action = ModerationAction.objects.get()
    assert action.action == ModerationAction.Action.AUTO_HIDE
    assert action.actor is None
    assert (action.community, action.post, action.thread, action.subject) == (
        community,
        post,
        post.thread,
        post.author,
    )
    assert action.note == "3 reports"


def test_it_counts_a_member_who_reports_twice_once(client, community, post):
    twice = member_of(community)
    report(client, twice, post)
    response = report(client, twice, post, reason=Report.Reason.ABUSE)
    report(client, member_of(community), post)

    assert last_message(response) == "You have already reported this post. The moderators will review it."
    assert Report.objects.filter(post=post).count() == 2
    assert Report.objects.get(post=post, reporter=twice).reason == Report.Reason.SPAM
    post.refresh_from_db()
    assert post.is_hidden is False


def test_it_refuses_a_report_of_your_own_post(client, post):
    response = report(client, post.author, post)
    assert last_message(response) == "You cannot report your own post."
    assert not Report.objects.exists()


def test_it_shows_the_report_form(client, community, post):
    client.force_login(member_of(community))
    response = client.get(reverse("communities:post_report", args=[community.slug, post.pk]))
    assert response.status_code == 200
    assert response.context["post"] == post
    page = response.content.decode()
    assert "---------" not in page and "checked" not in page  # no blank reason, none chosen for the reporter
    assert page.count('type="radio"') == len(Report.Reason.choices)
    invalid = client.post(reverse("communities:post_report", args=[community.slug, post.pk]), {"reason": "boredom"})
    assert invalid.status_code == 200
    assert "reason" in invalid.context["form"].errors
    assert not Report.objects.exists()


@pytest.fixture
def hidden(community, post):
    for _ in range(3):
        services.post_report(post=post, reporter=member_of(community), reason=Report.Reason.SPAM)
    post.refresh_from_db()
    assert post.is_hidden
    return post


def test_it_hides_the_body_of_a_hidden_post_from_ordinary_members(client, community, hidden):
    client.force_login(member_of(community))
    response = client.get(hidden.thread.get_absolute_url())
    assert response.status_code == 200
    assert hidden in response.context["page_obj"].object_list  # its place in the thread stays
    assert HIDDEN_NOTICE_BODY not in response.content.decode()


def test_it_shows_the_body_of_a_hidden_post_to_moderators_and_its_author(client, community, moderator, hidden):
    for viewer in (moderator, hidden.author):
        client.force_login(viewer)
        assert HIDDEN_NOTICE_BODY in client.get(hidden.thread.get_absolute_url()).content.decode()


def test_it_does_not_let_a_member_quote_a_hidden_post(client, community, hidden):
    client.force_login(member_of(community))
    response = client.get(hidden.thread.get_absolute_url(), {"quote": hidden.pk})
    assert response.context["reply_form"].initial == {}


def test_it_lists_reported_posts_in_the_moderation_queue(client, community, moderator, post):
    calm = PostFactory(thread=post.thread)
    reporter = member_of(community)
    services.post_report(post=post, reporter=reporter, reason=Report.Reason.SPAM, note="Advertising")
    client.force_login(moderator)

    response = client.get(reverse("communities:moderation", args=[community.slug]))

    assert response.status_code == 200
    queue = list(response.context["queue"])
    assert queue == [post]
    assert queue[0].open_reports == 1
    assert calm not in queue
    content = response.content.decode()
    assert "Advertising" in content
    assert reporter.display_name in content


def test_it_hides_a_post_for_good_when_a_moderator_upholds_the_reports(client, community, moderator, hidden):
    response = decide(client, moderator, hidden, "uphold")

    assert response.status_code == 302
    assert last_message(response) == "3 reports reviewed."
    hidden.refresh_from_db()
    assert hidden.is_hidden is True
    assert set(Report.objects.filter(post=hidden).values_list("status", flat=True)) == {Report.Status.UPHELD}
    assert set(Report.objects.filter(post=hidden).values_list("reviewed_by", flat=True)) == {moderator.pk}
    upheld = ModerationAction.objects.get(action=ModerationAction.Action.UPHOLD)
    assert (upheld.actor, upheld.post) == (moderator, hidden)
    assert list(client.get(reverse("communities:moderation", args=[community.slug])).context["queue"]) == []


def test_it_shows_a_post_again_when_a_moderator_dismisses_the_reports(client, community, moderator, hidden):
    decide(client, moderator, hidden, "dismiss")

    hidden.refresh_from_db()
    assert hidden.is_hidden is False
    assert hidden.hidden_reason == ""
    assert set(Report.objects.filter(post=hidden).values_list("status", flat=True)) == {Report.Status.DISMISSED}
    assert ModerationAction.objects.filter(action=ModerationAction.Action.DISMISS, actor=moderator).exists()
    client.force_login(member_of(community))
    assert HIDDEN_NOTICE_BODY in client.get(hidden.thread.get_absolute_url()).content.decode()


def test_it_counts_only_new_reports_after_a_dismissal(client, community, moderator, hidden):
    services.reports_review(post=hidden, actor=moderator, uphold=False)
    report(client, member_of(community), hidden)
    report(client, member_of(community), hidden)
    assert Post.objects.get(pk=hidden.pk).is_hidden is False


def test_it_lets_a_moderator_hide_and_show_a_post(client, community, moderator, post):
    client.force_login(moderator)
    url = reverse("communities:post_hide", args=[community.slug, post.pk])

    client.post(url, {"hidden": "1"})
    assert Post.objects.get(pk=post.pk).is_hidden is True
    client.post(url, {"hidden": "0"})
    assert Post.objects.get(pk=post.pk).is_hidden is False
    assert list(ModerationAction.objects.order_by("pk").values_list("action", flat=True)) == [
        ModerationAction.Action.HIDE_POST,
        ModerationAction.Action.SHOW_POST,
    ]


def test_a_stale_dismiss_does_not_show_again_a_post_another_moderator_hid(client, community, moderator, hidden):
    """The second moderator's queue page was loaded before the first upheld the reports."""
    decide(client, moderator, hidden, "uphold")
    second = member_of(community, role=Membership.Role.MODERATOR)

    response = decide(client, second, hidden, "dismiss")

    assert last_message(response) == "Another moderator already decided these reports."
    hidden.refresh_from_db()
    assert hidden.is_hidden is True
    assert not ModerationAction.objects.filter(action=ModerationAction.Action.DISMISS).exists()
