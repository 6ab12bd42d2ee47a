"""Background jobs for members' privacy rights; the work is in members.privacy."""

from celery import shared_task

from . import privacy


@shared_task
def build_export_task(member_id: int, folder: str) -> str:
    return privacy.export_build(member_id=member_id, folder=folder)


@shared_task
def purge_expired_exports_task() -> int:
    """Beat (hourly is plenty): export files go once their links have expired."""
    return privacy.exports_purge_expired()


@shared_task
def delete_account_task(member_id: int) -> str:
    return privacy.account_delete_finish(member_id=member_id)


@shared_task
def sweep_account_deletions_task() -> int:
    """Beat: deletions whose task was lost (broker down when asked) or failed are handed over again."""
    return privacy.accounts_delete_waiting()
