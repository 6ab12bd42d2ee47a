"""A small phone (360x640), in the languages whose words are long (Russian, Burmese):

- the signed-in header leaves most of the first screen to the page. With every link laid out, the labels wrapped
  onto seven or eight lines: the header took 370 (Russian) and 420 (Burmese) of the 640 pixels before a member saw
  anything of the page. The links now fold into a "Menu" disclosure (<details>: no JavaScript needed); wider
  screens lay them out;
- the closed Menu shows the unread count, and a screen reader hears it in the button's name ("Menu 3 unread"):
  it showed a dot;
- wide screens lay the links out without the Menu in browsers without ::details-content too (Firefox before 143,
  Safari before 18.4): the links were inside the <details>, which only ::details-content could show while closed,
  so there the Menu button showed at every width. The links now follow it. Chromium has ::details-content; the
  tests take the site's rules that need it away, as such a browser drops them;
- a report's reasons all show: they were in a box that scrolled, which hid the last one."""

import pytest

from communities.models import Notification
from tests.communities.factories import CommunityFactory, ThreadFactory, member_of
from tests.factories import MemberFactory

from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMALL_PHONE = {"width": 360, "height": 640}
PHONE = {"width": 375, "height": 812}
WIDE = {"width": 1280, "height": 800}
MOST_OF_THE_SCREEN = 0.30  # the header may take at most this share of the first screen


def _signed_in_in(new_page, live_server, user, language, **options):
    page = new_page(viewport=SMALL_PHONE, **options)
    sign_in(page, live_server, user)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    return page


@pytest.mark.parametrize("language", ["ru", "my"])
def test_the_signed_in_header_leaves_most_of_a_small_phones_screen_to_the_page(new_page, live_server, language):
    member = MemberFactory(full_name="Aung Kyaw Moe Thant Zin")
    page = _signed_in_in(new_page, live_server, member, language, java_script_enabled=False)
    page.goto(live_server.url + "/")
    assert page.locator(f'html[lang="{language}"]').count() == 1

    header = page.locator("header.site-header")
    assert header.bounding_box()["height"] < MOST_OF_THE_SCREEN * SMALL_PHONE["height"]
    notifications = header.locator('a[href="/notifications/"]')
    assert not notifications.is_visible()

    header.locator("summary").click()  # the menu opens without JavaScript, and shows every link
    assert notifications.is_visible()
    assert header.locator("form button[type=submit]").is_visible()  # sign out
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]


# What a browser without ::details-content keeps of the site's stylesheets: it drops each rule whose selector names
# the pseudo-element, and each @supports block that asks for it (or keeps the block, for `@supports not`).
WITHOUT_DETAILS_CONTENT = """() => {
    const drop = (rules, owner) => {
        for (let i = rules.length - 1; i >= 0; i--) {
            const rule = rules[i];
            const condition = rule instanceof CSSSupportsRule ? rule.conditionText.trim() : "";
            const asks = condition.includes("details-content") && !condition.startsWith("not");
            if ((rule.selectorText || "").includes("details-content") || asks) {
                owner.deleteRule(i);
            } else if (rule.cssRules) {
                drop(rule.cssRules, rule);
            }
        }
    };
    for (const sheet of document.styleSheets) drop(sheet.cssRules, sheet);
}"""
DETAILS_CONTENT = pytest.mark.parametrize("details_content", [True, False], ids=["details-content", "without"])


def _signed_in_at(new_page, live_server, viewport, details_content, user=None):
    page = new_page(viewport=viewport)
    sign_in(page, live_server, user or MemberFactory())
    if not details_content:
        page.evaluate(WITHOUT_DETAILS_CONTENT)
        assert "details-content" not in page.evaluate(
            "() => [...document.styleSheets].map(sheet => [...sheet.cssRules].map(rule => rule.cssText)).join()"
        )
    return page


def _button_name(page) -> str:
    """The accessible name Chromium gives the Menu's button (a <summary>, a disclosure triangle to it)."""
    tree = page.context.new_cdp_session(page).send("Accessibility.getFullAXTree")["nodes"]
    names = [node["name"]["value"] for node in tree if node.get("role", {}).get("value") == "DisclosureTriangle"]
    assert len(names) == 1, names
    return names[0]


@DETAILS_CONTENT
def test_a_wide_screen_lays_the_links_out_without_a_menu_button(new_page, live_server, details_content):
    page = _signed_in_at(new_page, live_server, WIDE, details_content)

    header = page.locator("header.site-header")
    assert not header.locator("summary").is_visible()
    for name in ["Home", "Communities", "Library", "Events", "Experts", "Members", "Notifications", "Account"]:
        assert header.get_by_role("link", name=name, exact=True).is_visible(), name
    assert header.get_by_role("button", name="Sign out").is_visible()
    # The links share the brand's row.
    brand, communities = header.locator(".site-brand"), header.get_by_role("link", name="Communities")
    assert abs(brand.bounding_box()["y"] - communities.bounding_box()["y"]) < brand.bounding_box()["height"]


@DETAILS_CONTENT
def test_the_closed_menu_shows_the_unread_count_and_opens_on_a_phone(new_page, live_server, details_content):
    member = MemberFactory()
    for text in ["One", "Two", "Three"]:
        Notification.objects.create(recipient=member, kind=Notification.Kind.MENTION, text=text, url="/")
    page = _signed_in_at(new_page, live_server, PHONE, details_content, member)

    header = page.locator("header.site-header")
    button, notifications = header.locator("summary"), header.get_by_role("link", name="Notifications 3 unread")
    assert button.is_visible() and not notifications.is_visible()
    count = button.locator(".badge")
    assert count.is_visible() and count.evaluate("badge => badge.firstChild.textContent") == "3"
    assert _button_name(page) == "Menu 3 unread"
    assert header.bounding_box()["height"] < MOST_OF_THE_SCREEN * PHONE["height"]

    button.click()

    assert notifications.is_visible() and notifications.locator(".badge").is_visible()
    assert not count.is_visible() and _button_name(page) == "Menu"  # the open menu says it once, on its link
    assert header.get_by_role("link", name="Communities").is_visible()
    assert header.get_by_role("button", name="Sign out").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    button.click()
    assert not notifications.is_visible() and count.is_visible()


def test_the_menu_shows_no_count_when_nothing_is_unread(new_page, live_server):
    page = _signed_in_at(new_page, live_server, PHONE, True)

    assert page.locator("header.site-header summary .badge").count() == 0
    assert _button_name(page) == "Menu"


@pytest.mark.parametrize("language", ["ru", "my"])
def test_every_reason_to_report_a_post_shows_on_a_small_phone(new_page, live_server, language):
    community = CommunityFactory()
    post = ThreadFactory(community=community).posts.get()
    page = _signed_in_in(new_page, live_server, member_of(community), language)

    page.goto(f"{live_server.url}/communities/{community.slug}/posts/{post.pk}/report/")

    reasons = page.locator("#id_reason")
    box = reasons.bounding_box()
    assert page.locator("#id_reason input[type=radio]").count() == 5
    assert reasons.evaluate("list => list.scrollHeight <= list.clientHeight")  # nothing scrolled out of sight
    last = page.locator("#id_reason .check").last.bounding_box()
    assert last["y"] + last["height"] <= box["y"] + box["height"]


@pytest.mark.parametrize("language", ["ru", "my"])
def test_a_long_badge_wraps_rather_than_widening_a_phones_page(new_page, live_server, language):
    """ "Your request is waiting for a leader", a badge, in Burmese: it did not wrap, and the page was 473 pixels
    wide on a 375-pixel phone."""
    from communities.models import Community
    from communities.services import community_join

    community = CommunityFactory(name="HR management", visibility=Community.Visibility.REQUEST)
    member = MemberFactory()
    community_join(member=member, community=community)
    page = new_page(viewport=PHONE)
    sign_in(page, live_server, member)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])

    page.goto(live_server.url + community.get_absolute_url())

    assert page.locator(".badge-warning").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
