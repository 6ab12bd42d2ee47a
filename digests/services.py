"""Planning and sending digests. Exactly one digest per member and period:

1. The planner inserts a DigestDelivery(member, period) row; the unique constraint makes a second planner run
   (or a second beat process) a no-op for that member.
2. A batch task claims each row with a conditional UPDATE (queued -> sending, recording what the digest
   holds); only the task that wins the claim builds and sends that member's email.
3. After the SMTP server accepts it, the row is marked sent. An SMTP error puts the row back to queued, and
   the task retries it later with backoff.

A worker killed mid-batch: rows it had not claimed are still queued and are sent when Celery redelivers the
task (acks_late) or by the next planner run (which hands every recent queued row to a batch again). The rows
it had claimed when it died (the email in flight, and the next member's, claimed while the first was with the
SMTP server: see `_Outbox`), and the few already accepted by the SMTP server but not yet marked sent (at most
MARK_SENT_EVERY), stay "sending" and are NOT sent again: `sweep_stale` marks them failed after an hour,
because the SMTP server may have accepted them and a duplicate is worse than a missed digest. Those members get
their next digest as usual.
"""

import smtplib
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Least
from django.utils import timezone

from members.models import User

from . import content, emails
from .models import FREQUENCY_DAYS, DigestDelivery, DigestPreference, DigestRound, Frequency

BATCH_SIZE = 200
RECENT = timedelta(days=31)  # queued rows older than this belong to a period that is over
STALE_SENDING = timedelta(hours=1)
MAX_ATTEMPTS = 5


def preference_for(member: User) -> DigestPreference:
    preference, _created = DigestPreference.objects.get_or_create(member=member)
    return preference


def preference_set(*, member: User, frequency: str) -> DigestPreference:
    """Writes only what the member's choice changes. A digest round may mark their digest sent (last_sent_at) and
    plan the next one (next_digest_at) between this read and this write: a whole-row save put back the values read
    here, so the member got the issue again, or missed one."""
    preference = preference_for(member)
    now = timezone.now()
    changes: dict = {}
    if preference.frequency != frequency:
        changes["frequency"] = frequency
    if frequency == Frequency.OFF:
        if preference.unsubscribed_at is None or "frequency" in changes:
            changes["unsubscribed_at"] = now
    elif preference.unsubscribed_at is not None:
        changes["unsubscribed_at"] = None
    if frequency == Frequency.MONTHLY and "frequency" in changes:
        # Monthly issues go out on the 1st: one due sooner (a fortnightly one due on the 31st) would be followed
        # by the month's own a few hours later.
        changes["next_digest_at"] = next_due(Frequency.MONTHLY, now, member.time_zone)
    elif frequency != Frequency.OFF:
        # Within the (new) period at the latest; the earlier of that and the date in the database, not the date
        # read above, which a round may have moved on since.
        changes["next_digest_at"] = Least(F("next_digest_at"), now + timedelta(days=FREQUENCY_DAYS[frequency]))
    if not changes:
        return preference
    for name, value in changes.items():
        setattr(preference, name, value)
    preference.save(update_fields=list(changes))
    if isinstance(changes.get("next_digest_at"), Least):
        preference.refresh_from_db(fields=["next_digest_at"])
    return preference


def unsubscribe(*, member: User) -> DigestPreference:
    return preference_set(member=member, frequency=Frequency.OFF)


def _ensure_preferences(now: datetime) -> None:
    """Members who never opened their preferences get the default (every two weeks), due now."""
    # NOT EXISTS, unsorted: the members' default ordering sorted all of them for nothing (124 ms at 100k).
    has_one = DigestPreference.objects.filter(member=OuterRef("pk"))
    missing = User.objects.filter(is_active=True).exclude(Exists(has_one)).order_by().values_list("pk", flat=True)
    DigestPreference.objects.bulk_create(
        [DigestPreference(member_id=pk, next_digest_at=now) for pk in missing], ignore_conflicts=True, batch_size=1000
    )


# The hour of a member's day their digest is due at: in the morning, where they are. Due at the hour they were
# first planned (for most, the hour of the first round, the same UTC hour for everyone), a digest reached Yangon
# in the afternoon and the Americas at night.
DIGEST_LOCAL_HOUR = 7


def next_due(frequency: str, now: datetime, zone: str = "") -> datetime:
    """When a member planned at `now` is due again: the next period (monthly: the 1st of next month), at the first
    DIGEST_LOCAL_HOUR in their time zone `zone` (the site's when blank) at or after it. Never before it: the next
    period's issue must not fall in this period, whose issue they have (one delivery per member and period)."""
    if frequency == Frequency.MONTHLY:
        first = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        base = (first + timedelta(days=32)).replace(day=1)
    else:
        base = now + timedelta(days=FREQUENCY_DAYS[frequency])
    local = base.astimezone(ZoneInfo(zone or settings.TIME_ZONE))
    morning = local.replace(hour=DIGEST_LOCAL_HOUR, minute=0, second=0, microsecond=0)
    if morning < local:
        # The next day's morning, by the calendar: a day is not always 24 hours where clocks change.
        morning = datetime.combine(local.date() + timedelta(days=1), morning.timetz())
    return morning.astimezone(UTC)


@transaction.atomic
def plan(
    *, now: datetime | None = None, everyone: bool = False, member_email: str = ""
) -> tuple[DigestRound, list[int]]:
    """Queue one delivery for every due member. `everyone` treats every subscribed member as due now."""
    now = now or timezone.now()
    _ensure_preferences(now)
    verified = EmailAddress.objects.filter(verified=True, primary=True).values("user_id")
    due = DigestPreference.objects.filter(member__is_active=True, member_id__in=verified).exclude(
        frequency=Frequency.OFF
    )
    if member_email:
        due = due.filter(member__email__iexact=member_email)
    elif not everyone:
        due = due.filter(next_digest_at__lte=now)
    round_ = DigestRound.objects.create(started_at=now)
    for frequency in FREQUENCY_DAYS:
        _queue(due.filter(frequency=frequency), period=DigestPreference(frequency=frequency).period_key(now),
               round_=round_, now=now)  # fmt: skip
    # A row that already existed for the period stays with its first round and does not move the member's date.
    new_member_ids = DigestDelivery.objects.filter(round=round_).values("member_id")
    round_.planned = DigestDelivery.objects.filter(round=round_).count()
    round_.save(update_fields=["planned"])
    # (The round's rows were made from `due`: no need to filter by it again.) One UPDATE per frequency and time
    # zone among them, each due in its own morning: a few dozen zones at most.
    # Not "off": a member who unsubscribed since their row was made has no next date (next_due knows no "off").
    planned = DigestPreference.objects.filter(member_id__in=new_member_ids).exclude(frequency=Frequency.OFF)
    for frequency, zone in planned.values_list("frequency", "member__time_zone").distinct().order_by():
        planned.filter(frequency=frequency, member__time_zone=zone).update(
            next_digest_at=next_due(frequency, now, zone)
        )
    # Everything still queued from recent periods: this round's rows, and rows a lost or failed batch left behind
    # (the claim in send_batch keeps each one to a single email). Members of one time zone and country are next
    # to each other, so that a batch holds many equal digests, rendered once each (see digests.emails).
    ids = list(
        DigestDelivery.objects.filter(status=DigestDelivery.Status.QUEUED, created_at__gte=now - RECENT)
        .order_by("member__time_zone", "member__country", "pk")
        .values_list("pk", flat=True)
    )
    return round_, ids


def _queue(due, *, period: str, round_: DigestRound, now: datetime) -> None:
    """A queued row for `period` for each member in `due` (of one frequency, so one period), unless they have
    one already (the unique constraint). One INSERT … SELECT in the database: with bulk_create, a round of 100k
    members built 200k model objects in Python, most of the planner's time.

    The CAST: to PostgreSQL an untyped literal in a SELECT is text, and items is jsonb there. "WHERE true" keeps
    SQLite from reading ON CONFLICT as part of a join."""
    members_sql, members_params = due.values("member_id").query.sql_with_params()
    fields = {name: DigestDelivery._meta.get_field(name) for name in ("items", "created_at")}
    columns = "member_id, period, round_id, status, attempts, error, items, created_at"
    with db_connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {DigestDelivery._meta.db_table} ({columns}) "
            f"SELECT due.member_id, %s, %s, %s, 0, '', CAST(%s AS {fields['items'].db_type(db_connection)}), %s "
            f"FROM ({members_sql}) AS due WHERE true ON CONFLICT DO NOTHING",
            [
                period, round_.pk, DigestDelivery.Status.QUEUED,
                fields["items"].get_db_prep_value({}, db_connection),
                fields["created_at"].get_db_prep_value(now, db_connection), *members_params,
            ],
        )  # fmt: skip


def batches(ids: list[int], size: int = BATCH_SIZE) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


_ITEMS_FIELD = DigestDelivery._meta.get_field("items")


def _claim(delivery_id: int, now: datetime, *, items: dict, status: str = DigestDelivery.Status.SENDING) -> bool:
    """queued -> sending for one row, atomically, with what its digest holds; False when another worker holds it,
    or when its member no longer wants digests (unsubscribed or deactivated since the round was planned: the
    check is in the same statement, so one who unsubscribes while the batch runs gets nothing). An empty digest
    goes straight to skipped (`status`), in the same single UPDATE. Plain SQL: this runs once per member in a
    round of up to 100k, and the ORM's query building cost more than the database round trip."""
    table = DigestDelivery._meta.db_table
    wanted = (
        f"EXISTS (SELECT 1 FROM {DigestPreference._meta.db_table} p JOIN {User._meta.db_table} u "
        f"ON u.id = p.member_id WHERE p.member_id = {table}.member_id AND p.frequency <> %s AND u.is_active)"
    )
    items_value = _ITEMS_FIELD.get_db_prep_value(items, db_connection)
    with db_connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, claimed_at = %s, attempts = attempts + 1, items = %s "
            f"WHERE id = %s AND status = %s AND {wanted}",
            [status, now, items_value, delivery_id, DigestDelivery.Status.QUEUED, Frequency.OFF],
        )
        return cursor.rowcount == 1


def _still_wanted(member: User) -> bool:
    preference = getattr(member, "digest_preference", None)
    return member.is_active and preference is not None and preference.frequency != Frequency.OFF


def send_batch(delivery_ids: list[int], *, now: datetime | None = None, dry_run: bool = False) -> dict:
    """Send the digests of one batch over one SMTP connection. Returns counts and the ids to retry."""
    now = now or timezone.now()
    deliveries = list(
        DigestDelivery.objects.filter(pk__in=delivery_ids, status=DigestDelivery.Status.QUEUED).select_related(
            "member__digest_preference"
        )
    )
    result = {"sent": 0, "skipped": 0, "failed": 0, "retry": []}
    # A member who unsubscribed or was deactivated since the round was planned: their queued row goes (it would
    # be handed to a batch every hour for a month otherwise). _claim checks again, for those who do so meanwhile.
    unwanted = {delivery.pk for delivery in deliveries if not _still_wanted(delivery.member)}
    if unwanted and not dry_run:
        DigestDelivery.objects.filter(pk__in=unwanted, status=DigestDelivery.Status.QUEUED).delete()
    deliveries = [delivery for delivery in deliveries if delivery.pk not in unwanted]
    if not deliveries:
        return result
    shared = content.load_shared(now)
    facts = content.load_member_facts([d.member for d in deliveries])
    connection = get_connection()
    if not dry_run:
        try:
            connection.open()
        except (smtplib.SMTPException, OSError) as error:
            # The mail server is unreachable: nothing was claimed; the whole batch is retried later.
            DigestDelivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(error=str(error)[:300])
            result["retry"] = [d.pk for d in deliveries]
            return result
    bodies: dict = {}  # rendered once per distinct content in this batch (see digests.emails)
    outbox = _Outbox(connection, result, now) if not dry_run else None
    try:
        for delivery in deliveries:
            member = delivery.member
            preference = getattr(member, "digest_preference", None)
            digest = content.build(member, shared, facts, since=preference.last_sent_at if preference else None)
            if dry_run:
                result["skipped" if digest.is_empty else "sent"] += 1
                continue
            if digest.is_empty:
                if _claim(delivery.pk, now, items={}, status=DigestDelivery.Status.SKIPPED_EMPTY):
                    result["skipped"] += 1
                continue
            # The items are recorded with the claim; only a row marked sent counts as "already received".
            if not _claim(delivery.pk, now, items=digest.item_ids()):
                continue  # another worker has it
            message = emails.build_message(member, digest, connection=connection, bodies=bodies)
            outbox.send(delivery, message)
    finally:
        if outbox:
            outbox.close()
        else:
            connection.close()
    return result


class _Outbox:
    """Sends a batch's emails one at a time, on a thread of its own and over the batch's one SMTP connection, so
    that while one member's email is with the SMTP server the next member's row is claimed (a database round trip
    and a commit) and their email built. The next email is handed over only once the last one is done; it is sent
    only after its claim is committed, like every email."""

    def __init__(self, connection, result: dict, now: datetime):
        self.connection, self.result, self.now = connection, result, now
        self.sent: list[DigestDelivery] = []  # sent, not yet marked
        self.reconnect = False
        self.in_flight = None  # (delivery, future)
        self.sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="digest-smtp")

    def send(self, delivery: DigestDelivery, message) -> None:
        """Hands `message` (of the claimed `delivery`) to the sender once the email in flight is done."""
        try:
            self.wait()
            if self.reconnect:  # the last send failed: a broken connection is reopened for this message
                self.reconnect = False
                self.connection.close()
                self.connection.open()
        except Exception:
            _release(delivery)  # claimed but never handed to the SMTP server: back in the queue
            raise
        self.in_flight = (delivery, self.sender.submit(message.send))

    def wait(self) -> None:
        """Until the email in flight is accepted or refused; records which."""
        if self.in_flight is None:
            return
        delivery, future = self.in_flight
        self.in_flight = None
        try:
            future.result()
        except (smtplib.SMTPException, OSError) as error:
            _requeue_or_fail(delivery, error)
            self.result["failed"] += 1
            self.result["retry"].append(delivery.pk)
            self.reconnect = True
            return
        self.sent.append(delivery)
        self.result["sent"] += 1
        if len(self.sent) >= MARK_SENT_EVERY:
            _mark_sent(self.sent, self.now)
            self.sent = []

    def close(self) -> None:
        """Waits for the email in flight, marks what was sent, closes the connection."""
        try:
            self.wait()
        finally:
            if self.sent:
                _mark_sent(self.sent, self.now)
            self.sender.shutdown()
            self.connection.close()


# Sent rows are marked in small groups (fewer writes). Until marked they stay "sending", which is never resent,
# so a crash between the SMTP "accepted" and the mark cannot cause a duplicate (see the module docstring).
MARK_SENT_EVERY = 25


def _mark_sent(deliveries: list[DigestDelivery], now: datetime) -> None:
    # Their items were written with the claim: what is left is the same for every row, two plain UPDATEs.
    with transaction.atomic():
        DigestDelivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
            status=DigestDelivery.Status.SENT, sent_at=timezone.now(), error=""
        )
        DigestPreference.objects.filter(member_id__in=[d.member_id for d in deliveries]).update(last_sent_at=now)


def _release(delivery: DigestDelivery) -> None:
    """Undoes a claim whose email was never handed to the SMTP server."""
    DigestDelivery.objects.filter(pk=delivery.pk, status=DigestDelivery.Status.SENDING).update(
        status=DigestDelivery.Status.QUEUED, attempts=F("attempts") - 1, claimed_at=None, items={}
    )


def _requeue_or_fail(delivery: DigestDelivery, error: Exception) -> None:
    attempts = DigestDelivery.objects.filter(pk=delivery.pk).values_list("attempts", flat=True).first() or 0
    status = DigestDelivery.Status.FAILED if attempts >= MAX_ATTEMPTS else DigestDelivery.Status.QUEUED
    # Not delivered: the items recorded with the claim are dropped (the retry's claim records them again).
    DigestDelivery.objects.filter(pk=delivery.pk).update(status=status, error=str(error)[:300], items={})


def sweep_stale(*, now: datetime | None = None) -> int:
    """Rows left 'sending' by a worker that died: marked failed, never resent (see the module docstring)."""
    now = now or timezone.now()
    return DigestDelivery.objects.filter(
        status=DigestDelivery.Status.SENDING, claimed_at__lt=now - STALE_SENDING
    ).update(status=DigestDelivery.Status.FAILED, error="worker stopped while sending; not resent to avoid a duplicate")


def preview(member: User, *, now: datetime | None = None):
    """The digest `member` would get now (for the coordinator's preview and the browser view)."""
    now = now or timezone.now()
    preference = preference_for(member)
    return content.build(member, content.load_shared(now), content.load_member_facts([member]),
                         since=preference.last_sent_at)  # fmt: skip
