"""Writes for events: registration with a waitlist, cancellation, attendance, feedback, reminders, topics."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.markdown import render as render_markdown
from communities.services import DOUBLE_SUBMIT_WINDOW
from cop_platform.mail import queue_email_to
from members.models import Activity, User
from members.services import activity_record

from .access import events_visible_to
from .models import CalendarFeed, Event, Feedback, Registration, TopicSuggestion, TopicVote, new_feed_token

REMINDER_LEAD = timedelta(hours=24)
STALE_REMINDER_CLAIM = timedelta(minutes=15)
CHECKIN_OPENS_BEFORE = timedelta(minutes=30)
CHECKIN_CLOSES_AFTER = timedelta(hours=1)


class EventError(Exception):
    """A request that cannot be carried out; the message is shown as it is."""


def _email(registration: Registration, template: str, subject, **context) -> None:
    """`subject` is lazy, with an %(event)s placeholder: it is translated into the member's language. `context` adds
    to what the template is given."""
    member, event = registration.member, registration.event
    zone = member.time_zone or settings.TIME_ZONE
    with timezone.override(zone):  # sent after the transaction commits
        queue_email_to(
            member,
            subject=lambda: str(subject) % {"event": event.title},
            template=template,
            context={"member": member, "event": event, "registration": registration, "site_url": settings.SITE_URL,
                     "time_zone": zone, **context},
        )  # fmt: skip


def event_render(event: Event) -> None:
    """Keep the sanitized HTML of the description and materials in step with their Markdown."""
    event.description_html = render_markdown(event.description)
    event.materials_html = render_markdown(event.materials)


# What a calendar that imported the event holds of it, or leads to (the join link is on the page it links to): a
# change to any of them is a new revision of its calendar file (Event.sequence).
CALENDAR_FIELDS = ("starts_at", "ends_at", "time_zone", "venue", "join_url", "status")
# The rest of what the calendar file says: a change is a newer copy of the same revision (its DTSTAMP, which
# calendars compare when the SEQUENCE is the same).
CALENDAR_TEXT = ("title", "kind", "slug")


@transaction.atomic
def event_save_edited(*, event: Event) -> Event | None:
    """Save an event edited whole (the admin's form) and return it as it was stored before, read under the row's lock:
    a second "Save" sent at once (a double click) waits for the first, and finds nothing changed.

    A change to its time, place, link or status is a new revision for calendars. Moved, its registrants are reminded
    again before the new start (each registration is reminded once, and the reminder for the old start kept them from
    it), and the caller tells them the new start (registrants_tell_moved) when the start returned differs. Moved means
    the instant: a new time zone alone moves it too, the form's times being read in the new zone."""
    stored = Event.objects.select_for_update().filter(pk=event.pk).first()
    if stored is None:  # deleted meanwhile: saved as a new row, as the admin always did
        event.save()
        return None
    # As stored, not as read at the start of the request: a cancellation meanwhile counted one.
    event.sequence, event.revised_at = stored.sequence, stored.revised_at
    # Both compared on the minute, as Event.save keeps them: a time given to the second or finer is not a move (one
    # stored finer, by the demo data, came back from the form a few microseconds "earlier", and every save of its
    # text emailed its registrants a new time that was the old one), nor is one stored with seconds before
    # migration 0005 or written past save() (an UPDATE).
    event.keep_to_the_minute()
    stored.keep_to_the_minute()
    if any(getattr(event, name) != getattr(stored, name) for name in CALENDAR_FIELDS):
        event.revise()
    elif any(getattr(event, name) != getattr(stored, name) for name in CALENDAR_TEXT):
        event.revised_at = timezone.now()
    event.save()
    if event.starts_at != stored.starts_at:
        reminders_forget(event=event)
    return stored


# --- Registration ------------------------------------------------------------------------------------------


@transaction.atomic
def event_register(*, event: Event, member: User) -> Registration:
    """Register, or join the waitlist when the event is full. The event row is locked so two members can
    never take the last seat together."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if not event.registration_open:
        raise EventError(_("Registration for this event is closed."))
    if Registration.objects.filter(event=event, member=member).exclude(status=Registration.Status.CANCELLED).exists():
        raise EventError(_("You are already registered or on the waitlist."))
    taken = Registration.objects.filter(event=event, status=Registration.Status.REGISTERED).count()
    full = event.capacity is not None and taken >= event.capacity
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                event=event, member=member,
                status=Registration.Status.WAITLISTED if full else Registration.Status.REGISTERED,
            )  # fmt: skip
    except IntegrityError:
        raise EventError(_("You are already registered or on the waitlist.")) from None
    activity_record(member=member, kind=Activity.Kind.EVENT_REGISTRATION)
    return registration


@transaction.atomic
def registration_cancel(*, registration: Registration) -> Registration | None:
    """Cancel; a freed seat goes to the first member on the waitlist, who is emailed. Returns the promoted
    registration, if any."""
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Registration.Status.CANCELLED:
        return None
    if event.has_started:
        raise EventError(_("The event has started; registrations can no longer be changed."))
    freed_seat = registration.status == Registration.Status.REGISTERED
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    # A seat freed in a cancelled event is nobody's to take.
    return _promote_waitlist(event) if freed_seat and event.status == Event.Status.PUBLISHED else None


@transaction.atomic
def waitlist_fill(*, event: Event) -> list[Registration]:
    """Give free seats (after the capacity was raised) to the waitlist, first come first served."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    promoted = []
    while event.status == Event.Status.PUBLISHED and not event.has_started:
        registration = _promote_waitlist(event)
        if registration is None:
            break
        promoted.append(registration)
    return promoted


def _promote_waitlist(event: Event) -> Registration | None:
    taken = Registration.objects.filter(event=event, status=Registration.Status.REGISTERED).count()
    if event.capacity is not None and taken >= event.capacity:
        return None
    waiting = (
        Registration.objects.select_for_update()
        .filter(event=event, status=Registration.Status.WAITLISTED)
        .order_by("created_at", "pk")
        .select_related("member", "event")
    )
    first = None
    for candidate in waiting:
        if candidate.member.is_active and events_visible_to(candidate.member).filter(pk=event.pk).exists():
            first = candidate
            break
        # Removed from the event's private community (or deactivated) since joining the waitlist: they may not
        # see the event, so they could never give the seat back (cancelling needs the page). Their place goes.
        candidate.status = Registration.Status.CANCELLED
        candidate.cancelled_at = timezone.now()
        candidate.save(update_fields=["status", "cancelled_at"])
    if first is None:
        return None
    first.status = Registration.Status.REGISTERED
    first.promoted_at = timezone.now()
    first.save(update_fields=["status", "promoted_at"])
    _email(first, "event-promoted", gettext_lazy("A seat opened for you: %(event)s"))
    return first


@transaction.atomic
def event_cancel(*, event: Event) -> int | None:
    """Cancel the event and tell everyone registered or waiting; returns how many were told, or None when it was not
    cancelled now (a draft, or cancelled already: nobody is told twice). A draft stays a draft: it was never
    announced, and a cancelled event is shown to everyone who may see the event (events.access), so cancelling it
    published it."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status in (Event.Status.CANCELLED, Event.Status.DRAFT):
        return None
    event.status = Event.Status.CANCELLED
    event.revise()  # the calendars that imported it cross it out
    event.save(update_fields=["status", "sequence", "revised_at"])
    return registrants_tell_cancelled(event=event)


def registrants_tell_cancelled(*, event: Event) -> int:
    """Email everyone registered or waiting that the event is cancelled (also when cancelled in the edit form)."""
    told = 0
    for registration in _registrants_to_tell(event):
        _email(registration, "event-cancelled", gettext_lazy("Cancelled: %(event)s"))
        told += 1
    return told


def registrants_tell_moved(*, event: Event, former_start: datetime) -> int:
    """Email everyone registered or waiting the event's new start, each in their own time zone and language (called
    once per move: event_save_edited reads the start as stored under the row's lock, so a second "Save" of the same
    move finds nothing moved). Nobody is told of a move of an event that is not on (a draft, a cancelled event) or
    that has started: there is nothing for them to come to at the new time."""
    if event.status != Event.Status.PUBLISHED or event.has_started:
        return 0
    told = 0
    for registration in _registrants_to_tell(event):
        _email(registration, "event-moved", gettext_lazy("New time: %(event)s"), former_start=former_start)
        told += 1
    return told


def _registrants_to_tell(event: Event):
    """The registrations, live, of the members who may still read about the event."""
    live = (
        Registration.objects.filter(event=event)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("member", "event")
    )
    # An event anyone may see needs no check per registrant (a query each, under the event's lock).
    public = events_visible_to(AnonymousUser()).filter(pk=event.pk).exists()
    for registration in live:
        # Someone removed from the event's private community since registering may no longer see the event:
        # its title and date are not theirs to be sent (their place ends quietly, as on the waitlist).
        member = registration.member
        if member.is_active and (public or events_visible_to(member).filter(pk=event.pk).exists()):
            yield registration


# --- Attendance and feedback -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceMarked:
    """What attendance_mark did with the registrations it was given."""

    marked: int  # now marked as asked
    unchanged: int  # already marked so, or holding no seat (on the waitlist, cancelled)
    not_started: int  # left as they were: their event has not started


@transaction.atomic
def attendance_mark(*, registrations, attended: bool) -> AttendanceMarked:
    """Mark attendance in bulk (the coordinator's actions). A registration for an event that has not started is left
    as it is: nobody has come to it yet, or stayed away (a click on the wrong rows marked next week's registrants
    as no-shows, and as attended counted them in the indicators before the event was held). A member's first
    'attended' writes the activity record."""
    marked = unchanged = not_started = 0
    for registration in registrations:
        if not registration.event.has_started:
            not_started += 1
        elif _attendance_record(registration, attended=attended):
            marked += 1
        else:
            unchanged += 1
    return AttendanceMarked(marked=marked, unchanged=unchanged, not_started=not_started)


def _attendance_record(registration: Registration, *, attended: bool) -> bool:
    """Mark one registration with a seat; whether it changed. A member's first 'attended' writes the activity
    record."""
    # A conditional UPDATE, not the registration as read: the coordinator's "Mark as attended" and the member's
    # check-in at once both read it unmarked and recorded the attendance twice. The second one's UPDATE waits for
    # the first's row lock, then finds the registration marked and changes nothing.
    changed = (
        Registration.objects.filter(pk=registration.pk, status=Registration.Status.REGISTERED)
        .exclude(attended=attended)
        .update(attended=attended)
    )
    if not changed:
        return False
    already_recorded = Activity.objects.filter(
        member=registration.member, kind=Activity.Kind.EVENT_ATTENDANCE, occurred_at=registration.event.starts_at
    ).exists()
    if attended and not already_recorded:  # corrections back and forth record the attendance once
        activity_record(member=registration.member, kind=Activity.Kind.EVENT_ATTENDANCE,
                        occurred_at=registration.event.starts_at)  # fmt: skip
    return True


def check_in_open(event: Event, now: datetime | None = None) -> bool:
    """Whether the event takes check-ins now: from 30 minutes before it starts to an hour after it ends (the
    event page offers the link for the same window)."""
    now = now or timezone.now()
    # Closed from the minute it closes (times are on the minute), as registration closes at the start: a page kept
    # for that minute (cop_platform.page_cache) would otherwise offer a check-in that closed a second into it.
    return event.starts_at - CHECKIN_OPENS_BEFORE <= now < event.ends_at + CHECKIN_CLOSES_AFTER


@transaction.atomic
def check_in(*, event: Event, member: User, code: str) -> Registration:
    now = timezone.now()
    if not check_in_open(event, now):
        raise EventError(_("Check-in opens 30 minutes before the event and closes an hour after it ends."))
    if code.strip().upper() != event.checkin_code.upper():
        raise EventError(_("That code is not right. Check the code shown at the event."))
    registration = (
        Registration.objects.filter(event=event, member=member, status=Registration.Status.REGISTERED)
        .select_related("member", "event")
        .first()
    )
    if registration is None:
        raise EventError(_("You are not registered for this event."))
    Registration.objects.filter(pk=registration.pk).update(checked_in_at=now)
    # Not attendance_mark: check-in opens half an hour before the start, and a member at the door has come.
    _attendance_record(registration, attended=True)
    registration.refresh_from_db()
    return registration


def can_give_feedback(*, registration: Registration | None) -> bool:
    return (
        registration is not None
        and registration.status == Registration.Status.REGISTERED
        and registration.event.status == Event.Status.PUBLISHED
        and registration.attended is not False
        and registration.event.is_past
        and not Feedback.objects.filter(registration=registration).exists()
    )


@transaction.atomic
def feedback_submit(*, registration: Registration, satisfaction: int, useful: str = "", suggestions: str = ""):
    if not can_give_feedback(registration=registration):
        raise EventError(_("Feedback is open to attendees after the event, once."))
    try:
        with transaction.atomic():
            return Feedback.objects.create(
                registration=registration, satisfaction=satisfaction, useful=useful.strip(),
                suggestions=suggestions.strip(),
            )  # fmt: skip
    except IntegrityError:
        raise EventError(_("You have already given feedback on this event.")) from None


# --- Reminders ---------------------------------------------------------------------------------------------


def send_reminders(*, now: datetime | None = None) -> int:
    """Email each registrant once, about 24 hours before the start.

    A reminder is claimed (reminder_claimed_at) by a conditional UPDATE before it is queued, and marked sent
    once queued, so two runs or two beat processes never both send it. A claim left behind by a worker that
    died before queueing is taken again after 15 minutes."""
    now = now or timezone.now()
    due = Registration.objects.filter(
        status=Registration.Status.REGISTERED,
        member__is_active=True,  # not to an account deactivated, or being deleted, since
        reminder_sent_at__isnull=True,
        event__status=Event.Status.PUBLISHED,
        event__starts_at__gt=now,
        event__starts_at__lte=now + REMINDER_LEAD,
    )
    stale = now - STALE_REMINDER_CLAIM
    sent = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            claimed = (
                Registration.objects.filter(pk=pk, reminder_sent_at__isnull=True)
                .filter(Q(reminder_claimed_at__isnull=True) | Q(reminder_claimed_at__lt=stale))
                .update(reminder_claimed_at=now)
            )
            if not claimed:
                continue
            registration = Registration.objects.select_related("member", "event").get(pk=pk)
            member = registration.member  # read again: deactivated, or its deletion asked for, since the list
            if not member.is_active or not events_visible_to(member).filter(pk=registration.event_id).exists():
                # Removed from the event's private community since registering, or closed: no reminder.
                Registration.objects.filter(pk=pk).update(reminder_sent_at=now)
                continue
            # Not "Tomorrow": someone who registers within the day is reminded at once, hours before it starts.
            _email(registration, "event-reminder", gettext_lazy("Reminder: %(event)s"))
            Registration.objects.filter(pk=pk).update(reminder_sent_at=now)
            sent += 1
    return sent


def reminders_forget(*, event: Event) -> int:
    """The event moved: its registrants are reminded again before the new start (a reminder sent, or claimed, for
    the old one kept them from it)."""
    return Registration.objects.filter(event=event).update(reminder_sent_at=None, reminder_claimed_at=None)


# --- Calendar feed -----------------------------------------------------------------------------------------


def calendar_feed_for(member: User) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(member=member)
    return feed


@transaction.atomic
def calendar_feed_reset(member: User) -> CalendarFeed:
    """A new secret URL; the old one stops working at once. The token changes in place, under the member's lock:
    two resets at once (a double click) each deleted the feed and then both created one, and the second failed
    on the one feed a member has (an error page)."""
    User.objects.select_for_update().filter(pk=member.pk).first()  # a member's two resets, one after the other
    feed, _created = CalendarFeed.objects.update_or_create(
        member=member, defaults={"token": new_feed_token(), "created_at": timezone.now()}
    )
    return feed


# --- Topics ------------------------------------------------------------------------------------------------


@transaction.atomic
def topic_propose(*, member: User, title: str, why: str = "", community=None) -> tuple[TopicSuggestion, bool]:
    """Suggest a topic, with the member's vote; returns (suggestion, created). The same one sent twice in a row
    (DOUBLE_SUBMIT_WINDOW: a double click) is the first one, not created: the member's row is locked, so the second
    waits for the first and finds it (and the page says so, not that this request added it)."""
    User.objects.select_for_update().filter(pk=member.pk).first()
    title, why = title.strip(), why.strip()
    twin = TopicSuggestion.objects.filter(
        proposed_by=member, title=title, why=why, community=community,
        created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
    ).first()  # fmt: skip
    if twin is not None:
        return twin, False
    suggestion = TopicSuggestion.objects.create(title=title, why=why, community=community, proposed_by=member)
    topic_vote(suggestion=suggestion, member=member)
    return suggestion, True


@transaction.atomic
def topic_vote(*, suggestion: TopicSuggestion, member: User) -> bool:
    """Upvote once; returns False when the member had already voted."""
    try:
        with transaction.atomic():
            TopicVote.objects.create(suggestion=suggestion, member=member)
    except IntegrityError:
        return False
    TopicSuggestion.objects.filter(pk=suggestion.pk).update(vote_count=F("vote_count") + 1)
    return True


def topic_schedule(*, suggestion: TopicSuggestion, event: Event) -> TopicSuggestion:
    suggestion.status = TopicSuggestion.Status.SCHEDULED
    suggestion.event = event
    suggestion.save(update_fields=["status", "event"])
    return suggestion
