"""Overdue referrals: one reminder each (experts.tasks.remind_overdue_referrals_task), and the coverage page."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from communities.models import Notification
from experts.models import Referral
from experts.tasks import remind_overdue_referrals_task

from .factories import ExpertFactory, MemberExpertFactory, ReferralFactory

pytestmark = pytest.mark.django_db


def _past(days=1):
    return timezone.now() - timedelta(days=days)


def _run(django_capture_on_commit_callbacks) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return remind_overdue_referrals_task.delay().get()


def test_it_reminds_an_overdue_open_referral_exactly_once(mailoutbox, django_capture_on_commit_callbacks):
    expert = ExpertFactory(name="Nilar Aung", email="nilar@university.example.org")
    referral = ReferralFactory(expert=expert, due_at=_past(), thread__title="Cash transfers in a crisis")

    assert _run(django_capture_on_commit_callbacks) == 1
    referral.refresh_from_db()
    first_reminder = referral.reminded_at
    assert first_reminder is not None
    assert referral.status == Referral.Status.OPEN
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["nilar@university.example.org"]
    assert message.subject.startswith("Reminder")
    assert "Cash transfers in a crisis" in message.subject
    assert "Dear Nilar Aung" in message.body
    assert f"{settings.SITE_URL}{referral.thread.get_absolute_url()}" in message.body

    # A second run (or a second beat process) finds nothing to do.
    assert _run(django_capture_on_commit_callbacks) == 0
    assert remind_overdue_referrals_task.apply().get() == 0
    assert len(mailoutbox) == 1
    referral.refresh_from_db()
    assert referral.reminded_at == first_reminder


def test_it_notifies_an_expert_with_an_account_in_the_site_too(mailoutbox, django_capture_on_commit_callbacks):
    referral = ReferralFactory(expert=MemberExpertFactory(), due_at=_past())
    _run(django_capture_on_commit_callbacks)
    notification = Notification.objects.get(recipient=referral.expert.member)
    assert notification.kind == Notification.Kind.REFERRAL
    assert notification.url == referral.thread.get_absolute_url()
    assert [m.to for m in mailoutbox] == [[referral.expert.member.email]]


def test_it_does_not_remind_answered_resolved_or_not_yet_due_referrals(mailoutbox, django_capture_on_commit_callbacks):
    answered = ReferralFactory(due_at=_past(), status=Referral.Status.ANSWERED, first_answer_at=_past(2))
    resolved = ReferralFactory(due_at=_past(), status=Referral.Status.RESOLVED, first_answer_at=_past(2))
    not_due = ReferralFactory(due_at=timezone.now() + timedelta(hours=1))
    overdue = ReferralFactory(due_at=_past(3))

    assert _run(django_capture_on_commit_callbacks) == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [overdue.expert.member.email]
    reminded = set(Referral.objects.filter(reminded_at__isnull=False).values_list("pk", flat=True))
    assert reminded == {overdue.pk}
    for referral in (answered, resolved, not_due):
        referral.refresh_from_db()
        assert referral.reminded_at is None


def test_it_does_not_remind_a_referral_reminded_before(mailoutbox, django_capture_on_commit_callbacks):
    ReferralFactory(due_at=_past(5), reminded_at=_past(4))
    assert _run(django_capture_on_commit_callbacks) == 0
    assert mailoutbox == []


def test_it_does_not_remind_about_a_thread_hidden_or_moved_since_or_an_expert_no_longer_active(
    mailoutbox, django_capture_on_commit_callbacks
):
    """As the digest: the email would link to a page the expert cannot open (or ask a retired expert)."""
    from experts.models import Expert
    from tests.communities.factories import CommunityFactory

    ReferralFactory(due_at=_past(), thread__is_hidden=True)
    moved = ReferralFactory(due_at=_past())
    moved.thread.community = CommunityFactory()
    moved.thread.save(update_fields=["community"])
    ReferralFactory(due_at=_past(), expert=ExpertFactory(status=Expert.Status.INACTIVE))
    waiting = ReferralFactory(due_at=_past())

    assert _run(django_capture_on_commit_callbacks) == 1
    assert set(Referral.objects.filter(reminded_at__isnull=False).values_list("pk", flat=True)) == {waiting.pk}


def test_it_lists_overdue_referrals_on_the_coverage_page(client, coordinator):
    overdue = ReferralFactory(due_at=_past(2), thread__title="Overdue payroll question")
    reminded = ReferralFactory(due_at=_past(9), reminded_at=_past(8), thread__title="Reminded pension question")
    ReferralFactory(due_at=timezone.now() + timedelta(days=2), thread__title="Not yet due question")
    ReferralFactory(due_at=_past(), status=Referral.Status.ANSWERED, thread__title="Answered late question")

    client.force_login(coordinator)
    response = client.get(reverse("experts:coverage"))
    assert response.status_code == 200
    assert list(response.context["overdue"]) == [reminded, overdue]  # the longest overdue first
    html = response.content.decode()
    assert "Overdue payroll question" in html
    assert overdue.expert.name in html
    assert reverse("communities:thread", args=[overdue.community.slug, overdue.thread.pk]) in html
    assert "Not yet due question" not in html
    assert "Answered late question" not in html


def test_it_marks_an_overdue_referral_on_the_thread_page(client):
    referral = ReferralFactory(due_at=_past(2))
    client.force_login(referral.thread.author)
    html = client.get(referral.thread.get_absolute_url()).content.decode()
    assert "Overdue since" in html


@pytest.fixture
def real_worker():
    from celery.contrib.testing.worker import start_worker

    from cop_platform.celery import app as celery_app

    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10):
            yield
    finally:
        celery_app.conf.task_always_eager = True


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_reminder_once(real_worker, mailoutbox):
    import time

    from django.core import mail

    referral = ReferralFactory(expert=ExpertFactory(email="late@university.example.org"), due_at=_past())
    remind_overdue_referrals_task.delay()  # no result backend on the default broker: watch the outbox instead
    deadline = time.monotonic() + 20
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [m.to for m in mail.outbox] == [["late@university.example.org"]]
    referral.refresh_from_db()
    assert referral.reminded_at is not None
    # Another run, here in the test process, finds the reminder already claimed by the worker.
    assert remind_overdue_referrals_task.apply().get() == 0
    assert len(mail.outbox) == 1


def test_an_expert_without_an_account_is_told_how_to_get_one_that_opens_the_question(
    mailoutbox, django_capture_on_commit_callbacks
):
    """Asked and reminded alike: signing up with the address the email came to links the expert profile, and a
    question in a private community opens only then."""
    from experts import services

    without = ExpertFactory(email="nilar@university.example.org")
    referral = ReferralFactory(expert=without, due_at=_past())
    with_account = ReferralFactory(expert=MemberExpertFactory(), due_at=_past())

    _run(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_create(
            thread=with_account.thread, community=with_account.community, experts=[without],
            flagged_by=with_account.flagged_by, due_at=timezone.now() + timedelta(days=3),
        )  # fmt: skip

    bodies = {(message.to[0], message.subject.startswith("Reminder")): message.body for message in mailoutbox}
    signup = f"{settings.SITE_URL}{reverse('account_signup')}"
    for reminded in (True, False):
        body = " ".join(bodies["nilar@university.example.org", reminded].split())
        assert "Sign up with this email address (nilar@university.example.org) and confirm it" in body
        assert signup in body
    assert signup not in bodies[with_account.expert.member.email, True]
    assert referral.thread.get_absolute_url() in bodies["nilar@university.example.org", True]
