"""Outgoing email goes through a Celery worker; if the broker cannot take the message, it is sent at once
rather than lost."""

import logging
from collections.abc import Callable
from datetime import timedelta

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from . import broker
from .i18n import in_language_of
from .models import OutboxEmail

logger = logging.getLogger(__name__)

SWEEP_GRACE = timedelta(seconds=30)  # leave fresh rows to their own on_commit hand-off
REQUEUE_AFTER = timedelta(minutes=15)  # queued but never sent: the task was lost (broker restarted empty)
CLAIM_TIMEOUT = timedelta(minutes=10)  # a worker that claimed it died
# A send that failed (the mail server down, say) is tried again by outbox_sweep, RETRY_FIRST later, then twice as
# long each time up to RETRY_MOST: 30 s, 1, 2, 4 … 32 min, then hourly; after MAX_ATTEMPTS (about five hours) the
# email is given up, and stays in the admin's outbox with its error ("Queue again now" sends it). One schedule,
# kept in the row (next_try_at, set by a failure and cleared by the next hand-off, so that a copy still waiting
# in a busy queue is not handed over again): retries of the task's own alongside the sweep's used to overlap and
# spend the attempts in under an hour.
RETRY_FIRST = timedelta(seconds=30)
RETRY_MOST = timedelta(hours=1)
MAX_ATTEMPTS = 12
KEEP_SENT = timedelta(days=14)


def message_to_payload(message: EmailMessage) -> dict:
    return {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [[content, mimetype] for content, mimetype in getattr(message, "alternatives", [])],
        "content_subtype": message.content_subtype,
    }


def payload_to_message(payload: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
        cc=payload.get("cc") or None,
        bcc=payload.get("bcc") or None,
        reply_to=payload.get("reply_to") or None,
        headers=payload.get("headers") or None,
    )
    for content, mimetype in payload.get("alternatives", []):
        message.attach_alternative(content, mimetype)
    message.content_subtype = payload.get("content_subtype", "plain")
    return message


def queue_email(message: EmailMessage, *, about_thread: dict | None = None) -> OutboxEmail:
    """Keep `message` in the outbox (inside the caller's transaction: no email for a change that rolls back)
    and hand it to a worker once the transaction commits. If the broker is down or hung, the message stays in
    the outbox and `outbox_sweep` queues it when the broker is back; the request never waits on the broker
    for more than its short timeouts (settings: CELERY_BROKER_TRANSPORT_OPTIONS). `about_thread` (see
    _still_wanted) is kept beside the message, for the check made when it is sent."""
    payload = message_to_payload(message)
    if about_thread is not None:
        payload["about_thread"] = about_thread
    entry = OutboxEmail.objects.create(payload=payload)
    transaction.on_commit(lambda: outbox_enqueue(entry.pk))
    return entry


def queue_email_to(
    recipient,
    *,
    subject: Callable[[], str] | str,
    template: str,
    context: dict,
    to: list[str] | None = None,
    language: str = "",
    about_thread=None,
) -> OutboxEmail:
    """The one way to email a member: `emails/<template>-body.txt` and the subject are rendered in the
    recipient's language (their profile's, else the site's), then queued. `subject` is a lazy string or a
    callable (for subjects with placeholders), so it is translated here and not in the caller's language.
    `recipient` may be None (an expert without an account): `language` then, else the site's; `to` overrides the
    address. `about_thread`, a (thread, community) pair, is what the email links to: it goes out only if the
    recipient may still read the thread there when it is sent (outbox_send)."""
    with in_language_of(recipient, fallback=language or None):
        text = subject() if callable(subject) else str(subject)
        body = render_to_string(f"emails/{template}-body.txt", context)
    message = EmailMessage(subject=text, body=body, to=to or [recipient.email])
    if about_thread is None:
        return queue_email(message)
    thread, community = about_thread
    about = {"recipient": recipient.pk if recipient else None, "thread": thread.pk, "community": community.pk}
    return queue_email(message, about_thread=about)


def outbox_enqueue(pk: int, *, even_if_paused: bool = False) -> bool:
    """Hand outbox email `pk` to a worker; False when the broker did not take it (or was not asked, while
    cop_platform.broker pauses after a failure: those emails wait in the outbox, and outbox_sweep, which always
    tries its first with `even_if_paused`, queues them when the broker is back)."""
    from .tasks import send_email_task

    if not even_if_paused and broker.paused():
        return False
    # Marked handed over first: a worker may take it, and fail (setting its next try), before delay() returns.
    pending = OutboxEmail.objects.filter(pk=pk, sent_at__isnull=True)
    pending.update(queued_at=timezone.now(), next_try_at=None)
    if not broker.hand_over(send_email_task, pk, even_if_paused=True):
        pending.update(queued_at=None)  # not handed over after all: the sweep's next round tries again
        return False
    return True


def retry_delay(attempts: int) -> timedelta:
    """How long after its last failed try an email that has been tried `attempts` times is tried again."""
    return min(RETRY_FIRST * 2 ** max(attempts - 1, 0), RETRY_MOST)


def outbox_send(pk: int) -> bool:
    """Claim and send one outbox email. Returns False when it was already sent, another worker holds it, or
    sending failed: the claim is then released and the next try set for retry_delay later (outbox_sweep)."""
    now = timezone.now()
    claimable = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT)
    if not OutboxEmail.objects.filter(claimable, pk=pk, sent_at__isnull=True).update(
        claimed_at=now, attempts=F("attempts") + 1
    ):
        return False
    entry = OutboxEmail.objects.filter(pk=pk).first()
    if entry is None:  # deleted meanwhile (the recipient deleted their account)
        return False
    if not _still_wanted(entry.payload):
        # Sent hours late (the broker was down, the mail server too), it would tell its recipient of a thread
        # they may no longer read: hidden since, moved, or in a private community they left.
        OutboxEmail.objects.filter(pk=pk).delete()
        logger.info("Email %s dropped: its recipient may no longer read the thread it is about", pk)
        return False
    try:
        payload_to_message(entry.payload).send()
    except Exception as error:  # SMTP refused, timed out, misconfigured: tried again later, up to MAX_ATTEMPTS
        OutboxEmail.objects.filter(pk=pk).update(
            claimed_at=None, next_try_at=timezone.now() + retry_delay(entry.attempts), last_error=str(error)[:2000]
        )
        logger.warning("Email %s not sent (try %s of %s): %s", pk, entry.attempts, MAX_ATTEMPTS, error)
        return False
    OutboxEmail.objects.filter(pk=pk).update(sent_at=timezone.now(), last_error="")
    return True


def _still_wanted(payload: dict) -> bool:
    """Whether an outbox email may still go: one about a thread ({"recipient", "thread", "community"} ids under
    "about_thread") only while its recipient may read it there, as the thread's page decides now."""
    about = payload.get("about_thread")
    if not about:
        return True
    from communities.access import thread_still_readable  # the apps build on cop_platform, not the reverse

    return thread_still_readable(
        recipient_id=about.get("recipient"), thread_id=about["thread"], community_id=about["community"]
    )


def outbox_sweep(limit: int = 500) -> int:
    """Beat: queue the emails the broker never got (down when they were written), whose task was lost (handed
    over REQUEUE_AFTER ago and not tried since), or whose next try has come after a failed one. An email whose
    worker died mid-send is claimed again after CLAIM_TIMEOUT (it may then go out twice; a lost password-reset
    email is worse)."""
    now = timezone.now()
    due = (
        Q(queued_at__isnull=True)
        | Q(next_try_at__isnull=True, queued_at__lt=now - REQUEUE_AFTER)
        | Q(next_try_at__lte=now)
    )
    waiting = (
        OutboxEmail.objects.filter(sent_at__isnull=True, created_at__lt=now - SWEEP_GRACE)
        .filter(due)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
        .filter(attempts__lt=MAX_ATTEMPTS)
        .values_list("pk", flat=True)[:limit]
    )
    # Sent emails are kept a while for the admin's outbox view, then go (they hold addresses and text).
    OutboxEmail.objects.filter(sent_at__lt=now - KEEP_SENT).delete()
    queued = 0
    for pk in list(waiting):
        if not outbox_enqueue(pk, even_if_paused=queued == 0):
            break  # the broker is still down: try again next minute
        queued += 1
    return queued
