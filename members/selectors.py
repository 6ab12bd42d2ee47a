"""Reads for member pages: querysets that already carry what their templates need."""

from django.db.models import F, Prefetch, QuerySet, Subquery

from .filters import MemberDirectoryFilter
from .models import Language, User, language_name


def members_listed() -> QuerySet[User]:
    """Members who appear in the directory: active, onboarded accounts."""
    return User.objects.filter(is_active=True, profile_completed_at__isnull=False)


def language_choices() -> list[tuple[str, str]]:
    """Every language as (code, name), named and sorted in the reader's language, for
    cop_platform.forms.pair_choice_filter."""
    names = [(code, language_name(code, name)) for code, name in Language.objects.values_list("code", "name")]
    return sorted(names, key=lambda pair: pair[1].casefold())


def member_directory(*, params) -> MemberDirectoryFilter:
    # Only what a card shows (members.member_cards): a member row has twenty columns (a password hash among
    # them), and a page reads 24 rows.
    shown = ("full_name", "email", "position_level", "organization", "city_region", "country")
    queryset = members_listed().only(*shown).order_by("full_name", "pk")
    return MemberDirectoryFilter(params, queryset=queryset)


def sorted_after_matching(members: QuerySet[User]) -> QuerySet[User]:
    """The directory's order (name, then id), for a few matches: sorted once they are found rather than read off
    the name index. NULLS FIRST, which names are never (the column is NOT NULL), is an order that index cannot
    give, so PostgreSQL finds the matches first (through the trigram indexes, migration 0009), then sorts them."""
    return members.order_by(F("full_name").asc(nulls_first=True), "pk")


class ManyMatchesInNameOrder:
    """A search with more matches than the directory's pages reach, in the directory's order, a page at a time
    (the paginator slices it once it has counted).

    Read off the name index, a name that is common but sorts late ("Thida", one member in twenty, none among the
    first 84,000 names) walked most of the index for a page (190 ms at 100,000 members); sorting every match
    costs a word most members match ("ministry") 100 ms. So a page is looked for first among the first names
    in the directory's order, FIRST_NAMES_PER_ROW of them for each row up to the page's end (at most
    FIRST_NAMES_MOST): those names are a prefix of the order, so when they hold the page, it is the page
    (a few ms). Only when they don't are the matches sorted, which is cheap for the words this leaves: rare
    among the first names and not too common overall ("Thida": 5,000 matches, 17 ms)."""

    FIRST_NAMES_PER_ROW = 20
    FIRST_NAMES_MOST = 5_000

    def __init__(self, matches: QuerySet[User]):
        self.matches = matches

    def __getitem__(self, rows: slice) -> list[User]:
        first_names = min(rows.stop * self.FIRST_NAMES_PER_ROW, self.FIRST_NAMES_MOST)
        last_name = members_listed().order_by("full_name", "pk").values("full_name")[first_names - 1 : first_names]
        page = list(self.matches.filter(full_name__lte=Subquery(last_name))[rows])
        if len(page) < rows.stop - rows.start:
            page = list(sorted_after_matching(self.matches)[rows])
        return page


def matches_in_name_order(matches: QuerySet[User], *, many: bool):
    """A directory search's matches in the directory's order, for a paginator that has counted them: `many`
    when there are more than its pages reach."""
    return ManyMatchesInNameOrder(matches) if many else sorted_after_matching(matches)


def member_profile_queryset() -> QuerySet[User]:
    return (
        members_listed()
        .select_related("local_community", "expert_profile")
        .prefetch_related(Prefetch("languages", queryset=Language.objects.order_by("name")), "interests")
    )
