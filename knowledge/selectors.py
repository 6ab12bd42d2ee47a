"""Reads for the library: browsing, full-text search (PostgreSQL) with a plain fallback (SQLite), pages."""

import html
import re
from collections.abc import Sequence
from functools import cached_property

from django.db import connection
from django.db.models import Exists, F, IntegerField, OuterRef, Q, QuerySet, Value
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

from communities.access import communities_readable_by
from communities.models import Community, Thread
from communities.selectors import community_choices, posts_matching, web_search
from cop_platform import pagination
from cop_platform.tagging import tag_list

from . import access
from .filters import LibraryFilter
from .models import FAQItem, KnowledgeProduct

SNIPPET_WORDS = 30
MARK_START, MARK_STOP = "\u27e6", "\u27e7"  # ⟦ ⟧: never HTML, rarely in text
LIBRARY_PAGE_SIZE = 20
# A search lists at most this many pages (200 matches), in any order; browsing reaches pagination.MAX_PAGES.
# Each match a search counts or ranks is a search vector read and checked: a search for a common word read a
# thousand of them (12–20 ms) where two hundred take 3–4 ms, and readers narrow a search long before page 10.
SEARCH_PAGES = 10
RECENT_THREADS_CHECKED = 60  # search_threads' first pass: this many most recently active threads
# A search word in fewer posts and titles than this is rare: search_threads reads its threads first, checks only them.
RARE_WORD_MATCHES = 100


def library(*, user, params) -> tuple[LibraryFilter, "QuerySet[KnowledgeProduct] | RankedMatches"]:
    """Filtered, searched and sorted published products the viewer may see."""
    library_filter = LibraryFilter(
        params,
        queryset=access.published_visible_to(user),
        communities=community_choices(user),
    )
    products = library_filter.qs
    query = library_filter.search_text
    sort = (library_filter.form.cleaned_data.get("sort") or "") if library_filter.is_valid() else ""
    # The list reads what its cards show (knowledge.product_cards.card_fields): the bodies (up to 200k characters
    # each, twice), the search vector and a dozen other columns stay in the database, and are not compiled into
    # every page's statement. SQLite's search snippets are cut from body_html here, so it is read there.
    listed = ["slug", "title", "type", "published_at", "language__code", "language__name", "download_count", "summary"]
    if query and connection.vendor != "postgresql":
        listed.append("body_html")

    def for_the_list(rows: QuerySet) -> QuerySet:
        return rows.only(*listed).select_related("language").prefetch_related(tag_list("tags"))

    if query and sort in ("", "relevance") and connection.vendor == "postgresql":
        return library_filter, RankedMatches(products, query, for_the_list)
    if query:
        products = search_products(products, query).order_by("-rank", "-published_at", "pk")
    if sort == "downloads":
        products = products.order_by("-download_count", "-published_at", "pk")
    elif sort == "newest" or not query:
        products = products.order_by(F("published_at").desc(nulls_last=True), "-pk")
    return library_filter, for_the_list(products)


class RankedMatches(Sequence):
    """A library search by relevance on PostgreSQL: the newest matches a search lists (SEARCH_PAGES pages),
    most relevant first, as a sequence the paginator slices (its length is the number of matches, up to one
    more than the pages reach).

    Ranking reads each match's search vector: a common word matches most of a large library (13k of 20k
    products for "budget"). Relevance among the newest two hundred matches is what a reader scanning the first
    pages needs; a rarer word has fewer matches than that and is ranked whole. One statement reads the newest
    matches' ids and ranks (an index walk in publication order, which stops at the last one listed); they are
    sorted here, and a page reads its own rows and snippets only."""

    def __init__(self, matches: QuerySet, query: str, for_the_list):
        self._matches = matches
        self._search = web_search(query)
        self._for_the_list = for_the_list
        # One more than the library's pages reach, so that its paginator still says "more than …".
        self._limit = LIBRARY_PAGE_SIZE * SEARCH_PAGES + 1

    @cached_property
    def _ids(self) -> list[int]:
        from django.contrib.postgres.search import SearchRank

        newest = (
            self._matches.filter(search_vector=self._search)
            .annotate(rank=SearchRank(F("search_vector"), self._search))
            .order_by(F("published_at").desc(nulls_last=True), "-pk")
            .values_list("pk", "rank")[: self._limit]
        )
        # Most relevant first; equal ranks stay newest first (a stable sort of rows read in that order).
        return [pk for pk, _rank in sorted(newest, key=lambda row: -row[1])]

    def __len__(self) -> int:
        return len(self._ids)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            rows = self[index : index + 1 or None]  # -1: the last one
            if not rows:
                raise IndexError("no such match")
            return rows[0]
        # The order is already decided: the page's rows need their snippets, not their ranks again.
        page = self._for_the_list(_with_snippet(KnowledgeProduct.objects.all(), self._search))
        return pagination.rows_in_order(page, self._ids[index])


def _with_snippet(products: QuerySet, search) -> QuerySet:
    from django.contrib.postgres.search import SearchHeadline

    return products.annotate(
        # Markers that are not HTML: the headline is escaped afterwards, then the markers become <mark>.
        snippet=SearchHeadline(
            "body", search, config="simple", start_sel=MARK_START, stop_sel=MARK_STOP, max_words=SNIPPET_WORDS,
            min_words=10, max_fragments=1,
        ),
    )  # fmt: skip


def search_products(products: QuerySet, query: str) -> QuerySet:
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchRank

        search = web_search(query)
        matches = products.filter(search_vector=search).annotate(rank=SearchRank(F("search_vector"), search))
        return _with_snippet(matches, search)
    # SQLite fallback: every word must appear in the title, summary, body or tags; title hits rank first.
    words = [w for w in re.split(r"\s+", query) if w][:8]
    for word in words:
        products = products.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
            | Q(tags__name__icontains=word)
        )  # fmt: skip
    from django.db.models import Case, IntegerField, Value, When

    # Rank: how many of the words appear in the title (a title hit counts more than a hit elsewhere).
    title_hits = [
        Case(When(title__icontains=word, then=Value(1)), default=Value(0), output_field=IntegerField())
        for word in words
    ]
    return products.distinct().annotate(rank=sum(title_hits[1:], title_hits[0]))


def snippet_for(product: KnowledgeProduct, query: str) -> SafeString:
    """Highlighted words from the product's text, as HTML: the text escaped, the words found in <mark>s
    (PostgreSQL gives `snippet`; SQLite builds one here)."""
    snippet = getattr(product, "snippet", None)
    if snippet:
        escaped = html.escape(snippet)
        return mark_safe(escaped.replace(html.escape(MARK_START), "<mark>").replace(html.escape(MARK_STOP), "</mark>"))
    if snippet is None:  # SQLite: from the text, read for the list there
        text = html.escape(html.unescape(strip_tags(product.body_html)) or product.summary)
    else:  # PostgreSQL matched the title, summary or tags of a product without a body: the list reads no body
        text = html.escape(product.summary)
    words = text.split()
    terms = [re.escape(html.escape(w)) for w in query.split() if w]
    if not terms:
        return mark_safe(" ".join(words[:SNIPPET_WORDS]))
    pattern = re.compile("|".join(terms), re.IGNORECASE)
    start = next((i for i, w in enumerate(words) if pattern.search(w)), 0)
    excerpt = " ".join(words[max(0, start - 8) : start + SNIPPET_WORDS])
    return mark_safe(pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", excerpt))


def search_threads(*, user, query: str, limit: int = 10) -> list[Thread]:
    """Discussion threads the viewer may read that match the query (title or a visible post)."""
    words = query.split()[:8]
    if not words:
        return []
    readable_communities = communities_readable_by(user)
    readable = Thread.objects.filter(is_hidden=False, community__in=readable_communities)
    threads = readable
    # Word by word: each word in the title or in some visible post of the thread.
    for word in words:
        in_posts = Exists(posts_matching(word).filter(thread=OuterRef("pk")))
        threads = threads.filter(Q(title__icontains=word) | in_posts)
    threads = threads.select_related("community").order_by("-last_activity_at", "-pk")
    if connection.vendor != "postgresql":
        return list(threads[:limit])
    # Two passes, because no single plan suits both common and rare words. A common word (in a fifth of a
    # million posts) is found at once by checking the posts of the most recently active threads one thread at a
    # time, but costs seconds through the GIN index (hundreds of thousands of posts to fetch); a rare word is the
    # other way round, and PostgreSQL picks its plan without counting on the LIMIT. So: first the most recent
    # threads, then, only if they hold fewer than `limit` matches, the older ones, each planned on its own: the
    # same threads as one pass over all threads (sorted again at the end, in case a reply moved one meanwhile).
    # The recent threads are read first, as a list of ids: PostgreSQL then knows how few they are and checks
    # them one by one (with a date, or a subquery, it cannot tell and may fetch every matching post first), and
    # each pass is a plain statement, cheaper to build than one UNION of both (about 5 ms of a search's Python).
    recent_ids = list(
        readable.order_by("-last_activity_at", "-pk").values_list("pk", flat=True)[:RECENT_THREADS_CHECKED]
    )
    found = list(threads.filter(pk__in=recent_ids)[:limit])
    if len(found) == limit or len(recent_ids) < RECENT_THREADS_CHECKED:  # (fewer: there are no older threads)
        return found
    older = threads.exclude(pk__in=recent_ids)
    candidates = _threads_with_the_rarest_word(words, readable_communities)
    if candidates is not None:
        # A rare or misspelt word: only the threads that have it can match. Walking the older threads instead
        # checked each of them against every word: 0.1–1 s for "budget procurment" (50,000 threads).
        if not candidates:
            return found
        older = older.filter(pk__in=candidates)
    found += older[: limit - len(found)]
    return sorted(found, key=lambda thread: (thread.last_activity_at, thread.pk), reverse=True)


def _threads_with_the_rarest_word(words: list[str], readable_communities: QuerySet) -> list[int] | None:
    """The ids of the readable threads that have the rarest of the words, in their title or a visible post, when
    some word is in fewer than RARE_WORD_MATCHES of their posts and titles together; None when none is.

    One statement, two capped lookups a word: its posts through their full-text index and the titles through
    their trigram index (communities.0009). A common word's lookups stop at the cap; a misspelt word has none.
    Only readable threads are looked at, so that how long a search takes says nothing of the others. (A word
    without three letters or digits in a row has no trigrams: PostgreSQL reads the titles one by one, up to the
    cap, about 50 ms for 50,000 threads when the word is rare: still far less than walking the older threads.)"""
    readable = Thread.objects.filter(is_hidden=False, community__in=readable_communities).order_by()
    lookups = []
    for number, word in enumerate(words):
        number_ = Value(number, output_field=IntegerField())
        posts = posts_matching(word).filter(thread__is_hidden=False, thread__community__in=readable_communities)
        titles = readable.filter(title__icontains=word)
        lookups += [
            posts.order_by().annotate(word=number_).values_list("word", "thread_id")[:RARE_WORD_MATCHES],
            titles.annotate(word=number_).values_list("word", "pk")[:RARE_WORD_MATCHES],
        ]
    matches: list[list[int]] = [[] for _ in words]
    for number, thread_id in lookups[0].union(*lookups[1:], all=True):
        matches[number].append(thread_id)
    # Fewer than the cap in all: neither lookup was cut short, so these are all the word's threads.
    rare = [set(threads) for threads in matches if len(threads) < RARE_WORD_MATCHES]
    return sorted(min(rare, key=len)) if rare else None


def product_page(product: KnowledgeProduct) -> KnowledgeProduct:
    return (
        KnowledgeProduct.objects.select_related("language", "created_by")
        .prefetch_related("files", "tags", "authors", "communities")
        .get(pk=product.pk)
    )


def visible_source_events(*, user, product: KnowledgeProduct) -> list:
    """The events a product came from, as far as the viewer may see them."""
    from events.access import events_visible_to

    return list(events_visible_to(user).filter(knowledge_products=product).order_by("starts_at"))


def visible_sources(*, user, product: KnowledgeProduct) -> list[Thread]:
    """The discussions a product came from, as far as the viewer may read them."""
    readable = communities_readable_by(user)
    return list(product.source_threads.filter(community__in=readable, is_hidden=False).select_related("community"))


def faq_items(community: Community) -> QuerySet[FAQItem]:
    return FAQItem.objects.filter(community=community, is_published=True).order_by("position", "pk")
