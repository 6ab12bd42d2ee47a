from datetime import timedelta

import icalendar
import pytest
from django.utils import timezone

from events.models import Event, Registration
from tests.factories import MemberFactory

from .helpers import sign_in, site_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_registers_for_a_webinar_and_downloads_its_calendar_file(page, live_server, a11y):
    starts = timezone.now().replace(second=0, microsecond=0) + timedelta(days=3)  # events are on the minute
    Event.objects.create(
        title="Data literacy webinar", slug="data-literacy", status=Event.Status.PUBLISHED, starts_at=starts,
        ends_at=starts + timedelta(hours=1), capacity=1, join_url="https://meet.example.org/secret-room",
    )  # fmt: skip
    member = MemberFactory(time_zone="Asia/Yangon")

    sign_in(page, live_server, member)

    site_menu(page).get_by_role("link", name="Events").click()
    a11y(page)
    assert "secret-room" not in page.content()
    page.get_by_role("link", name="Data literacy webinar").click()
    a11y(page)
    assert "secret-room" not in page.content()  # the join link waits for registration
    page.get_by_role("button", name="Register").click()
    assert page.get_by_text("You are registered").first.is_visible()
    a11y(page)
    assert page.get_by_role("link", name="Join online").get_attribute("href").endswith("secret-room")
    assert Registration.objects.get().status == "registered"

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to my calendar (.ics)").click()
    calendar = icalendar.Calendar.from_ical(open(download_info.value.path(), "rb").read())
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Data literacy webinar"
    assert vevent.decoded("DTSTART") == starts
    assert "secret-room" not in calendar.to_ical().decode()
