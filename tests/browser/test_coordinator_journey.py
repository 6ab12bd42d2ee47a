"""The coordinator creates a webinar in the Django admin; members then find it on the public schedule."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Event
from tests.factories import CoordinatorFactory, MemberFactory

from .helpers import sign_in, site_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_coordinator_creates_an_event_in_the_admin(page, live_server, a11y):
    coordinator = CoordinatorFactory()
    speaker = MemberFactory(full_name="Thandar Speaker")
    page.set_viewport_size({"width": 1280, "height": 800})  # the admin is a desk job
    starts = timezone.localtime(timezone.now() + timedelta(days=10)).replace(hour=9, minute=0, second=0, microsecond=0)

    sign_in(page, live_server, coordinator)
    site_menu(page).get_by_role("link", name="Admin").click()
    a11y(page)
    page.locator("#events-event").get_by_role("link", name="Events").click()
    a11y(page)
    page.get_by_role("link", name="Add event").click()
    a11y(page)
    page.get_by_label("Title").fill("Open data for local budgets")
    page.get_by_label("Title").press("Tab")  # the admin fills the slug in on change
    assert page.get_by_label("Slug").input_value() == "open-data-for-local-budgets"  # the admin's own script
    page.get_by_label("Status").select_option("published")
    page.locator("#id_starts_at_0").fill(starts.strftime("%Y-%m-%d"))
    page.locator("#id_starts_at_1").fill("09:00:00")
    page.locator("#id_ends_at_0").fill(starts.strftime("%Y-%m-%d"))
    page.locator("#id_ends_at_1").fill("08:00:00")
    # Speakers are looked up as typed (at scale, listing every member made the form 5 MB).
    page.locator(".field-speaker_members .select2-search__field").fill("Thandar")
    page.get_by_role("option", name="Thandar Speaker").click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("The end must be after the start.")).to_be_visible()
    a11y(page)
    page.locator("#id_ends_at_1").fill("10:30:00")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was added successfully")).to_be_visible()
    a11y(page)

    event = Event.objects.get()
    assert (event.slug, event.status) == ("open-data-for-local-budgets", "published")
    assert event.ends_at - event.starts_at == timedelta(hours=1, minutes=30)
    assert list(event.speaker_members.all()) == [speaker]  # kept through the refused save, then saved
    page.goto(live_server.url + "/events/")
    page.get_by_role("link", name="Open data for local budgets").click()
    expect(page.get_by_role("heading", name="Open data for local budgets")).to_be_visible()
