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
