"""Inserting a row under a unique address (slug) that another request may take at the same moment."""

from collections.abc import Callable

from django.db import IntegrityError, models, transaction


def insert_with_a_free_slug(obj: models.Model, free_slug: Callable[[], str], *, attempts: int = 5) -> None:
    """Insert `obj` under `free_slug()`. Two made at once (a double click) are both given the same free address:
    the second insert fails on the slug's uniqueness and takes the next, rather than an error page that lost what
    was typed. Raises IntegrityError after `attempts` (not a race: something else is wrong)."""
    for attempt in range(attempts):
        obj.slug = free_slug()
        try:
            with transaction.atomic():
                obj.save(force_insert=True)
            return
        except IntegrityError:
            obj.pk = None
            if attempt == attempts - 1:
                raise
