"""Pagination for lists that can grow to tens of thousands of rows (the library, the member directory, a long
discussion).

Counting every match was the slowest statement of those pages at scale (the member directory's COUNT over 100k
members took 26 ms, a library search for a common word 130 ms, more than the rest of the page), and nobody pages
to the 800th page: they narrow the search. So the count stops at `max_pages` pages: past that the page says
"more than 1,200 members", the first `max_pages` pages are reachable, and the last one asks to narrow the search
(templates/includes/pagination.html).
"""

from collections.abc import Callable
from functools import cached_property

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, QuerySet, Window

MAX_PAGES = 50

# SQLite and PostgreSQL read LIMIT and OFFSET as signed 64-bit integers: a larger one is an error, not no rows.
LARGEST_OFFSET = 2**63 - 1


def rows_in_order(rows: QuerySet, ids: list) -> list:
    """The rows of `rows` whose ids are `ids`, in the order of `ids` (ids no longer there are left out)."""
    by_id = {row.pk: row for row in rows.filter(pk__in=ids)}
    return [by_id[pk] for pk in ids if pk in by_id]


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, max_pages: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = self.per_page * (MAX_PAGES if max_pages is None else max_pages)

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        if isinstance(self.object_list, QuerySet):
            # SELECT COUNT(*) FROM (SELECT id … LIMIT cap + 1): the database stops at the first row past the cap.
            # Under a limit, order does not change the count: no sorting, and no computed columns (a search rank).
            found = self.object_list.order_by().values("pk")[: self.cap + 1].count()
        else:
            found = len(self.object_list)
        return min(found, self.cap), found > self.cap

    @property
    def count(self) -> int:
        """The number of rows, or the cap when there are more."""
        return self._counted[0]

    @property
    def is_capped(self) -> bool:
        """True when there are more rows than the pages reach."""
        return self._counted[1]


class CappedIdsPaginator(CappedPaginator):
    """A CappedPaginator that reads the ids of every row its pages reach, in order, in one statement: the count
    and the page's ids both come from it, then the page's rows are read by id.

    For lists whose filter is what costs, such as a search within a community (its threads' posts looked up in
    the full-text index): a count and a page would each run it over the whole list. Reading the page's rows
    repeats the filter for those rows only (a row gone in between is left out: that page is one row short).
    A DISTINCT list, or one that is not a queryset, is counted and paged as by CappedPaginator.

    `read_ids(limit)`, when given, reads the list's first `limit` ids its own way, for a list that knows a
    better one (communities.selectors.ThreadListing.first_ids); not for a DISTINCT list or one that is not a
    queryset."""

    def __init__(self, object_list, per_page, *, read_ids: Callable[[int], list] | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._read_ids = read_ids

    def _reads_ids(self) -> bool:
        # DISTINCT: ids alone, in an order by other columns, could repeat.
        return isinstance(self.object_list, QuerySet) and not self.object_list.query.distinct

    @cached_property
    def _ids(self) -> list:
        if self._read_ids is not None:
            return self._read_ids(self.cap + 1)
        return list(self.object_list.values_list("pk", flat=True)[: self.cap + 1])

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        if not self._reads_ids():
            return super()._counted
        return min(len(self._ids), self.cap), len(self._ids) > self.cap

    def page(self, number):
        if not self._reads_ids():
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(rows_in_order(self.object_list, self._ids[bottom:top]), number, self)


class IdsFirstPaginator(Paginator):
    """Reads a page's ids first, then those rows: the database skips the offset over ids alone.

    A page of a long discussion joins each post to its author and quoted post; with OFFSET the database builds
    those joins for every row it skips (the last page of a 2,000-post thread: 22 ms, against 3 ms for page 1).
    Here the skipping reads the thread's posts in order, without joins, and only the page's rows are joined.
    One more query per page, the same on every page."""

    def _get_page(self, object_list, number, paginator):
        if isinstance(object_list, QuerySet):
            object_list = rows_in_order(self.object_list, list(object_list.values_list("pk", flat=True)))
        return super()._get_page(object_list, number, paginator)


class CountedWithPagePaginator(Paginator):
    """Counts the list in the statement that reads the page (COUNT(*) OVER ()), for lists the database reads
    whole anyway to sort them (the events schedule puts the viewer's communities' events first: no index gives
    that order). One statement instead of a COUNT and a page, and the visibility filters run once: 12 ms of
    SQL instead of 17 ms for a schedule of 1,500 upcoming events. A page past the end costs a separate count
    (it has no row to carry one), as does a DISTINCT list (the window would count duplicates)."""

    def get_page(self, number):
        # Django's get_page validates the number against the count first; here the page comes first.
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(self.num_pages)

    def page(self, number):
        if not isinstance(self.object_list, QuerySet) or self.object_list.query.distinct or self.orphans:
            return super().page(number)
        number = self._whole_number(number)
        bottom = (number - 1) * self.per_page
        if bottom + self.per_page > LARGEST_OFFSET:
            return super().page(number)  # far past any list's end: counts, then EmptyPage
        rows = list(self.object_list.annotate(rows_in_list=Window(Count("*")))[bottom : bottom + self.per_page])
        if not rows and number > 1:
            return super().page(number)  # counts, then says which pages exist (EmptyPage)
        self.__dict__["count"] = rows[0].rows_in_list if rows else 0  # Paginator.count is a cached_property
        return self._get_page(rows, number, self)

    def _whole_number(self, number) -> int:
        """Django's validate_number, short of the last page's check (which needs the count)."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number
