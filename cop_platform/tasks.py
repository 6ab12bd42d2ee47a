import smtplib

from celery import shared_task

from .mail import outbox_send, outbox_sweep, payload_to_message


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=8,
)
def send_email_task(outbox_pk) -> None:
    if isinstance(outbox_pk, dict):  # a message queued before the outbox existed
        payload_to_message(outbox_pk).send()
        return
    outbox_send(outbox_pk)


@shared_task
def sweep_outbox_task() -> int:
    """Beat, every minute: emails written while the broker was down go out once it is back."""
    return outbox_sweep()


@shared_task
def ping() -> str:
    """Answers 'pong': lets tests and operators see a worker take work off the broker."""
    return "pong"
