from celery import shared_task

from . import services


@shared_task
def remind_overdue_referrals_task() -> int:
    return services.remind_overdue_referrals()
