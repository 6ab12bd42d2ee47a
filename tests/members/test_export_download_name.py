"""The data export downloads under the member's own date (members.privacy.export_download_name): UTC's was the day
before in Yangon until 06:30, and the day after in the Americas in the evening."""

from datetime import UTC, datetime

import pytest

from members import privacy
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("zone", "now", "name"),
    [
        ("Asia/Yangon", datetime(2025, 3, 10, 20, 0, tzinfo=UTC), "my-data-2025-03-11.zip"),  # 02:30 on the 11th
        ("America/Lima", datetime(2025, 3, 11, 2, 0, tzinfo=UTC), "my-data-2025-03-10.zip"),  # 21:00 on the 10th
        ("Asia/Yangon", datetime(2025, 3, 10, 12, 0, tzinfo=UTC), "my-data-2025-03-10.zip"),
    ],
)
def test_the_file_is_named_with_the_members_local_date(zone, now, name):
    assert privacy.export_download_name(member=MemberFactory(time_zone=zone), now=now) == name


def test_a_member_without_a_zone_gets_the_sites_date(settings):
    settings.TIME_ZONE = "Asia/Bangkok"
    member = MemberFactory(time_zone="")

    assert privacy.export_download_name(member=member, now=datetime(2025, 3, 10, 18, 0, tzinfo=UTC)) == (
        "my-data-2025-03-11.zip"
    )


def test_the_download_is_named_so(client, django_capture_on_commit_callbacks, mailoutbox):
    from zoneinfo import ZoneInfo

    from tests.members.test_privacy import request_export

    # A zone whose date differs from UTC's at the hour the test runs: 14 hours east from 10:00 UTC, else 11 west.
    zone = "Pacific/Kiritimati" if datetime.now(UTC).hour >= 10 else "Pacific/Pago_Pago"
    member = MemberFactory(time_zone=zone)
    client.force_login(member)
    path = request_export(client, django_capture_on_commit_callbacks, mailoutbox)

    response = client.get(path)

    local = datetime.now(ZoneInfo(zone)).date()
    assert local != datetime.now(UTC).date()
    assert f'filename="my-data-{local:%Y-%m-%d}.zip"' in response["Content-Disposition"]
