"""The coverage grid: active experts per cluster and country, with totals, for coordinators only."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from communities.models import Membership
from experts.models import Expert
from experts.selectors import coverage_grid
from tests.communities.factories import CommunityFactory, member_of
from tests.factories import ExpertFactory as ExpertMemberFactory
from tests.factories import MemberFactory, ReportViewerFactory

from .factories import ExpertClusterFactory, ExpertFactory

pytestmark = pytest.mark.django_db

REGION = list(settings.COUNTRIES_FIRST)


@pytest.fixture
def clusters():
    return {
        "alpha": ExpertClusterFactory(theme="Alpha cluster"),
        "beta": ExpertClusterFactory(theme="Beta cluster"),
        "gamma": ExpertClusterFactory(theme="Gamma cluster"),  # nobody yet: a row of gaps
    }


@pytest.fixture
def population(clusters):
    alpha, beta = clusters["alpha"], clusters["beta"]
    ExpertFactory(clusters=[alpha], countries=["MM"])
    ExpertFactory(clusters=[alpha], countries=["MM", "KH"])  # two countries: counts in both
    ExpertFactory(clusters=[beta], countries=["KH"])
    ExpertFactory(clusters=[alpha, beta], countries=["TH"])  # two clusters: counts in both rows
    ExpertFactory(clusters=[beta], countries=["FR"])  # outside the region: adds a column
    ExpertFactory(clusters=[], countries=["VN"])  # active but in no cluster yet
    # Not active: not counted anywhere.
    for status in (Expert.Status.MAPPED, Expert.Status.CONTACTED, Expert.Status.ENGAGED, Expert.Status.INACTIVE):
        ExpertFactory(clusters=[alpha, beta], countries=["MM", "LA", "DE"], status=status)


EXPECTED_ROWS = {
    "Alpha cluster": ({"MM": 2, "KH": 1, "TH": 1}, 4),
    "Beta cluster": ({"KH": 1, "TH": 1, "FR": 1}, 3),
    "Gamma cluster": ({}, 0),
}
EXPECTED_COLUMNS = {"MM": 2, "KH": 2, "TH": 2, "FR": 1}


def test_it_counts_active_experts_per_cluster_and_country(population):
    grid = coverage_grid()
    codes = [code for code, _name in grid.countries]
    assert codes == REGION + ["FR"]  # the region first, then any other country an active expert covers
    assert dict(grid.countries)["MM"] == "Myanmar"
    assert [c.theme for c in grid.clusters] == ["Alpha cluster", "Beta cluster", "Gamma cluster"]

    rows = {cluster.theme: (counts, total) for cluster, counts, total in grid.rows()}
    for theme, (cells, total) in EXPECTED_ROWS.items():
        counts, row_total = rows[theme]
        assert counts == [cells.get(code, 0) for code in codes], theme
        assert row_total == total
    assert grid.column_totals() == [EXPECTED_COLUMNS.get(code, 0) for code in codes]
    # Gaps are zeros, including in the region's countries nobody covers.
    assert rows["Alpha cluster"][0][codes.index("LA")] == 0
    assert grid.column_totals()[codes.index("LA")] == 0


def test_it_has_zeros_everywhere_without_active_experts(clusters):
    ExpertFactory(clusters=[clusters["alpha"]], countries=["MM"], status=Expert.Status.ENGAGED)
    grid = coverage_grid()
    assert [code for code, _name in grid.countries] == REGION
    assert all(total == 0 and not any(counts) for _cluster, counts, total in grid.rows())
    assert grid.column_totals() == [0] * len(REGION)


def test_it_has_no_rows_without_clusters():
    ExpertFactory(countries=["MM"])
    grid = coverage_grid()
    assert list(grid.rows()) == []
    assert grid.column_totals() == [0] * len(grid.countries)


def _cells(row_html: str) -> list[int]:
    cells = re.findall(r'<td class="numeric[^"]*">(.*?)</td>', row_html, re.S)
    return [0 if "·" in cell else int(cell) for cell in cells]


def test_it_renders_the_grid_for_the_coordinator(client, coordinator, population):
    client.force_login(coordinator)
    response = client.get(reverse("experts:coverage"))
    assert response.status_code == 200
    html = response.content.decode()
    codes = REGION + ["FR"]
    header = re.search(r"<thead>(.*?)</thead>", html, re.S).group(1)
    assert re.findall(r"<abbr [^>]*>(\w+)</abbr>", header) == codes
    for theme, (cells, total) in EXPECTED_ROWS.items():
        row = re.search(rf'<tr><th scope="row">{theme}</th>(.*?)</tr>', html, re.S)
        assert row, theme
        assert _cells(row.group(1)) == [cells.get(code, 0) for code in codes] + [total]
    footer = re.search(r"<tfoot>(.*?)</tfoot>", html, re.S).group(1)
    assert _cells(footer) == [EXPECTED_COLUMNS.get(code, 0) for code in codes]
    assert 'class="numeric gap"' in html


def test_it_explains_an_empty_grid(client, coordinator):
    client.force_login(coordinator)
    html = client.get(reverse("experts:coverage")).content.decode()
    assert "No clusters yet." in html
    assert "No overdue questions." in html


@pytest.mark.parametrize("role", ["member", "leader", "expert", "report_viewer"])
def test_it_gives_404_to_everyone_but_the_coordinator(client, role):
    user = {
        "member": MemberFactory,
        "leader": lambda: member_of(CommunityFactory(), role=Membership.Role.LEADER),
        "expert": ExpertMemberFactory,
        "report_viewer": ReportViewerFactory,
    }[role]()
    client.force_login(user)
    assert client.get(reverse("experts:coverage")).status_code == 404


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("experts:coverage"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
