from celery import shared_task

from .services import products_index


@shared_task
def reindex_products_task(ids: list[int]) -> None:
    """Products whose tags changed in the admin (a merge, a rename, a deletion): searched by their tags as they are
    now. Idempotent: a re-run writes the same vectors."""
    products_index(ids)
