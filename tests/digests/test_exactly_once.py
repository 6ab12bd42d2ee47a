"""At most one digest per member and period, however often the planner and the batches run, and no item twice."""

import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from digests import emails, services
from digests.models import DigestDelivery, DigestPreference, DigestRound, Frequency
from digests.tasks import plan_digests_task
from tests.communities.factories import CommunityFactory, MembershipFactory, ThreadFactory
from tests.events.factories import EventFactory
from tests.factories import MemberFactory

from .factories import NewsItemFactory

pytestmark = pytest.mark.django_db

Status = DigestDelivery.Status


@pytest.fixture
def community():
    return CommunityFactory(name="Budget practitioners")


@pytest.fixture
def author():
    """Writes the discussions; has switched the digest off, so the counts below are the readers' only."""
    member = MemberFactory()
    DigestPreference.objects.create(member=member, frequency=Frequency.OFF)
    return member


def subscriber(community, **kwargs):
    """A member of `community` who opened their digest preferences once (every two weeks, due now)."""
    member = MembershipFactory(community=community, member=MemberFactory(**kwargs)).member
    if member.is_active:
        services.preference_for(member)
    return member


@pytest.fixture
def now():
    """A moment just ahead, a few hours clear of midnight UTC (where periods end), so that runs an hour or two
    apart fall in one period whatever the wall clock says."""
    moment = timezone.now() + timedelta(minutes=1)
    return moment + timedelta(hours=5) if moment.hour >= 20 else moment


def open_null():
    return io.StringIO()


def run(now=None) -> dict:
    """One planner run and its batch, at `now`."""
    _round, ids = services.plan(now=now)
    return services.send_batch(ids, now=now)


def test_it_never_repeats_an_item_in_the_next_periods_digest(community, mailoutbox, author, now):
    reader = subscriber(community)
    start = now
    thread = ThreadFactory(community=community, author=author, title="Budget reform pilots")
    event = EventFactory(title="Budget webinar", communities=[community], starts_at=start + timedelta(days=30))
    news = NewsItemFactory(title="Call for case studies", expires_at=start + timedelta(days=60))

    assert run(start)["sent"] == 1
    first = mailoutbox[0].body
    assert "Budget reform pilots" in first and "Budget webinar" in first and "Call for case studies" in first

    # Two weeks on: the thread got new replies, the event and the news item are still current, and there is one
    # new discussion. Only the new discussion is news to the reader.
    thread.last_activity_at = start + timedelta(days=10)
    thread.reply_count = 4
    thread.save()
    ThreadFactory(
        community=community, author=author, title="Payroll audits", last_activity_at=start + timedelta(days=12)
    )
    later = DigestPreference.objects.get(member=reader).next_digest_at  # two weeks on, in the reader's morning
    assert start + timedelta(days=14) <= later < start + timedelta(days=15)

    assert run(later)["sent"] == 1

    assert len(mailoutbox) == 2
    second = mailoutbox[1].body
    assert "Payroll audits" in second
    assert "Budget reform pilots" not in second
    assert "Budget webinar" not in second
    assert "Call for case studies" not in second
    first_row, second_row = DigestDelivery.objects.filter(member=reader).order_by("created_at", "pk")
    assert first_row.items["threads"] == [thread.pk]
    assert first_row.items["events"] == [event.pk]
    assert first_row.items["news"] == [news.pk]
    assert first_row.period != second_row.period
    assert second_row.items["events"] == [] and second_row.items["news"] == []


def test_it_skips_an_empty_digest_without_an_email(mailoutbox):
    quiet = MemberFactory()
    services.preference_for(quiet)

    result = run()

    assert result == {"sent": 0, "skipped": 1, "failed": 0, "retry": []}
    assert mailoutbox == []
    delivery = DigestDelivery.objects.get(member=quiet)
    assert delivery.status == Status.SKIPPED_EMPTY
    assert delivery.items == {}
    assert DigestPreference.objects.get(member=quiet).last_sent_at is None


def test_running_the_planner_twice_in_a_period_sends_one_email_per_member(community, mailoutbox, author, now):
    members = [subscriber(community) for _ in range(3)]
    ThreadFactory(community=community, author=author)

    assert run(now)["sent"] == 3
    assert run(now + timedelta(hours=1))["sent"] == 0
    # Even when every member is treated as due again, the period's row already exists.
    round_, ids = services.plan(now=now + timedelta(hours=2), everyone=True)
    assert ids == [] and round_.planned == 0
    assert services.send_batch(ids)["sent"] == 0

    assert sorted(m.to[0] for m in mailoutbox) == sorted(m.email for m in members)
    assert DigestDelivery.objects.count() == 3


def test_send_digests_now_twice_sends_one_email_per_member(community, mailoutbox, author):
    members = [subscriber(community) for _ in range(2)]
    ThreadFactory(community=community, author=author)

    call_command("send_digests", now=True, stdout=open_null())
    call_command("send_digests", now=True, stdout=open_null())

    assert sorted(m.to[0] for m in mailoutbox) == sorted(m.email for m in members)
    assert DigestDelivery.objects.filter(status=Status.SENT).count() == 2
    assert list(DigestRound.objects.order_by("started_at").values_list("planned", flat=True)) == [2, 0]


def test_the_hourly_task_twice_sends_one_email_per_member(community, mailoutbox, author):
    members = [subscriber(community) for _ in range(2)]
    ThreadFactory(community=community, author=author)

    assert plan_digests_task.delay().get() == 2
    assert plan_digests_task.delay().get() == 0

    assert sorted(m.to[0] for m in mailoutbox) == sorted(m.email for m in members)


def test_two_batches_with_the_same_ids_send_once(community, mailoutbox, author):
    subscriber(community)
    ThreadFactory(community=community, author=author)
    _round, ids = services.plan()

    assert services.send_batch(ids)["sent"] == 1
    assert services.send_batch(ids) == {"sent": 0, "skipped": 0, "failed": 0, "retry": []}

    assert len(mailoutbox) == 1
    assert DigestDelivery.objects.get().attempts == 1


def test_a_batch_skips_a_row_another_worker_claimed_meanwhile(community, mailoutbox, monkeypatch, author):
    first, second = subscriber(community), subscriber(community)
    ThreadFactory(community=community, author=author)
    _round, ids = services.plan()
    original_claim = services._claim

    def claimed_elsewhere(delivery_id, now, **kwargs):
        # Another worker wins the claim on the first member's row between our read and our claim.
        if DigestDelivery.objects.get(pk=delivery_id).member_id == first.pk:
            DigestDelivery.objects.filter(pk=delivery_id).update(status=Status.SENDING, claimed_at=now)
        return original_claim(delivery_id, now, **kwargs)

    monkeypatch.setattr(services, "_claim", claimed_elsewhere)

    assert services.send_batch(ids)["sent"] == 1

    assert [m.to for m in mailoutbox] == [[second.email]]
    assert DigestDelivery.objects.get(member=first).status == Status.SENDING


def test_a_row_left_sending_by_a_dead_worker_is_not_resent_and_is_swept(community, mailoutbox, author, now):
    crashed, waiting, also_waiting = (subscriber(community) for _ in range(3))
    ThreadFactory(community=community, author=author)
    _round, ids = services.plan(now=now)
    # The worker claimed the first row, maybe handed the email to the SMTP server, and was killed.
    DigestDelivery.objects.filter(member=crashed).update(
        status=Status.SENDING, claimed_at=now - timedelta(hours=2), attempts=1
    )

    # Celery redelivers the batch (acks_late) to another worker.
    assert services.send_batch(ids, now=now)["sent"] == 2

    assert sorted(m.to[0] for m in mailoutbox) == sorted([waiting.email, also_waiting.email])
    assert services.sweep_stale(now=now) == 1
    row = DigestDelivery.objects.get(member=crashed)
    assert row.status == Status.FAILED
    assert row.error == "worker stopped while sending; not resent to avoid a duplicate"
    assert row.attempts == 1
    # Later batches and planner runs in the same period leave it alone.
    assert services.send_batch(ids)["sent"] == 0
    assert run(now + timedelta(hours=1))["sent"] == 0
    assert len(mailoutbox) == 2


def test_sweeping_leaves_a_fresh_claim_to_the_worker_that_holds_it(community):
    subscriber(community)
    _round, ids = services.plan()
    claimed_at = timezone.now() - timedelta(minutes=10)
    DigestDelivery.objects.filter(pk__in=ids).update(status=Status.SENDING, claimed_at=claimed_at)

    assert services.sweep_stale() == 0

    row = DigestDelivery.objects.get()
    assert row.status == Status.SENDING and row.claimed_at == claimed_at and row.error == ""


def test_rows_left_queued_by_a_lost_batch_are_sent_by_the_next_planner_run(community, mailoutbox, author):
    reader = subscriber(community)
    ThreadFactory(community=community, author=author)
    services.plan()  # its batch task never ran

    plan_digests_task.delay()

    assert [m.to for m in mailoutbox] == [[reader.email]]
    assert DigestDelivery.objects.get().status == Status.SENT


def test_members_who_should_not_get_a_digest_get_nothing(community, mailoutbox, author):
    reader = subscriber(community)
    switched_off = subscriber(community)
    services.preference_set(member=switched_off, frequency=Frequency.OFF)
    inactive = subscriber(community, is_active=False)
    unverified = subscriber(community)
    EmailAddress.objects.filter(user=unverified).update(verified=False)
    no_address = subscriber(community)
    EmailAddress.objects.filter(user=no_address).delete()
    not_primary = subscriber(community)
    EmailAddress.objects.filter(user=not_primary).update(primary=False)
    ThreadFactory(community=community, author=author)

    _round, ids = services.plan(everyone=True)
    services.send_batch(ids)
    call_command("send_digests", now=True, stdout=open_null())

    assert [m.to for m in mailoutbox] == [[reader.email]]
    assert list(DigestDelivery.objects.values_list("member", flat=True)) == [reader.pk]
    assert not DigestPreference.objects.filter(member=inactive).exists()


def test_a_member_who_never_set_preferences_is_due_at_the_first_run(community, author):
    newcomer = MembershipFactory(community=community).member
    ThreadFactory(community=community, author=author)

    _round, ids = services.plan()

    assert list(DigestDelivery.objects.filter(pk__in=ids).values_list("member", flat=True)) == [newcomer.pk]


def test_a_member_not_yet_due_is_not_planned(community):
    reader = subscriber(community)
    later = subscriber(community)
    DigestPreference.objects.filter(member=later).update(next_digest_at=timezone.now() + timedelta(days=3))

    _round, ids = services.plan()

    assert list(DigestDelivery.objects.filter(pk__in=ids).values_list("member", flat=True)) == [reader.pk]


@pytest.mark.parametrize(
    ("frequency", "days"), [(Frequency.WEEKLY, 7), (Frequency.BIWEEKLY, 14), (Frequency.MONTHLY, 30)]
)
def test_next_digest_at_advances_by_the_frequency(community, frequency, days, now):
    reader = subscriber(community)
    DigestPreference.objects.filter(member=reader).update(frequency=frequency)

    services.plan(now=now)

    due_again = services.next_due(frequency, now, reader.time_zone)
    local = due_again.astimezone(ZoneInfo(reader.time_zone or settings.TIME_ZONE))
    assert (local.hour, local.minute) == (services.DIGEST_LOCAL_HOUR, 0)  # in the reader's morning
    if frequency == Frequency.MONTHLY:
        assert local.day == 1 and due_again > now  # the first of next month, whatever the month's length
    else:
        assert now + timedelta(days=days) <= due_again < now + timedelta(days=days + 1)
    assert DigestPreference.objects.get(member=reader).next_digest_at == due_again
    assert DigestDelivery.objects.get(member=reader).period.startswith(f"{frequency}:")
    # Not due again until then: no new delivery row before that moment, one at it.
    services.plan(now=due_again - timedelta(minutes=1))
    assert DigestDelivery.objects.filter(member=reader).count() == 1
    services.plan(now=due_again)
    assert DigestDelivery.objects.filter(member=reader).count() == 2


def test_periods_are_fixed_windows():
    preference = DigestPreference(frequency=Frequency.BIWEEKLY)
    assert preference.period_key(datetime(2026, 1, 5, tzinfo=UTC)) == "biweekly:2026-01-05"
    assert preference.period_key(datetime(2026, 1, 18, 23, tzinfo=UTC)) == "biweekly:2026-01-05"
    assert preference.period_key(datetime(2026, 1, 19, tzinfo=UTC)) == "biweekly:2026-01-19"
    preference.frequency = Frequency.WEEKLY
    assert preference.period_key(datetime(2026, 1, 11, tzinfo=UTC)) == "weekly:2026-01-05"
    assert preference.period_key(datetime(2026, 1, 12, tzinfo=UTC)) == "weekly:2026-01-12"
    preference.frequency = Frequency.MONTHLY
    assert preference.period_key(datetime(2026, 2, 28, tzinfo=UTC)) == "monthly:2026-02"


def test_a_monthly_member_gets_a_digest_every_calendar_month(community):
    reader = subscriber(community)
    DigestPreference.objects.filter(member=reader).update(
        frequency=Frequency.MONTHLY, next_digest_at=datetime(2025, 12, 31, tzinfo=UTC)
    )
    moment = datetime(2026, 1, 1, 9, tzinfo=UTC)
    end = datetime(2026, 4, 1, tzinfo=UTC)

    while moment < end:  # the hourly beat, one run a day is enough here
        services.plan(now=moment)
        moment += timedelta(days=1)

    periods = sorted(DigestDelivery.objects.filter(member=reader).values_list("period", flat=True))
    assert periods == ["monthly:2026-01", "monthly:2026-02", "monthly:2026-03"]


def test_switching_to_monthly_does_not_send_the_fortnights_issue_hours_before_the_months(community, monkeypatch):
    """Due on 31 January at 22:00 (fortnightly), then switched to monthly: the January issue went out at 22:05 and
    February's at 00:05."""
    reader = subscriber(community)
    DigestPreference.objects.filter(member=reader).update(next_digest_at=datetime(2027, 1, 31, 22, tzinfo=UTC))
    monkeypatch.setattr(services.timezone, "now", lambda: datetime(2027, 1, 20, 9, tzinfo=UTC))
    services.preference_set(member=reader, frequency=Frequency.MONTHLY)

    moment = datetime(2027, 1, 31, 0, 5, tzinfo=UTC)
    while moment < datetime(2027, 2, 2, tzinfo=UTC):  # the hourly beat
        services.plan(now=moment)
        moment += timedelta(hours=1)

    assert list(DigestDelivery.objects.filter(member=reader).values_list("period", flat=True)) == ["monthly:2027-02"]


def test_a_crash_mid_batch_keeps_what_was_sent_and_never_resends_the_email_in_flight(
    community, mailoutbox, author, monkeypatch
):
    members = {m.pk: m for m in (subscriber(community) for _ in range(3))}
    ThreadFactory(community=community, author=author)
    _round, ids = services.plan()
    original = emails.build_message
    built = []

    def build_message(member, digest, **kwargs):
        built.append(member.pk)
        if len(built) == 2:
            raise MemoryError("worker killed")  # not an SMTP error: the batch stops with this email in flight
        return original(member, digest, **kwargs)

    monkeypatch.setattr(emails, "build_message", build_message)

    with pytest.raises(MemoryError):
        services.send_batch(ids)

    first, in_flight = built
    status = dict(DigestDelivery.objects.values_list("member_id", "status"))
    assert status.pop(first) == Status.SENT  # accepted before the crash: marked on the way out
    assert status.pop(in_flight) == Status.SENDING
    assert list(status.values()) == [Status.QUEUED]
    [untouched] = status

    assert services.send_batch(ids)["sent"] == 1  # Celery redelivers the batch

    assert [m.to[0] for m in mailoutbox] == [members[first].email, members[untouched].email]
    assert DigestDelivery.objects.get(member=in_flight).status == Status.SENDING


@pytest.mark.parametrize(
    ("zone", "sent_at", "due"),
    [
        # Sent at 10:00 UTC (16:30 in Yangon): two weeks on, the next 07:00 in Yangon is the morning after.
        ("Asia/Yangon", datetime(2027, 3, 1, 10, tzinfo=UTC), datetime(2027, 3, 16, 0, 30, tzinfo=UTC)),
        # 23:00 UTC is already 05:00 in Almaty: its 07:00 is two hours on, the same day there.
        ("Asia/Almaty", datetime(2027, 3, 1, 23, tzinfo=UTC), datetime(2027, 3, 16, 2, tzinfo=UTC)),
        # New York's clocks move forward on 14 March 2027: 07:00 there is 11:00 UTC after it, not 12:00.
        ("America/New_York", datetime(2027, 3, 1, 15, tzinfo=UTC), datetime(2027, 3, 16, 11, tzinfo=UTC)),
    ],
)
def test_each_member_is_due_in_their_own_morning(community, zone, sent_at, due):
    """Due at the hour of their first round, every member got their digest at the same UTC hour: the afternoon in
    Yangon, the middle of the night in the Americas."""
    reader = subscriber(community)
    reader.time_zone = zone
    reader.save(update_fields=["time_zone"])

    services.plan(now=sent_at)

    assert DigestPreference.objects.get(member=reader).next_digest_at == due
