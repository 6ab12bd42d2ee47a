import smtplib

from celery import shared_task

from .mail import payload_to_message


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=8,
)
def send_email_task(payload: dict) -> None:
    payload_to_message(payload).send()


@shared_task
def ping() -> str:
    """Answers 'pong': lets tests and operators see a worker take work off the broker."""
    return "pong"
