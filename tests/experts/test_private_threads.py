"""An expert flagged into a thread of a private community reads and answers that one thread, and nothing else."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.models import Community, Membership, Notification, Post
from experts import services
from experts.models import Referral
from tests.communities.factories import CommunityFactory, ThreadFactory, member_of

from .factories import MemberExpertFactory, ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def private():
    return CommunityFactory(
        name="Senior leaders circle", slug="senior-leaders", visibility=Community.Visibility.PRIVATE
    )


@pytest.fixture
def leader(private):
    return member_of(private, role=Membership.Role.LEADER)


@pytest.fixture
def thread(private):
    return ThreadFactory(community=private, author=member_of(private), title="Reform sequencing question")


@pytest.fixture
def other_thread(private):
    return ThreadFactory(community=private, title="A confidential budget discussion")


@pytest.fixture
def flagged(thread, leader, django_capture_on_commit_callbacks):
    expert = MemberExpertFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_create(
            thread=thread, community=thread.community, experts=[expert], flagged_by=leader,
            due_at=timezone.now() + timedelta(days=7),
        )  # fmt: skip
    return expert


def _reply_url(thread):
    return reverse("communities:reply", args=[thread.community.slug, thread.pk])


def test_it_lets_the_flagged_expert_open_and_answer_the_thread(client, thread, flagged):
    assert not Membership.objects.filter(member=flagged.member).exists()
    client.force_login(flagged.member)

    # The notification leads to the thread.
    notification = Notification.objects.get(recipient=flagged.member, kind=Notification.Kind.REFERRAL)
    response = client.get(reverse("notification_open", args=[notification.pk]))
    assert response.url == thread.get_absolute_url()
    page = client.get(response.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Reform sequencing question" in html
    assert "Post reply" in html

    response = client.post(_reply_url(thread), {"body": "Sequence the pay reform after the functional review."})
    assert response.status_code == 302
    answer = Post.objects.get(thread=thread, author=flagged.member)
    referral = Referral.objects.get(thread=thread, expert=flagged)
    assert referral.status == Referral.Status.ANSWERED
    assert referral.first_answer == answer
    assert "Expert answer" in client.get(thread.get_absolute_url()).content.decode()


def test_it_keeps_the_rest_of_the_private_community_hidden_from_the_flagged_expert(
    client, private, thread, other_thread, flagged
):
    client.force_login(flagged.member)
    assert client.get(other_thread.get_absolute_url()).status_code == 404
    assert client.post(_reply_url(other_thread), {"body": "Hello"}).status_code == 404
    assert client.get(private.get_absolute_url()).status_code == 404
    assert client.get(reverse("communities:members", args=[private.slug])).status_code == 404

    listing = client.get(reverse("communities:list"))
    assert listing.status_code == 200
    assert private not in list(listing.context["page_obj"].object_list)
    assert "Senior leaders circle" not in listing.content.decode()
    assert not Post.objects.filter(thread=other_thread, author=flagged.member).exists()


def test_it_gives_404_for_the_thread_to_an_expert_who_was_not_flagged(client, thread, flagged):
    stranger = MemberExpertFactory()
    ReferralFactory(expert=stranger)  # flagged somewhere else
    client.force_login(stranger.member)
    assert client.get(thread.get_absolute_url()).status_code == 404
    assert client.post(_reply_url(thread), {"body": "Let me in"}).status_code == 404
    assert not Post.objects.filter(author=stranger.member).exists()


def test_it_gives_404_for_the_thread_shown_through_another_community(client, thread, flagged):
    # The referral was made in the private community; the thread is not reachable under some other slug.
    elsewhere = CommunityFactory()
    client.force_login(flagged.member)
    assert client.get(reverse("communities:thread", args=[elsewhere.slug, thread.pk])).status_code == 404


@pytest.mark.parametrize("ends", ["question resolved", "expert inactive"])
def test_it_ends_the_guest_access_when_the_question_is_resolved_or_the_expert_inactive(client, thread, flagged, ends):
    from experts.models import Expert

    client.force_login(flagged.member)
    url = thread.url_in(thread.community)
    Referral.objects.filter(thread=thread).update(status=Referral.Status.ANSWERED)
    assert client.get(url).status_code == 200  # answered: the asker may still follow up and rate

    if ends == "question resolved":
        Referral.objects.filter(thread=thread).update(status=Referral.Status.RESOLVED)
    else:
        Expert.objects.filter(pk=flagged.pk).update(status=Expert.Status.INACTIVE)
    assert client.get(url).status_code == 404
    assert client.post(_reply_url(thread), {"body": "One more thing"}).status_code == 404
    assert not Post.objects.filter(thread=thread, author=flagged.member).exists()
