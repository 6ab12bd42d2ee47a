from celery import shared_task

from . import table_writes
from .mail import outbox_send, outbox_sweep, payload_to_message


@shared_task
def send_email_task(outbox_pk) -> None:
    """Send one outbox email. A failed send is not retried by the task: outbox_sweep tries it again, later each
    time (mail.retry_delay), so that there is one schedule of tries per email."""
    if isinstance(outbox_pk, dict):  # a message queued before the outbox existed
        payload_to_message(outbox_pk).send()
        return
    outbox_send(outbox_pk)


@shared_task
def sweep_outbox_task() -> int:
    """Beat, every minute: emails written while the broker was down go out once it is back."""
    return outbox_sweep()


@shared_task
def prune_table_writes_task() -> int:
    """Beat, every 10 minutes: the table write log keeps only what kept pages can need (table_writes.prune)."""
    return table_writes.prune()


@shared_task
def ping() -> str:
    """Answers 'pong': lets tests and operators see a worker take work off the broker."""
    return "pong"
