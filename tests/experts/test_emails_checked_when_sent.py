"""An email about a thread is checked again when the worker sends it: written hours before (the broker was down),
it no longer goes to someone who may not read the thread any more (cop_platform.mail.outbox_send,
communities.access.thread_still_readable). Referrals to experts and their reminders are the emails about threads."""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from communities import services as community_services
from communities.models import Community, Membership
from cop_platform.models import OutboxEmail
from cop_platform.tasks import send_email_task
from experts import services
from experts.models import Referral
from tests.communities.factories import CommunityFactory, ThreadFactory, member_of
from tests.factories import MemberFactory

from .factories import ExpertFactory, MemberExpertFactory, ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return CommunityFactory(name="Social protection", slug="social-protection")


@pytest.fixture
def thread(community):
    return ThreadFactory(community=community, title="Cash transfers in a crisis")


@pytest.fixture
def coordinator():
    return MemberFactory(is_staff=True, is_superuser=True)


def _ask_while_the_broker_is_down(django_capture_on_commit_callbacks, thread, expert, coordinator) -> OutboxEmail:
    """The referral and its email are written; the hand-off to a worker (after the commit) never happens."""
    with django_capture_on_commit_callbacks(execute=False):
        services.referral_create(
            thread=thread, community=thread.community, experts=[expert], flagged_by=coordinator,
            due_at=timezone.now() + timedelta(days=3),
        )  # fmt: skip
    return OutboxEmail.objects.get()


def _sent_later(entry: OutboxEmail) -> None:
    send_email_task.delay(entry.pk)


def test_an_email_still_readable_goes_out(django_capture_on_commit_callbacks, mailoutbox, thread, coordinator):
    entry = _ask_while_the_broker_is_down(
        django_capture_on_commit_callbacks, thread, MemberExpertFactory(), coordinator
    )

    _sent_later(entry)

    assert len(mailoutbox) == 1 and "Cash transfers in a crisis" in mailoutbox[0].subject
    assert OutboxEmail.objects.get().sent_at is not None


def test_an_email_about_a_thread_hidden_since_is_dropped(
    django_capture_on_commit_callbacks, mailoutbox, caplog, thread, coordinator
):
    entry = _ask_while_the_broker_is_down(
        django_capture_on_commit_callbacks, thread, MemberExpertFactory(), coordinator
    )
    community_services.thread_moderate(thread=thread, actor=coordinator, action="hide")

    with caplog.at_level(logging.INFO, logger="cop_platform.mail"):
        _sent_later(entry)

    assert mailoutbox == []
    assert not OutboxEmail.objects.exists()
    assert any(record.levelno == logging.INFO and "dropped" in record.getMessage() for record in caplog.records)


def test_an_email_to_an_expert_without_an_account_about_a_thread_hidden_since_is_dropped(
    django_capture_on_commit_callbacks, mailoutbox, thread, coordinator
):
    expert = ExpertFactory(email="nilar@university.example.org")
    entry = _ask_while_the_broker_is_down(django_capture_on_commit_callbacks, thread, expert, coordinator)
    community_services.thread_moderate(thread=thread, actor=coordinator, action="hide")

    _sent_later(entry)

    assert mailoutbox == []


def test_an_email_about_a_thread_moved_since_where_it_links_no_more_is_dropped(
    django_capture_on_commit_callbacks, mailoutbox, thread, coordinator
):
    entry = _ask_while_the_broker_is_down(
        django_capture_on_commit_callbacks, thread, MemberExpertFactory(), coordinator
    )
    private = CommunityFactory(visibility=Community.Visibility.PRIVATE)
    community_services.thread_move(thread=thread, actor=coordinator, to=private)

    _sent_later(entry)

    assert mailoutbox == []


def test_an_email_to_a_member_who_left_the_private_community_since_is_dropped(
    django_capture_on_commit_callbacks, mailoutbox, coordinator
):
    private = CommunityFactory(visibility=Community.Visibility.PRIVATE)
    thread = ThreadFactory(community=private)
    expert = MemberExpertFactory()
    member_of(private, member=expert.member)
    entry = _ask_while_the_broker_is_down(django_capture_on_commit_callbacks, thread, expert, coordinator)
    # Resolved (so no longer a guest of the thread), and out of the community.
    Referral.objects.update(status=Referral.Status.RESOLVED)
    community_services.community_leave(member=expert.member, community=private)
    assert not Membership.objects.active().filter(member=expert.member).exists()

    _sent_later(entry)

    assert mailoutbox == []


def test_a_reminder_about_a_thread_hidden_before_it_was_sent_is_dropped(
    django_capture_on_commit_callbacks, mailoutbox, thread, coordinator
):
    ReferralFactory(thread=thread, expert=MemberExpertFactory(), due_at=timezone.now() - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=False):
        assert services.remind_overdue_referrals() == 1
    community_services.thread_moderate(thread=thread, actor=coordinator, action="hide")

    _sent_later(OutboxEmail.objects.get())

    assert mailoutbox == []


def test_an_email_about_no_thread_is_sent_as_before(django_capture_on_commit_callbacks, mailoutbox):
    from django.core.mail import EmailMessage

    from cop_platform.mail import queue_email

    with django_capture_on_commit_callbacks(execute=False):
        entry = queue_email(EmailMessage(subject="Hello", body="Plain", to=["someone@example.org"]))

    _sent_later(entry)

    assert [message.subject for message in mailoutbox] == ["Hello"]
