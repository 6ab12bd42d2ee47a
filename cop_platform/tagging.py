"""Reading django-taggit tags for lists of objects."""

from django.db.models import Prefetch


def tag_list(field: str) -> Prefetch:
    """Prefetch a django-taggit field into `<field>_list` (`tags` into `tag_list`), for lists of objects.

    `prefetch_related("tags")` builds taggit's per-object query for each object before filling it from the
    one prefetch query (a fifth of a 24-card directory page's time); prefetching to an attribute skips that."""
    return Prefetch(field, to_attr=f"{field.removesuffix('s')}_list")
