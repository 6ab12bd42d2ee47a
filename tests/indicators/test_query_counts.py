"""Indicators and survey pages cost the same number of queries for 2 frozen months as for 12, for 1 community as
for 10, for 1 survey as for 10.

The counts were measured with django.test.utils.CaptureQueriesContext for a signed-in report viewer (a member
for the survey pages) and are the same on SQLite and PostgreSQL. Each comment lists the queries, in the order
they run."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.models import Community
from indicators.compute import freeze_month
from indicators.models import IndicatorValue, MonthlySnapshot, ProgressReport
from indicators.selectors import add_months
from indicators.surveys import survey_submit
from members.models import Activity
from members.services import activity_record
from tests.communities.factories import CommunityFactory, MembershipFactory
from tests.factories import MemberFactory

from .conftest import OCT, at, member_in
from .test_surveys import make_survey

pytestmark = pytest.mark.django_db

SIZES = [(2, 1), (12, 10)]  # (frozen months, communities)


@pytest.fixture
def viewer_client(client, report_viewer):
    client.force_login(report_viewer)
    return client


def build(months: int, communities: int) -> None:
    """`communities` communities with a member each, active in it in October; October computed and frozen,
    then copied to the `months - 1` months before it (the pages read snapshots only)."""
    for number in range(communities):
        community = Community.objects.create(name=f"Community {number}", slug=f"community-{number}")
        person = MemberFactory(country=["MM", "KH", "KZ"][number % 3])
        member_in(community, person, at(1, 9))
        activity_record(member=person, kind=Activity.Kind.POST, community=community, occurred_at=at(5))
    october, _computed = freeze_month(OCT)
    values = list(october.values.all())
    for back in range(1, months):
        snapshot = MonthlySnapshot.objects.create(month=add_months(OCT, -back), computed_at=october.computed_at)
        IndicatorValue.objects.bulk_create(
            IndicatorValue(snapshot=snapshot, code=v.code, dimension=v.dimension, key=v.key, value=v.value)
            for v in values
        )
    assert MonthlySnapshot.objects.count() == months


@pytest.mark.parametrize("months, communities", SIZES)
def test_the_dashboard(viewer_client, django_assert_num_queries, months, communities):
    build(months, communities)

    # 1 session, 2 user, 3 view_indicators, given to the user or their groups (members.roles),
    # 4 the frozen months (month picker), 5 the snapshots in the 12-month window, 6 the month's progress report
    # (PDF button), 7 unread notifications (header), 8 the window's total values (when the page draws the
    # figures: not when they come from the cache, see below)
    with django_assert_num_queries(8):
        response = viewer_client.get(reverse("indicators:dashboard"))

    assert response.status_code == 200
    assert len(response.context["months"]) == months
    assert response.context["figures"]["members"].value == communities


def test_a_second_visit_draws_the_dashboard_from_the_cache_without_reading_the_values(
    viewer_client, django_assert_num_queries
):
    build(3, 2)
    first = viewer_client.get(reverse("indicators:dashboard")).content.decode()

    # As the first visit, less 8 the values: the figures and charts are cached on the snapshots' version.
    with django_assert_num_queries(7):
        second = viewer_client.get(reverse("indicators:dashboard")).content.decode()

    assert _without_tokens(second) == _without_tokens(first)
    # The month computed again (a new version), with another figure: read and shown.
    IndicatorValue.objects.filter(snapshot__month=OCT, code="members", dimension="total").update(value=777)
    MonthlySnapshot.objects.filter(month=OCT).update(computed_at=timezone.now())
    with django_assert_num_queries(8):
        third = viewer_client.get(reverse("indicators:dashboard")).content.decode()
    # Counted, not just found: a viewer named "Member Number3777" by the factories' sequence shows it on both.
    assert _without_tokens(third).count("777") > _without_tokens(first).count("777")


def _without_tokens(html: str) -> str:
    return re.sub(r'nonce="[^"]*"|name="csrfmiddlewaretoken" value="[^"]*"', "", html)


@pytest.mark.parametrize("months, communities", SIZES)
def test_the_dashboard_for_a_coordinator(client, coordinator, django_assert_num_queries, months, communities):
    build(months, communities)
    client.force_login(coordinator)

    # As for a report viewer (8 queries), plus 9 the coordinator's group names ("Write the narrative" link),
    # before the notifications count
    with django_assert_num_queries(9):
        assert client.get(reverse("indicators:dashboard")).status_code == 200


@pytest.mark.parametrize("months, communities", SIZES)
def test_an_indicator_with_a_community_breakdown(viewer_client, django_assert_num_queries, months, communities):
    build(months, communities)

    # 1 session, 2 user, 3 view_indicators (the user's or their groups'), 4 the frozen months,
    # 5 the snapshots in the window, 6 their totals and the month's breakdowns of this indicator,
    # 7 the names of the communities in the breakdown (one query for all), 8 unread notifications
    with django_assert_num_queries(8):
        response = viewer_client.get(reverse("indicators:indicator", args=["members"]) + "?month=2026-10")

    assert response.status_code == 200
    by_community = next(b for b in response.context["item"].breakdowns if b.dimension == "community")
    assert len(by_community.rows) == communities


@pytest.mark.parametrize("months, communities", SIZES)
def test_an_indicator_without_a_community_breakdown(viewer_client, django_assert_num_queries, months, communities):
    build(months, communities)

    # As above without 7: no community names to look up
    with django_assert_num_queries(7):
        assert viewer_client.get(reverse("indicators:indicator", args=["members_new"])).status_code == 200


def test_the_definitions(viewer_client, django_assert_num_queries):
    # 1 session, 2 user, 3 view_indicators (the user's or their groups'), 4 unread notifications;
    # the definitions come from the registry, not the database
    with django_assert_num_queries(4):
        assert viewer_client.get(reverse("indicators:definitions")).status_code == 200


@pytest.mark.parametrize("months, communities", SIZES)
def test_the_reports_list(viewer_client, ready_report, django_assert_num_queries, months, communities):
    build(months, communities)
    for back in range(months):
        ready_report(add_months(OCT, -back))

    # 1 session, 2 user, 3 view_indicators (the user's or their groups'), 4 the frozen months,
    # 5 their progress reports (one query for all), 6 unread notifications
    with django_assert_num_queries(6):
        response = viewer_client.get(reverse("indicators:reports"))

    assert response.status_code == 200
    assert len(response.context["rows"]) == months == ProgressReport.objects.count()


@pytest.mark.parametrize("surveys", [1, 10])
def test_the_survey_list(member, member_client, django_assert_num_queries, surveys):
    for number in range(surveys):
        community = CommunityFactory()
        MembershipFactory(member=member, community=community)
        survey = make_survey(f"Survey {number}", community=community if number % 2 else None)
        if number % 3 == 0:  # some answered (badge), some not (link)
            survey_submit(survey=survey, member=member, questions=[], data={})
    make_survey("Elsewhere", community=CommunityFactory())

    # 1 session, 2 user, 3 the open surveys asked of the member, with their community and whether the member
    # answered each (one query), 4 unread notifications
    with django_assert_num_queries(4):
        response = member_client.get(reverse("surveys:list"))

    assert response.status_code == 200
    assert len(response.context["surveys"]) == surveys


def test_the_survey_answer_page(member, member_client, django_assert_num_queries):
    community = CommunityFactory()
    MembershipFactory(member=member, community=community)
    survey = make_survey("Check-in", community=community)

    # 1 session, 2 user, 3 the survey if asked of the member, with its community, 4 whether the member already
    # answered, 5 its questions, 6 unread notifications
    with django_assert_num_queries(6):
        assert member_client.get(reverse("surveys:answer", args=[survey.pk])).status_code == 200
