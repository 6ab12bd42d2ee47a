"""How many active members a community has, as the community directory shows it.

Counted in the database, a community's members are read one index entry each: the directory's 24 cards took
4 ms of the database's time at 100,000 members (bench/scale.py), growing with every member. Counts are kept in
the cache instead, per community, for MEMBER_COUNT_SECONDS: a page counts only the communities the cache does
not hold, in one statement. A membership saved or deleted forgets its community's count at once and again when
its transaction commits (a count read before the commit could otherwise be kept); a change that sends no signal (a bulk
update) is caught up within MEMBER_COUNT_SECONDS, unless its service forgets the counts itself (members.privacy
does). Without the cache (Redis down, see cop_platform.cache) every page counts.
"""

from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count

from .models import Membership

MEMBER_COUNT_SECONDS = 600


def _key(community_id: int) -> str:
    return f"community-members:{community_id}"


def member_counts(community_ids: Iterable[int]) -> dict[int, int]:
    """Each community's number of active members, by id (0 for none)."""
    keys = {_key(pk): pk for pk in community_ids}
    counts = {keys[key]: count for key, count in cache.get_many(list(keys)).items()}
    missing = [pk for pk in keys.values() if pk not in counts]
    if missing:
        counted = dict(
            Membership.objects.active()
            .filter(community__in=missing)
            .order_by()
            .values("community")
            .annotate(count=Count("*"))  # COUNT(*): read off the (community, status) index alone
            .values_list("community", "count")
        )
        fresh = {pk: counted.get(pk, 0) for pk in missing}
        cache.set_many({_key(pk): count for pk, count in fresh.items()}, timeout=MEMBER_COUNT_SECONDS)
        counts.update(fresh)
    return counts


def member_counts_attach(communities) -> None:
    """Sets each community's `member_count` (the directory's cards read it)."""
    counts = member_counts(community.pk for community in communities)
    for community in communities:
        community.member_count = counts[community.pk]


def member_counts_forget(community_ids: Iterable[int]) -> None:
    """Forget the counts of `community_ids` now, for the rest of this transaction, and again when it commits:
    another request may have counted in between, without the change."""
    keys = [_key(pk) for pk in set(community_ids)]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))
