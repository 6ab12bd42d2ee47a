from celery import shared_task

from . import services


@shared_task
def plan_digests_task() -> int:
    """Beat, hourly: queue due members and fan out batches."""
    services.sweep_stale()
    _round, ids = services.plan()
    for batch in services.batches(ids):
        send_digest_batch_task.delay(batch)
    return len(ids)


@shared_task(bind=True, max_retries=5)
def send_digest_batch_task(self, delivery_ids: list[int]) -> dict:
    result = services.send_batch(delivery_ids)
    if result["retry"] and self.request.retries < self.max_retries:
        # SMTP trouble: those members' rows were queued again; retry just them, with growing delays.
        raise self.retry(args=[result["retry"]], countdown=60 * 2**self.request.retries)
    return {k: v for k, v in result.items() if k != "retry"}
