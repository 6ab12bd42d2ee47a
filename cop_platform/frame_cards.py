"""The site's frame, its header and footer, as cards (cop_platform/cards.py): every page draws them, and drawing
them took about as long as the benchmark's ceiling answers a whole request (bench/scale.py, "(ref.) site frame
only").

The header's values are the viewer's (their name, staff or not) and the site's name and logo, so each member has
one header per language; the footer's are the site's name and tagline, so everyone shares it per language. What
differs from request to request is a slot, filled in on the way out: which link is the current page, the unread
count (twice: after Notifications and in the phone's Menu button), the forms' CSRF field (the header's sign-out,
the footer's language switcher) and the page the language switcher returns to. As slots rather than values they
keep one entry per member in the cache, where every page and every new notification would otherwise add one.
"""

import re
from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.translation import npgettext

from cop_platform import cards, page_cache

HEADER_TEMPLATE = "includes/site_header.html"
FOOTER_TEMPLATE = "includes/site_footer.html"
NEXT_SLOT = "<!--next-->"
UNREAD_SLOT = "<!--unread-->"
# One after each link's href, named like the link: the current page's becomes aria-current, the others nothing.
CURRENT_SLOT = re.compile(r"<!--current:([a-z_]+)-->")

# The header's links by the name of their slot (<!--current:name-->), and their URL names: the one whose URL is
# the request's path is the current page (aria-current).
_LINKS = {
    "home": "home",
    "communities": "communities:list",
    "knowledge": "knowledge:library",
    "events": "events:schedule",
}
_MEMBER_LINKS = {
    "experts": "experts:directory", "directory": "members:directory", "notifications": "notifications",
    "profile_edit": "members:profile_edit", "account": "account_email",
}  # fmt: skip
_VISITOR_LINKS = {"login": "account_login"}


def current_link(path: str, user) -> str:
    """Which of the header's links is the page at `path` ("" for none)."""
    signed_in = user is not None and user.is_authenticated
    key = _links_by_url(get_script_prefix(), get_urlconf(), signed_in).get(path, "")
    if not key and signed_in and path == reverse("members:detail", args=[user.pk]):
        return "own_profile"
    return key


@lru_cache(maxsize=16)
def _links_by_url(_script_prefix: str, _urlconf, signed_in: bool) -> dict[str, str]:
    """The links' URLs, reversed once per process (for each script prefix and URLconf, which reverse() reads)."""
    links = _LINKS | (_MEMBER_LINKS if signed_in else _VISITOR_LINKS)
    return {reverse(url_name): key for key, url_name in links.items()}


def header_fields(context) -> dict:
    """Everything the header template reads, from the page's context (the user and the context processors')."""
    user = context.get("user")
    signed_in = user is not None and user.is_authenticated
    return {
        "pk": user.pk if signed_in else 0,
        "signed_in": signed_in,
        "name": user.display_name if signed_in else "",
        "is_staff": signed_in and user.is_staff,
        "site_name": context.get("site_name", ""),
        "logo_url": context.get("site_logo_url", ""),
    }


def header(context) -> str:
    card = cards.rendered(HEADER_TEMPLATE, [header_fields(context)], kind="header", zoned=False)[0]
    request, user = context.get("request"), context.get("user")
    current = current_link(request.path if request else "", user)
    card = CURRENT_SLOT.sub(lambda slot: ' aria-current="page"' if slot.group(1) == current else "", card)
    # Two unread slots: after "Notifications" and in the (phone's) Menu button. A page drawn to be kept has the
    # page cache's own slot there, filled in each time it is served (cop_platform.page_cache).
    if getattr(request, "page_unread_slot", False):
        badge = page_cache.UNREAD_SLOT
    else:
        badge = unread_badge(context.get("unread_notifications"))
    card = cards.filled(card, UNREAD_SLOT, badge, count=-1)
    return cards.csrf_filled(card, context)


def unread_badge(count) -> str:
    """What follows "Notifications" and the closed Menu's label in the header: the unread count, if any, which a
    screen reader reads "3 unread"."""
    if not count:
        return ""
    # A plural, for the word after the number: Russian says "1 непрочитанное", "3 непрочитанных".
    unread = npgettext("notifications, after their number", "unread", "unread", count)
    return format_html(
        ' <span class="badge">{}<span class="visually-hidden"> {}</span></span>', localize(count), unread
    )


def footer(context) -> str:
    fields = {"pk": 0, "site_name": context.get("site_name", ""), "tagline": context.get("site_tagline", "")}
    card = cards.rendered(FOOTER_TEMPLATE, [fields], kind="footer", zoned=False)[0]
    request = context.get("request")
    card = cards.csrf_filled(card, context)
    return cards.filled(card, NEXT_SLOT, request.get_full_path() if request else "")
