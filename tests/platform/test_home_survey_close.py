"""The home page's open surveys give their closing minute in the member's zone, named, as the surveys page does:
"until 11 March" read as the whole of that day, and the survey closed at 06:29 on it."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.models import Survey, SurveyResponse
from members import privacy
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_the_home_page_names_the_closing_minute_and_zone(client):
    member = MemberFactory(time_zone="Asia/Yangon", language="en")
    closes = datetime(timezone.now().year + 1, 3, 10, 23, 59, tzinfo=UTC)  # 06:29 on 11 March in Yangon
    Survey.objects.create(title="Pulse", opens_at=timezone.now() - timedelta(days=1), closes_at=closes)
    client.force_login(member)

    page = client.get(reverse("home")).content.decode()

    assert "until 11 March" in page and "06:29" in page and "(Asia/Yangon)" in page


def test_the_export_says_whether_the_member_let_their_comments_be_quoted():
    member = MemberFactory()
    survey = Survey.objects.create(
        title="Pulse", opens_at=timezone.now() - timedelta(days=1), closes_at=timezone.now() + timedelta(days=1)
    )
    SurveyResponse.objects.create(survey=survey, member=member, may_quote=True)

    assert [row["comments_may_be_quoted"] for row in privacy._surveys(member)["responses"]] == [True]
