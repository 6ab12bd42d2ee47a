"""The message after an action is put back in its role="status" region once the page has loaded
(static/js/announce-messages.js): a live region is read out for what changes in it, not for what it held when the
page loaded, so "Marked as helpful." went unsaid. The change looks like nothing: the same message in the same place."""

import pytest

from tests.communities.factories import CommunityFactory, ThreadFactory, member_of

from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Records what is added to a status region after the page was parsed: what a screen reader would announce.
WATCH_STATUS_REGIONS = """
document.addEventListener("DOMContentLoaded", () => {
  window.announced = [];
  new MutationObserver(records => records.forEach(record => {
    if (record.target.closest && record.target.closest('[role="status"]')) {
      record.addedNodes.forEach(node => window.announced.push(node.textContent.trim()));
    }
  })).observe(document.body, {childList: true, subtree: true});
});
"""


def test_a_success_message_is_added_to_its_status_region_once_the_page_has_loaded(page, live_server):
    community = CommunityFactory()
    thread = ThreadFactory(community=community)
    sign_in(page, live_server, member_of(community))
    page.add_init_script(WATCH_STATUS_REGIONS)
    page.goto(live_server.url + thread.get_absolute_url())

    page.get_by_role("button", name="Helpful").click()

    status = page.get_by_role("status")
    assert status.inner_text() == "Marked as helpful."
    page.wait_for_function("() => window.announced && window.announced.length > 0")
    assert page.evaluate("window.announced") == ["Marked as helpful."]
    assert status.inner_text() == "Marked as helpful."
