"""A small phone (360x640), in the languages whose words are long (Russian, Burmese):

- the signed-in header leaves most of the first screen to the page. With every link laid out, the labels wrapped
  onto seven or eight lines: the header took 370 (Russian) and 420 (Burmese) of the 640 pixels before a member saw
  anything of the page. The links now fold into a "Menu" disclosure (<details>: no JavaScript needed); wider
  screens lay them out;
- a report's reasons all show: they were in a box that scrolled, which hid the last one."""

import pytest

from tests.communities.factories import CommunityFactory, ThreadFactory, member_of
from tests.factories import MemberFactory

from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMALL_PHONE = {"width": 360, "height": 640}
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


def test_a_wide_screen_lays_the_links_out_without_a_menu_button(new_page, live_server):
    page = new_page(viewport={"width": 1280, "height": 800})
    sign_in(page, live_server, MemberFactory())

    header = page.locator("header.site-header")
    assert not header.locator("summary").is_visible()
    assert header.get_by_role("link", name="Notifications").is_visible()
    assert header.get_by_role("link", name="Communities").is_visible()


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
