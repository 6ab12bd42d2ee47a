"""How many active members a community has, as the community directory shows it.

Counted in the database, a community's members are read one index entry each: the directory's 24 cards took
4 ms of the database's time at 100,000 members (bench/scale.py), growing with every member. Counts are kept in
the cache instead, per community, for MEMBER_COUNT_SECONDS: a page counts only the communities the cache does
not hold, in one statement.

A count is kept under the community's generation, a random token the cache also holds. A membership saved, or
deleted with its member (communities.receivers), ended by account deletion or deleted in the admin moves its
community to a new generation at once and again when its transaction commits: a page that counted before the
commit keeps its count under a generation nobody reads any more, and the pages kept
meanwhile are not served again (cop_platform.page_cache.kept_pages_forget). Without the cache (Redis down, see
cop_platform.cache) every page counts; a change made while Redis is unreachable, or in another process with the
embedded defaults' per-process cache, shows within MEMBER_COUNT_SECONDS.
"""

import secrets
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count

from cop_platform.page_cache import kept_pages_forget

from .models import Membership

MEMBER_COUNT_SECONDS = 600


def _generation_key(community_id: int) -> str:
    return f"community-members-generation:{community_id}"


def member_counts(community_ids: Iterable[int]) -> dict[int, int]:
    """Each community's number of active members, by id (0 for none)."""
    ids = list(dict.fromkeys(community_ids))
    generations = cache.get_many([_generation_key(pk) for pk in ids])
    keys = {f"community-members:{pk}:{generations.get(_generation_key(pk), 0)}": pk for pk in ids}
    counts = {keys[key]: count for key, count in cache.get_many(list(keys)).items()}
    missing = [pk for pk in ids if pk not in counts]
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
        cache.set_many({key: fresh[pk] for key, pk in keys.items() if pk in fresh}, timeout=MEMBER_COUNT_SECONDS)
        counts.update(fresh)
    return counts


def member_counts_attach(communities) -> None:
    """Sets each community's `member_count` (the directory's cards read it)."""
    counts = member_counts(community.pk for community in communities)
    for community in communities:
        community.member_count = counts[community.pk]


def member_counts_forget(community_ids: Iterable[int]) -> None:
    """Counts of `community_ids` kept so far are not read again: now, for the rest of this transaction, and
    when it commits (another request may have counted in between, without the change)."""
    ids = set(community_ids)
    _next_generation(ids)
    transaction.on_commit(lambda: _next_generation(ids))


def _next_generation(community_ids: set[int]) -> None:
    # A new random generation rather than an increment: one call for every community, and nothing to get
    # wrong when a generation was never set or is gone. Generations never expire (Redis evicts only keys that
    # do, README), one per community.
    generation = secrets.token_hex(6)
    cache.set_many({_generation_key(pk): generation for pk in community_ids}, timeout=None)
    # After the counts' generation, never before: a page that read the new generation of pages then reads the
    # new generation of counts too.
    kept_pages_forget()
