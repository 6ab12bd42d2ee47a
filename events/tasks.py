from celery import shared_task

from . import services


@shared_task
def send_event_reminders_task() -> int:
    return services.send_reminders()
