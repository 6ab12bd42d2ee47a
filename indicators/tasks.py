from celery import shared_task

from .compute import freeze_month, previous_month


@shared_task
def freeze_previous_month_task() -> str:
    """Beat, on the 1st: freeze last month (a no-op when it is already frozen)."""
    snapshot, _computed = freeze_month(previous_month())
    return f"{snapshot.month:%Y-%m}"
