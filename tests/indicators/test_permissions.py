"""Who may open each indicators URL: report viewers, coordinators and superusers; every other signed-in role
gets 403 and anonymous visitors are sent to sign in. Every URL is checked for every role."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from communities.models import Community, Membership
from indicators.compute import freeze_month
from indicators.models import ProgressReport
from tests.communities.factories import member_of
from tests.factories import MemberFactory

from .conftest import FAKE_PDF, OCT

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "member", "expert", "community_leader", "staff_without_role", "report_viewer", "coordinator",
         "superuser"]  # fmt: skip
ALLOWED = {"report_viewer", "coordinator", "superuser"}

# (name, args, query string, method, status for a role that may see it)
URLS = {
    "dashboard": ("indicators:dashboard", [], "", "get", 200),
    "indicator": ("indicators:indicator", ["members"], "", "get", 200),
    "definitions": ("indicators:definitions", [], "", "get", 200),
    "reports": ("indicators:reports", [], "", "get", 200),
    "month_csv": ("indicators:month_csv", [OCT], "", "get", 200),
    "month_xlsx": ("indicators:month_xlsx", [OCT], "", "get", 200),
    "trend_csv": ("indicators:trend_csv", [], "?month=2026-10", "get", 200),
    "trend_xlsx": ("indicators:trend_xlsx", [], "?month=2026-10", "get", 200),
    "report_status": ("indicators:report", [OCT], "", "get", 200),
    "report_regenerate": ("indicators:report", [OCT], "", "post", 302),
    "report_pdf": ("indicators:report_pdf", [OCT], "", "get", 200),
}


@pytest.fixture
def people(member, expert, report_viewer, coordinator):
    return {
        "anonymous": None,
        "member": member,
        "expert": expert,
        "community_leader": member_of(Community.objects.create(name="Leaders", slug="leaders"),
                                      role=Membership.Role.LEADER),
        "staff_without_role": MemberFactory(is_staff=True),
        "report_viewer": report_viewer,
        "coordinator": coordinator,
        "superuser": MemberFactory(is_staff=True, is_superuser=True),
    }  # fmt: skip


@pytest.fixture
def october(ready_report):
    """A frozen October with a ready report (so the PDF URL has something to serve)."""
    snapshot, _computed = freeze_month(OCT)
    ready_report(OCT)
    return snapshot


def test_the_urls_are_the_documented_ones():
    assert reverse("indicators:dashboard") == "/indicators/"
    assert reverse("indicators:indicator", args=["members"]) == "/indicators/members/"
    assert reverse("indicators:definitions") == "/indicators/definitions/"
    assert reverse("indicators:reports") == "/indicators/reports/"
    assert reverse("indicators:month_csv", args=[OCT]) == "/indicators/2026-10/figures.csv"
    assert reverse("indicators:month_xlsx", args=[OCT]) == "/indicators/2026-10/figures.xlsx"
    assert reverse("indicators:trend_csv") == "/indicators/trend.csv"
    assert reverse("indicators:trend_xlsx") == "/indicators/trend.xlsx"
    assert reverse("indicators:report", args=[OCT]) == "/indicators/2026-10/report/"
    assert reverse("indicators:report_pdf", args=[OCT]) == "/indicators/2026-10/report.pdf"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_key", list(URLS))
def test_each_url_for_each_role(client, people, october, role, url_key):
    name, args, query, method, allowed_status = URLS[url_key]
    if people[role] is not None:
        client.force_login(people[role])
    url = reverse(name, args=args)

    response = getattr(client, method)(url + query)

    report = ProgressReport.objects.get(month=OCT)
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?next={quote(url + query, safe='/')}"
    elif role not in ALLOWED:
        assert response.status_code == 403
    else:
        assert response.status_code == allowed_status
        if url_key == "report_regenerate":
            assert response["Location"] == reverse("indicators:report", args=[OCT])
        if url_key == "report_pdf":
            assert b"".join(response.streaming_content) == FAKE_PDF
    # Only a permitted POST queues a render (the queue itself runs after the commit that never comes here).
    queued = role in ALLOWED and url_key == "report_regenerate"
    assert report.job == (ProgressReport.Job.QUEUED if queued else ProgressReport.Job.IDLE)
    assert report.requested_by == (people[role] if queued else None)


@pytest.mark.parametrize("role", sorted(ALLOWED))
def test_unknown_indicators_and_months_are_not_found(client, people, october, role):
    client.force_login(people[role])

    assert client.get(reverse("indicators:indicator", args=["no-such-indicator"])).status_code == 404
    assert client.get("/indicators/2026-13/figures.csv").status_code == 404  # not a month
    assert client.get(reverse("indicators:month_csv", args=["2026-08"])).status_code == 404  # not frozen
    assert client.get(reverse("indicators:report", args=["2026-08"])).status_code == 404
    assert client.put(reverse("indicators:report", args=[OCT])).status_code == 405
