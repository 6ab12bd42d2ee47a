"""Steps several journeys share."""

from tests.factories import PASSWORD


def sign_in(page, live_server, user, a11y=None):
    page.goto(live_server.url + "/accounts/login/")
    if a11y:
        a11y(page)
    page.get_by_label("Email").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(live_server.url + "/")
    if a11y:
        a11y(page)


def site_menu(page):
    """The site's header, its links showing: on a phone they are folded in its "Menu" (a <details>), opened here."""
    header = page.locator("header.site-header")
    button = header.locator("summary.site-menu-button")
    if button.is_visible() and header.locator("details.site-menu[open]").count() == 0:
        button.click()
    return header
