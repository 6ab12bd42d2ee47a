"""The referral lifecycle, through the views: ask → notify → answer → badge → rate → resolved."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from communities.models import Membership, Notification, Post
from experts import services
from experts.models import Expert, Rating, Referral
from members.models import Activity
from tests.communities.factories import CommunityFactory, PostFactory, ThreadFactory, member_of
from tests.factories import CoordinatorFactory, MemberFactory

from .factories import ExpertClusterFactory, ExpertFactory, MemberExpertFactory, ReferralFactory

pytestmark = pytest.mark.django_db


def _day(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _ask_url(thread, community=None):
    return reverse("experts:ask", args=[(community or thread.community).slug, thread.pk])


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _post_card(html: str, post_pk: int) -> str:
    """The markup of one post on the thread page."""
    match = re.search(rf'<li id="post-{post_pk}".*?</li>', html, re.S)
    assert match, f"post {post_pk} is not on the page"
    return match.group(0)


@pytest.fixture
def community():
    community = CommunityFactory(countries=["MM", "KH"])
    community.themes.add("digital government", "e-services")
    return community


@pytest.fixture
def leader(community):
    return member_of(community, role=Membership.Role.LEADER)


@pytest.fixture
def asker(community):
    return member_of(community)


@pytest.fixture
def thread(community, asker):
    return ThreadFactory(community=community, author=asker, title="How do we train staff for online services?")


@pytest.fixture
def answered(thread):
    """A referral whose expert (an active member of the community) has answered, through the service."""
    expert = MemberExpertFactory()
    Membership.objects.create(
        member=expert.member, community=thread.community, status=Membership.Status.ACTIVE, joined_at=timezone.now()
    )
    referral = ReferralFactory(thread=thread, expert=expert)
    post = PostFactory(thread=thread, author=expert.member)
    services.referral_record_answer(post=post)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ANSWERED
    return referral


# --- The whole lifecycle -------------------------------------------------------------------------------------


def test_it_walks_a_question_from_asking_an_expert_to_a_rated_answer(
    client, community, leader, asker, thread, mailoutbox, django_capture_on_commit_callbacks
):
    cluster = ExpertClusterFactory(communities=[community], keywords=["digital government"])
    # An expert with a member account (who is in the community, so may reply) and one mapped without an account.
    with_account = MemberExpertFactory(name="Aung Expert", clusters=[cluster], expertise=["e-services"])
    Membership.objects.create(
        member=with_account.member, community=community, status=Membership.Status.ACTIVE, joined_at=timezone.now()
    )
    mapped = ExpertFactory(name="Siti Mapped", email="siti@university.example.org", countries=["KH"])
    unrelated = ExpertFactory(name="Zed Unrelated", countries=["FR"], status=Expert.Status.ENGAGED)

    # 1. The leader opens "Ask an expert" and sees ranked suggestions.
    client.force_login(leader)
    page = client.get(thread.get_absolute_url())
    assert _ask_url(thread) in page.content.decode()
    response = client.get(_ask_url(thread))
    assert response.status_code == 200
    suggested = [s.expert for s in response.context["suggestions"]]
    assert suggested == [with_account, mapped, unrelated]
    assert "Aung Expert" in response.content.decode()

    # 2. The leader asks two experts, due in five days.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_ask_url(thread), {"experts": [with_account.pk, mapped.pk], "due_on": _day(5)})
    assert response.status_code == 302
    assert response.url == thread.get_absolute_url()
    referrals = Referral.objects.filter(thread=thread).order_by("expert__name")
    assert [(r.expert, r.status) for r in referrals] == [(with_account, "open"), (mapped, "open")]
    for referral in referrals:
        assert referral.community == community
        assert referral.asked_by == asker
        assert referral.flagged_by == leader
        assert timezone.localtime(referral.due_at).date() == timezone.localdate() + timedelta(days=5)
        assert referral.first_answer_at is None

    # The expert with an account is notified in the site; every expert gets an email with the thread's address.
    notification = Notification.objects.get(recipient=with_account.member)
    assert notification.kind == Notification.Kind.REFERRAL
    assert notification.url == thread.get_absolute_url()
    assert not Notification.objects.filter(kind=Notification.Kind.REFERRAL).exclude(pk=notification.pk).exists()
    assert sorted(m.to[0] for m in mailoutbox) == sorted([with_account.member.email, "siti@university.example.org"])
    for message in mailoutbox:
        assert thread.title in message.subject
        assert f"{settings.SITE_URL}{thread.get_absolute_url()}" in message.body

    # 3. The expert answers in the thread.
    client.force_login(with_account.member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("communities:reply", args=[community.slug, thread.pk]),
            {"body": "Start with a two-day course for front-desk staff."},
        )
    assert response.status_code == 302
    answer = Post.objects.get(thread=thread, author=with_account.member)
    referral = Referral.objects.get(thread=thread, expert=with_account)
    assert referral.status == Referral.Status.ANSWERED
    assert referral.first_answer_at == answer.created_at
    assert referral.first_answer == answer
    assert (
        Activity.objects.filter(
            member=with_account.member, kind=Activity.Kind.EXPERT_ANSWER, community=community
        ).count()
        == 1
    )
    # The other expert has not answered yet.
    assert Referral.objects.get(thread=thread, expert=mapped).status == Referral.Status.OPEN

    # 4. The asker sees the answer badged and the link to rate it.
    client.force_login(asker)
    html = client.get(thread.get_absolute_url()).content.decode()
    assert "Expert answer" in _post_card(html, answer.pk)
    opening = Post.objects.get(thread=thread, is_opening=True)
    assert "Expert answer" not in _post_card(html, opening.pk)
    rate_url = reverse("experts:rate", args=[referral.pk])
    assert rate_url in html
    other_referral = Referral.objects.get(thread=thread, expert=mapped)
    assert reverse("experts:rate", args=[other_referral.pk]) not in html

    # 5. The asker rates the advice: the question is resolved.
    assert client.get(rate_url).status_code == 200
    response = client.post(rate_url, {"score": "5", "comment": "  Very practical.  "})
    assert response.status_code == 302
    assert response.url == thread.get_absolute_url()
    rating = Rating.objects.get()
    assert (rating.referral, rating.rater, rating.score, rating.comment) == (referral, asker, 5, "Very practical.")
    referral.refresh_from_db()
    assert referral.status == Referral.Status.RESOLVED
    assert referral.resolved_at is not None
    assert Activity.objects.filter(member=asker, kind=Activity.Kind.RATING, community=community).count() == 1
    html = client.get(thread.get_absolute_url()).content.decode()
    assert rate_url not in html
    assert "Resolved" in html


def test_it_lets_the_coordinator_ask_experts_without_being_a_member(
    client, thread, mailoutbox, django_capture_on_commit_callbacks
):
    expert = ExpertFactory(email="nilar@university.example.org")
    coordinator = CoordinatorFactory()
    client.force_login(coordinator)
    assert client.get(_ask_url(thread)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_ask_url(thread), {"experts": [expert.pk], "due_on": _day(3)})
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.expert, referral.flagged_by, referral.status) == (expert, coordinator, "open")
    assert [m.to for m in mailoutbox] == [["nilar@university.example.org"]]


def test_it_emails_the_experts_own_address_before_the_member_accounts(
    client, thread, leader, mailoutbox, django_capture_on_commit_callbacks
):
    expert = MemberExpertFactory(email="work.address@university.example.org")
    client.force_login(leader)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_ask_url(thread), {"experts": [expert.pk], "due_on": _day(3)})
    assert [m.to for m in mailoutbox] == [["work.address@university.example.org"]]
    assert Notification.objects.filter(recipient=expert.member, kind=Notification.Kind.REFERRAL).count() == 1


def test_it_does_not_ask_or_email_an_expert_whose_account_closed_since(
    client, thread, leader, mailoutbox, django_capture_on_commit_callbacks
):
    """The linked account deactivated (or being deleted): not among the choices any more."""
    expert = MemberExpertFactory(email="")
    type(expert.member).objects.filter(pk=expert.member_id).update(is_active=False)
    client.force_login(leader)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_ask_url(thread), {"experts": [expert.pk], "due_on": _day(3)})
    assert not Referral.objects.filter(expert=expert).exists() and mailoutbox == []


# --- Due dates, duplicates and the pipeline ---------------------------------------------------------------------


@pytest.mark.parametrize("days", [-3, 0])
def test_it_refuses_a_due_date_that_is_not_in_the_future(client, thread, leader, days):
    expert = ExpertFactory()
    client.force_login(leader)
    response = client.post(_ask_url(thread), {"experts": [expert.pk], "due_on": _day(days)})
    assert response.status_code == 200
    assert response.context["form"].errors["due_on"] == ["Choose a date after today."]
    assert "Choose a date after today." in response.content.decode()
    assert not Referral.objects.exists()


def test_it_refuses_a_due_date_more_than_a_year_away(client, thread, leader):
    expert = ExpertFactory()
    client.force_login(leader)
    response = client.post(_ask_url(thread), {"experts": [expert.pk], "due_on": _day(400)})
    assert response.context["form"].errors["due_on"] == ["Choose a date within a year."]
    assert not Referral.objects.exists()


def test_it_asks_for_at_least_one_expert(client, thread, leader):
    ExpertFactory()
    client.force_login(leader)
    response = client.post(_ask_url(thread), {"due_on": _day(3)})
    assert response.context["form"].errors["experts"] == ["Choose at least one expert."]
    assert not Referral.objects.exists()


def test_it_refuses_a_due_date_in_the_past_in_the_service_too(thread, leader):
    expert = ExpertFactory()
    with pytest.raises(services.ExpertError, match="future"):
        services.referral_create(
            thread=thread, community=thread.community, experts=[expert], flagged_by=leader,
            due_at=timezone.now() - timedelta(minutes=1),
        )  # fmt: skip
    assert not Referral.objects.exists()


def test_it_does_not_flag_the_same_expert_twice_into_a_thread(
    client, thread, leader, mailoutbox, django_capture_on_commit_callbacks
):
    expert = ExpertFactory(name="Already Asked")
    other = ExpertFactory(name="Not Yet Asked")
    client.force_login(leader)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_ask_url(thread), {"experts": [expert.pk], "due_on": _day(3)})
    assert len(mailoutbox) == 1

    # The ask page lists the expert as already asked, and no longer suggests them.
    response = client.get(_ask_url(thread))
    assert [s.expert for s in response.context["suggestions"]] == [other]
    assert list(response.context["current"]) == list(Referral.objects.filter(expert=expert))
    # Posting the expert again is refused by the form…
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_ask_url(thread), {"experts": [expert.pk], "due_on": _day(3)})
    assert response.status_code == 200
    assert "experts" in response.context["form"].errors
    # … and by the service, which skips the expert.
    with django_capture_on_commit_callbacks(execute=True):
        created = services.referral_create(
            thread=thread, community=thread.community, experts=[expert], flagged_by=leader,
            due_at=timezone.now() + timedelta(days=2),
        )  # fmt: skip
    assert created == []
    assert Referral.objects.filter(thread=thread, expert=expert).count() == 1
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("status", [Expert.Status.MAPPED, Expert.Status.CONTACTED, Expert.Status.INACTIVE])
def test_it_neither_suggests_nor_accepts_an_expert_who_is_not_engaged_or_active(client, thread, leader, status):
    listed = ExpertFactory(status=Expert.Status.ENGAGED)
    unlisted = ExpertFactory(status=status)
    client.force_login(leader)
    response = client.get(_ask_url(thread))
    assert [s.expert for s in response.context["suggestions"]] == [listed]

    response = client.post(_ask_url(thread), {"experts": [unlisted.pk], "due_on": _day(3)})
    assert response.status_code == 200
    assert "experts" in response.context["form"].errors
    assert not Referral.objects.exists()

    with pytest.raises(services.ExpertError, match="not an engaged or active expert"):
        services.referral_create(
            thread=thread, community=thread.community, experts=[listed, unlisted], flagged_by=leader,
            due_at=timezone.now() + timedelta(days=2),
        )  # fmt: skip
    assert not Referral.objects.exists()  # all or nothing


def test_it_neither_suggests_nor_asks_an_expert_whose_account_is_closed(client, thread, leader, mailoutbox):
    """They were suggested and emailed, at the address the coordinator mapped, about a thread they could not open."""
    listed = ExpertFactory(status=Expert.Status.ENGAGED)
    closed = MemberExpertFactory(status=Expert.Status.ACTIVE, member__is_active=False)
    client.force_login(leader)

    response = client.get(_ask_url(thread))
    assert [s.expert for s in response.context["suggestions"]] == [listed]

    with pytest.raises(services.ExpertError, match="account is closed"):
        services.referral_create(
            thread=thread, community=thread.community, experts=[closed], flagged_by=leader,
            due_at=timezone.now() + timedelta(days=2),
        )  # fmt: skip
    assert not Referral.objects.exists() and not mailoutbox


def test_it_says_so_when_no_expert_is_left_to_ask(client, thread, leader):
    ExpertFactory(status=Expert.Status.MAPPED)
    client.force_login(leader)
    response = client.get(_ask_url(thread))
    assert response.context["suggestions"] == []
    assert "No engaged or active expert is left to ask." in response.content.decode()


# --- Answers ----------------------------------------------------------------------------------------------------


def test_it_counts_only_the_first_answer_of_a_flagged_expert(thread):
    referral = ReferralFactory(thread=thread)
    first = PostFactory(thread=thread, author=referral.expert.member)
    assert services.referral_record_answer(post=first) == 1
    later = PostFactory(thread=thread, author=referral.expert.member, created_at=timezone.now() + timedelta(hours=1))
    assert services.referral_record_answer(post=later) == 0
    referral.refresh_from_db()
    assert referral.first_answer == first
    assert Activity.objects.filter(kind=Activity.Kind.EXPERT_ANSWER).count() == 1


def test_it_does_not_count_replies_from_others_as_expert_answers(thread):
    referral = ReferralFactory(thread=thread)
    ReferralFactory(expert=referral.expert)  # the same expert, flagged into another thread
    someone = PostFactory(thread=thread)
    assert services.referral_record_answer(post=someone) == 0
    referral.refresh_from_db()
    assert referral.status == Referral.Status.OPEN
    assert not Activity.objects.filter(kind=Activity.Kind.EXPERT_ANSWER).exists()


def test_it_lets_a_flagged_expert_answer_in_an_open_community_they_have_not_joined(client, thread):
    referral = ReferralFactory(thread=thread)
    client.force_login(referral.expert.member)
    assert "Post reply" in client.get(thread.get_absolute_url()).content.decode()
    response = client.post(
        reverse("communities:reply", args=[thread.community.slug, thread.pk]), {"body": "Here is what worked."}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ANSWERED
    assert not Membership.objects.filter(member=referral.expert.member).exists()


# --- Rating rules ------------------------------------------------------------------------------------------------


def test_it_lets_only_the_asker_rate(client, answered):
    other = member_of(answered.community)
    client.force_login(other)
    rate_url = reverse("experts:rate", args=[answered.pk])
    assert client.get(rate_url).status_code == 404
    assert client.post(rate_url, {"score": "4"}).status_code == 404
    assert rate_url not in client.get(answered.thread.get_absolute_url()).content.decode()
    assert not Rating.objects.exists()
    answered.refresh_from_db()
    assert answered.status == Referral.Status.ANSWERED


def test_it_lets_the_asker_rate_only_while_an_active_member_of_the_community(client, answered):
    Membership.objects.filter(member=answered.asked_by, community=answered.community).update(
        status=Membership.Status.LEFT, left_at=timezone.now()
    )
    client.force_login(answered.asked_by)
    response = client.post(reverse("experts:rate", args=[answered.pk]), {"score": "4"})
    assert response.status_code == 302
    assert response.url == answered.thread.get_absolute_url()
    assert "This answer cannot be rated" in " ".join(_messages(response))
    assert not Rating.objects.exists()
    assert not services.can_rate(member=answered.asked_by, referral=answered)
    answered.refresh_from_db()
    assert answered.status == Referral.Status.ANSWERED


def test_it_hides_the_rate_link_from_an_asker_who_left_the_community(client, answered):
    Membership.objects.filter(member=answered.asked_by, community=answered.community).update(
        status=Membership.Status.LEFT, left_at=timezone.now()
    )
    client.force_login(answered.asked_by)
    html = client.get(answered.thread.get_absolute_url()).content.decode()
    assert reverse("experts:rate", args=[answered.pk]) not in html


def test_it_lets_the_asker_rate_only_once(client, answered):
    client.force_login(answered.asked_by)
    rate_url = reverse("experts:rate", args=[answered.pk])
    assert client.post(rate_url, {"score": "4"}).status_code == 302
    response = client.post(rate_url, {"score": "1"})
    assert response.status_code == 302
    assert "This answer cannot be rated" in " ".join(_messages(response))
    assert list(Rating.objects.values_list("score", flat=True)) == [4]
    with pytest.raises(services.ExpertError):
        services.referral_rate(referral=answered, member=answered.asked_by, score=2)
    assert Rating.objects.count() == 1


def test_it_does_not_let_the_asker_rate_before_an_answer(client, thread):
    referral = ReferralFactory(thread=thread)
    client.force_login(thread.author)
    rate_url = reverse("experts:rate", args=[referral.pk])
    response = client.post(rate_url, {"score": "5"})
    assert response.status_code == 302
    assert "not answered yet" in " ".join(_messages(response))
    assert rate_url not in client.get(thread.get_absolute_url()).content.decode()
    assert not Rating.objects.exists()
    referral.refresh_from_db()
    assert referral.status == Referral.Status.OPEN


def test_it_does_not_let_an_expert_rate_their_own_answer(client, community):
    expert = MemberExpertFactory()
    Membership.objects.create(
        member=expert.member, community=community, status=Membership.Status.ACTIVE, joined_at=timezone.now()
    )
    thread = ThreadFactory(community=community, author=expert.member)  # the expert asked, and was flagged in
    referral = ReferralFactory(thread=thread, expert=expert)
    services.referral_record_answer(post=PostFactory(thread=thread, author=expert.member))
    referral.refresh_from_db()
    assert referral.asked_by == expert.member and referral.first_answer_at

    client.force_login(expert.member)
    response = client.post(reverse("experts:rate", args=[referral.pk]), {"score": "5"})
    assert response.status_code == 302
    assert not Rating.objects.exists()
    assert not services.can_rate(member=expert.member, referral=referral)


@pytest.mark.parametrize("score", ["0", "6", "-1", "five", ""])
def test_it_refuses_a_score_outside_one_to_five(client, answered, score):
    client.force_login(answered.asked_by)
    response = client.post(reverse("experts:rate", args=[answered.pk]), {"score": score})
    assert response.status_code == 200
    assert response.context["form"].errors["score"]
    assert not Rating.objects.exists()
    answered.refresh_from_db()
    assert answered.status == Referral.Status.ANSWERED


def test_it_refuses_a_score_outside_one_to_five_in_the_service_too(answered):
    with pytest.raises(services.ExpertError, match="1 to 5"):
        services.referral_rate(referral=answered, member=answered.asked_by, score=7)
    assert not Rating.objects.exists()


def test_it_keeps_the_rate_page_for_the_asker_only(client, answered):
    client.force_login(answered.asked_by)
    response = client.get(reverse("experts:rate", args=[answered.pk]))
    assert response.status_code == 200
    assert answered.expert.name in response.content.decode()
    client.force_login(MemberFactory())
    assert client.get(reverse("experts:rate", args=[answered.pk])).status_code == 404


def test_the_due_date_is_written_in_the_experts_time_zone(
    thread, leader, mailoutbox, django_capture_on_commit_callbacks
):
    """Due at 20:00 UTC on 10 December is 02:30 on 11 December in Yangon: the email says so, as the site does."""
    from datetime import UTC, datetime

    expert = MemberExpertFactory(member=MemberFactory(time_zone="Asia/Yangon", language="en"))
    unlinked = ExpertFactory(email="unlinked@experts.example.org")
    leader.time_zone = "America/New_York"  # the due date is the end of a day where the asker is
    leader.save()
    due = datetime(timezone.now().year + 1, 12, 10, 20, 0, tzinfo=UTC)

    with django_capture_on_commit_callbacks(execute=True):
        services.referral_create(
            thread=thread, community=thread.community, experts=[expert, unlinked], flagged_by=leader, due_at=due
        )

    bodies = {message.to[0]: message.body for message in mailoutbox}
    # With its time and zone: "by 11 December" alone was overdue 02:30 into the day it named.
    assert f"by 11 December {due.year}, 02:30 (Asia/Yangon)." in bodies[expert.member.email]
    assert f"by 10 December {due.year}, 15:00 (America/New_York)." in bodies["unlinked@experts.example.org"]


def test_an_expert_without_an_account_is_written_to_in_a_language_they_work_in(
    thread, leader, mailoutbox, django_capture_on_commit_callbacks
):
    from members.models import Language

    russian, english, french = (
        Language.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in (("ru", "Russian"), ("en", "English"), ("fr", "French"))
    )
    only_russian = ExpertFactory(email="ru@experts.example.org", languages=[russian])
    both = ExpertFactory(email="both@experts.example.org", languages=[russian, english])
    not_offered = ExpertFactory(email="fr@experts.example.org", languages=[french])

    with django_capture_on_commit_callbacks(execute=True):
        services.referral_create(
            thread=thread, community=thread.community, experts=[only_russian, both, not_offered], flagged_by=leader,
            due_at=timezone.now() + timedelta(days=3),
        )  # fmt: skip

    from django.utils import translation

    subjects = {message.to[0]: message.subject for message in mailoutbox}
    asked = "Your expertise is requested: “%(thread)s”"
    with translation.override("ru"):
        in_russian = translation.gettext(asked) % {"thread": thread.title}
    assert in_russian != asked % {"thread": thread.title}
    assert subjects == {
        "ru@experts.example.org": in_russian,
        "both@experts.example.org": asked % {"thread": thread.title},  # the site's language, which they work in
        "fr@experts.example.org": asked % {"thread": thread.title},  # French is not offered
    }


@pytest.mark.parametrize("viewer", ["member", "coordinator"])
def test_an_expert_no_longer_listed_is_not_named_on_the_thread_but_to_the_coordinator(client, viewer):
    """The thread named an inactive expert to every reader, whose profile is a 404 to them."""
    community = CommunityFactory()
    withdrawn = ReferralFactory(thread=ThreadFactory(community=community), expert__name="Orca Withdrawn")
    ReferralFactory(thread=withdrawn.thread, expert__name="Mai Listed")
    Expert.objects.filter(pk=withdrawn.expert_id).update(status=Expert.Status.INACTIVE)
    client.force_login(member_of(community) if viewer == "member" else CoordinatorFactory())

    page = client.get(withdrawn.thread.get_absolute_url()).content.decode()

    assert "Mai Listed" in page
    assert ("Orca Withdrawn" in page) == (viewer == "coordinator")
    assert ("An expert" in page) == (viewer == "member")


def test_the_threads_panel_gives_the_due_time_in_the_readers_zone(client, thread):
    """ "Answer due 11 Dec" read as the end of that day, where the question was due 02:30 into it."""
    from datetime import UTC, datetime

    due = datetime(timezone.now().year + 1, 12, 10, 20, 0, tzinfo=UTC)
    ReferralFactory(thread=thread, due_at=due)
    reader = member_of(thread.community, member__time_zone="Asia/Yangon")
    client.force_login(reader)

    page = client.get(thread.get_absolute_url()).content.decode()

    assert f"Answer due 11 Dec {due.year}, 02:30" in page
