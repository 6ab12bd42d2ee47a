"""Outgoing email goes through a Celery worker; if the broker cannot take the message, it is sent at once
rather than lost."""

import logging

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


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


def queue_email(message: EmailMessage) -> None:
    """Send `message` from a worker once the current transaction commits."""
    payload = message_to_payload(message)

    def enqueue():
        from .tasks import send_email_task

        try:
            send_email_task.delay(payload)
        except OperationalError:
            logger.warning("Broker unavailable; sending email to %s in the request instead", payload["to"])
            payload_to_message(payload).send()

    transaction.on_commit(enqueue)
