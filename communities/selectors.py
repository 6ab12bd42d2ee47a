"""Reads for community pages: querysets that already carry what their templates need."""

import functools
from collections.abc import Collection
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce

from cop_platform.compiled import VIEWER, Compiled, compiled_for_viewer, fetch_value
from cop_platform.planner import estimated_rows
from cop_platform.tagging import tag_list

from . import access
from .filters import CommunityFilter
from .models import Community, Membership, Notification, Post, Reaction, Thread
from .search_document import PostSearchCommunity, PostSearchDocument

THREADS_PER_PAGE = 20
POSTS_PER_PAGE = 20
SEARCH_PAGES = 10  # a search within a community lists this many pages (200 threads); browsing lists them all
# A search for words in at least this many posts (PostgreSQL's estimate) reads threads one by one: ThreadListing.
COMMON_WORD_POSTS = 5_000

# Full-text search over posts on PostgreSQL: each post's to_tsvector('simple', body), stored and GIN-indexed
# (migration 0008, communities/search_document.py).
# 'simple' rather than a language's stemmer: posts are in English, French, Russian, Burmese, Thai… in one
# column and their language is not recorded, so any one stemmer would mangle the others; 'simple' lower-cases
# and splits on spaces and punctuation in every script, and a word matches as written (no stemming). The
# knowledge library's search vector uses 'simple' for the same reason.


def web_search(text: str) -> SearchQuery:
    """Words as typed in a search box (every word, "quoted phrases", -not), in the 'simple' configuration."""
    return SearchQuery(text, search_type="websearch", config="simple")


def posts_matching(text: str, *, community_ids: Collection[int] | None = None) -> QuerySet[Post]:
    """Visible posts whose text matches `text`: full-text on PostgreSQL (every word, as in a web search box),
    a plain case-insensitive substring on SQLite (which has no full-text index here). With `community_ids`, only
    the posts of threads in those communities: on PostgreSQL, read off their part of the index (migration 0010)."""
    posts = Post.objects.filter(is_hidden=False)
    if connection.vendor == "postgresql":
        posts = posts.alias(search=PostSearchDocument()).filter(search=web_search(text))
        if community_ids is not None:
            # bigint literals: the index's btree_gin column compares bigint with bigint only (not with a plain 1).
            ids = [Cast(Value(pk), BigIntegerField()) for pk in community_ids]
            posts = posts.alias(search_community=PostSearchCommunity()).filter(search_community__in=ids)
        return posts
    # What readers are shown: a reply's quote of a post hidden since is not searched (Post.search_text).
    posts = posts.alias(searched=Coalesce("search_text", "body")).filter(searched__icontains=text)
    return posts if community_ids is None else posts.filter(thread__community__in=community_ids)


def community_directory(*, user, params) -> CommunityFilter:
    """The communities `user` may know exist, filtered by `params`; a page's member counts come from
    communities.member_counts (member_counts_attach)."""
    queryset = (
        access.communities_visible_to(user)
        .only("slug", "name", "visibility", "description")  # what a card shows (communities.community_cards)
        .prefetch_related(tag_list("themes"))
        .order_by("name")
    )
    return CommunityFilter(params, queryset=queryset)


def memberships_by_community(user) -> dict[int, Membership]:
    """The viewer's pending or active memberships, keyed by community id (one query for a whole list)."""
    if not user.is_authenticated:
        return {}
    current = Membership.objects.current().filter(member=user).only("community_id", "status", "role")
    return {m.community_id: m for m in current}


def my_communities(user) -> QuerySet[Community]:
    return Community.objects.filter(memberships__member=user, memberships__status=Membership.Status.ACTIVE).order_by(
        "name"
    )


@dataclass(frozen=True)
class ThreadListing:
    """A community's list of threads (`threads`, in order) and, for a search, the posts that match it."""

    threads: QuerySet[Thread]
    matching_posts: QuerySet[Post] | None = None

    @property
    def is_search(self) -> bool:
        return self.matching_posts is not None

    def first_ids(self, limit: int) -> list[int]:
        """The ids of the first `limit` threads, in order (what a CappedIdsPaginator counts and pages).

        For a search, PostgreSQL checks the threads' posts in one of two ways. It hashes the threads of every
        matching post first; or it walks the threads, reads each one's posts until one matches, and, where an
        index gives the list's order, stops at `limit` threads. It costs the walk as if every thread were
        checked (it does not count on the LIMIT), so it hashes. For a word in few posts that is right. For a
        word in thousands, the hash reads every one of them from the table. In bench/scale.py's largest
        community (22,000 posts, 1,000 threads), alone: "budget" (in 8,000 posts) 8,500 buffers and 16–33 ms
        hashed, 1,550 buffers and 2–4 ms walked; "the" (in all) 21,000 buffers and 80–290 ms, 600 buffers and
        1–3 ms. So when PostgreSQL expects COMMON_WORD_POSTS matching posts or more, the statement runs with
        too little memory to hash them (work_mem at its minimum, 64 kB, and hash_mem_multiplier at 1: about
        2,000 posts), and PostgreSQL walks. Nothing else in that statement needs more: the walk reads indexes
        and keeps the first `limit` rows. A moderator's list (hidden threads too) or one with threads linked
        in has no index in its order, so every thread is walked, then sorted: still 2,300 buffers where the
        hash read 21,500 for "the", about the same for "budget" (7,200 against 8,900) and "procurement"
        (9,000 against 7,400). The same ids either way.

        The settings are undone by rolling the transaction (or savepoint) back: it only reads, and whatever
        work_mem was in force before comes back exactly."""
        ids = self.threads.values_list("pk", flat=True)
        if not self._matches_many_posts():
            return list(ids[:limit])
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64kB'; SET LOCAL hash_mem_multiplier = 1")
            found = list(ids[:limit])
            transaction.set_rollback(True)
        return found

    def _matches_many_posts(self) -> bool:
        return (
            self.is_search
            and connection.vendor == "postgresql"
            and estimated_rows(self.matching_posts) >= COMMON_WORD_POSTS
        )


def community_threads(*, community: Community, include_hidden: bool, search: str = "") -> ThreadListing:
    """The threads listed in `community`, pinned first then by latest activity; with `search`, those that have
    its words in their title or in a visible post."""
    links = access.thread_links_to(community)
    threads = access.threads_listed_in(community, links=links).select_related("author", "community")
    # Hidden threads are listed only to moderators of their own community (who can open them).
    threads = (
        threads.filter(Q(is_hidden=False) | Q(community=community))
        if include_hidden
        else threads.filter(is_hidden=False)
    )
    threads = threads.order_by("-is_pinned", "-last_activity_at", "-pk")
    search = search.strip()
    if not search:
        return ThreadListing(threads)
    # The listed threads' posts are all in this community or in the home communities of the threads linked to
    # it: PostgreSQL looks the words up in those communities' part of the index only (migration 0010).
    home_ids = {community.pk, *links.values()}
    posts = posts_matching(search, community_ids=sorted(home_ids))
    in_posts = Exists(posts.filter(thread=OuterRef("pk")))
    return ThreadListing(threads.filter(Q(title__icontains=search) | in_posts), matching_posts=posts)


def thread_posts(*, thread: Thread) -> QuerySet[Post]:
    return thread.posts.select_related("author", "quoted__author").order_by("created_at", "pk")


def _shown_before(created_at, pk) -> Q:
    """The posts a thread shows before the one created at `created_at` with `pk` (thread_posts' order); values
    or OuterRefs."""
    return Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk)


def _page_after(posts_before: int) -> int:
    return posts_before // POSTS_PER_PAGE + 1


def _anchor(page: int, post_pk: int) -> str:
    return (f"?page={page}" if page > 1 else "") + f"#post-{post_pk}"


def post_page_number(post: Post) -> int:
    """The page of its thread that shows `post` (thread_posts' order, POSTS_PER_PAGE a page). It stays that page:
    replies come after it, and posts are hidden, never deleted. A link with "?page=last" led elsewhere once the
    thread grew, and one without a page to page 1."""
    before = Post.objects.filter(thread_id=post.thread_id).filter(_shown_before(post.created_at, post.pk))
    return _page_after(before.count())


def post_anchor(post: Post) -> str:
    """What follows a thread's address to show `post`: its page (none for the first) and its anchor."""
    return _anchor(post_page_number(post), post.pk)


def post_address(post: Post, community) -> str:
    """The address of `post` on its thread's page in `community` (where the viewer reads it)."""
    return post.thread.url_in(community) + post_anchor(post)


def with_addresses(posts: QuerySet[Post], community) -> list[Post]:
    """`posts`, each with `address`: post_address's in `community`. Its page is counted in the list's own query
    (a subquery): post_address would count once per row."""
    before = (
        Post.objects.filter(thread_id=OuterRef("thread_id"))
        .filter(_shown_before(OuterRef("created_at"), OuterRef("pk")))
        .order_by()
        .values("thread_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    listed = list(posts.annotate(posts_before=Coalesce(Subquery(before), 0)))
    for post in listed:
        post.address = post.thread.url_in(community) + _anchor(_page_after(post.posts_before), post.pk)
    return listed


def helpful_marks(*, user, posts) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(Reaction.objects.filter(member=user, post__in=[p.pk for p in posts]).values_list("post_id", flat=True))


def is_following(*, user, thread: Thread) -> bool:
    return user.is_authenticated and thread.followers.filter(pk=user.pk).exists()


# An account being deleted is named on neither list for the minutes until the worker ends its memberships
# (members.privacy). A deactivated one stays listed, and counted: its leaders can still remove it, and it
# still counts as a leader (communities.services._leaders).


def pending_requests(community: Community) -> QuerySet[Membership]:
    return Membership.objects.filter(
        community=community, status=Membership.Status.PENDING, member__deletion_requested_at__isnull=True
    ).select_related("member")


def active_members(community: Community) -> QuerySet[Membership]:
    return (
        Membership.objects.active()
        .filter(community=community, member__deletion_requested_at__isnull=True)
        .select_related("member")
        .order_by("-role", "member__full_name")
    )


def moderation_queue(community: Community) -> list[Post]:
    """Posts with open reports, in this community's own threads, most reported first, each with the `address`
    of its thread's page that shows it (long threads are paginated)."""
    from .models import Report

    posts = (
        Post.objects.filter(thread__community=community, reports__status=Report.Status.OPEN)
        .annotate(open_reports=Count("reports", filter=Q(reports__status=Report.Status.OPEN)))
        .select_related("author", "thread")
        .prefetch_related(
            Prefetch("reports", queryset=Report.objects.filter(status=Report.Status.OPEN).select_related("reporter"))
        )
        .order_by("-open_reports", "-pk")
    )
    return with_addresses(posts, community)


def unread_notification_count(user) -> int:
    """The header's count, on every page a member opens: its query is compiled once (cop_platform.compiled)."""
    return fetch_value(_unread_count_query(connection.vendor), user.pk) or 0


@functools.cache
def _unread_count_query(_vendor: str) -> Compiled:
    unread = Notification.objects.filter(recipient_id=VIEWER, read_at__isnull=True)
    # COUNT(*) grouped by the one recipient: no row at all when there is nothing unread.
    return compiled_for_viewer(unread.order_by().values("recipient_id").annotate(count=Count("*")).values("count"))


def local_action_teams(community: Community):
    from .models import LocalActionTeam

    return (
        LocalActionTeam.objects.filter(community=community)
        .select_related("local_community", "leader")
        .annotate(member_count=Count("members"))
        .order_by("name")
    )


def community_choices(user) -> list[tuple[str, str]]:
    """The communities a list's filter offers (the library, the events schedule): those `user` may know exist,
    as (slug, name) by name, for cop_platform.forms.pair_choice_filter."""
    return list(access.communities_visible_to(user).order_by("name").values_list("slug", "name"))


def visible_community_ids(user) -> set[int]:
    """Ids of the communities `user` may know exist (to name an inter-practice thread's other homes)."""
    return set(access.communities_visible_to(user).values_list("pk", flat=True))
