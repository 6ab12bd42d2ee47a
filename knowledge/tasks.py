from celery import shared_task

from .services import products_index, products_index_stale


@shared_task
def reindex_products_task(ids: list[int]) -> None:
    """Products whose tags changed in the admin (a merge, a rename, a deletion): searched by their tags as they are
    now. Idempotent: a re-run writes the same vectors."""
    products_index(ids)


@shared_task
def sweep_stale_search_task() -> int:
    """Beat: products whose re-index after a tag change was lost (broker down, a dropped message) are re-indexed."""
    return products_index_stale()
