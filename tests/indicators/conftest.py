"""Shared builders for the indicators tests: a small hand-built data set with known answers (two frozen months),
a fake PDF renderer for the report-service tests, and report files kept in a temporary MEDIA_ROOT."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from communities.models import Community, Membership
from events.models import Event
from indicators.compute import freeze_month
from indicators.models import ManualFigure, MonthlySnapshot, ProgressReport
from indicators.report import RenderedReport
from members.models import Activity
from members.services import activity_record
from tests.factories import MemberFactory

SEP = date(2026, 9, 1)
OCT = date(2026, 10, 1)
# A fake PDF: enough for the service and download tests, which are not about the rendering.
FAKE_PDF = b"%PDF-1.4\n% fake report for tests\n%%EOF\n"
FAKE_PAGES = 3


def at(day: int, month: int = 10, year: int = 2026, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def member_in(community, member, joined, left=None, role=Membership.Role.MEMBER):
    return Membership.objects.create(
        member=member, community=community, role=role, status="active" if left is None else "left",
        requested_at=joined, joined_at=joined, left_at=left,
    )  # fmt: skip


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    # Report PDFs are written to storage: keep them out of the project's var/media.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def dataset(db):
    """Two communities (B's name starts with "=", as a formula would); members with and without country and
    gender; a leaver and two newcomers in October; one active member; manual figures; an event.

    End of September: stayer, leaver, unstated → 3 members. End of October: stayer, unstated, newcomer,
    newcomer_kz → 4 members (MM 2, KZ 1, not stated 1; female 1, male 1, not stated 2; A 3, B 2)."""
    a = Community.objects.create(name="A", slug="a")
    b = Community.objects.create(name="=SUM(1+1)", slug="b")
    stayer = MemberFactory(country="MM", gender="female")
    leaver = MemberFactory(country="KH", gender="male")
    unstated = MemberFactory(country="", gender="")
    newcomer = MemberFactory(country="MM", gender="")
    newcomer_kz = MemberFactory(country="KZ", gender="male")
    member_in(a, stayer, at(1, 6))
    member_in(b, stayer, at(1, 7))
    member_in(a, leaver, at(1, 5), left=at(15))
    member_in(a, unstated, at(1, 4))
    member_in(b, newcomer, at(10))
    member_in(a, newcomer_kz, at(12))
    activity_record(member=stayer, kind=Activity.Kind.LOGIN, occurred_at=at(3))
    activity_record(member=stayer, kind=Activity.Kind.POST, community=b, occurred_at=at(4))
    ManualFigure.objects.create(
        month=OCT, code="offline_participants", country="MM", value=40,
        source_note="Attendance sheets, Yangon workshop",
    )  # fmt: skip
    ManualFigure.objects.create(
        month=OCT, code="offline_participants", country="", value=15, source_note="Partner estimate, radio phone-in"
    )
    Event.objects.create(
        slug="budget-clinic", title="Budget clinic October", kind=Event.Kind.WEBINAR, status=Event.Status.PUBLISHED,
        starts_at=at(14), ends_at=at(14) + timedelta(hours=1), join_url="https://meet.example.org/x",
    )  # fmt: skip
    return {
        "a": a, "b": b, "stayer": stayer, "leaver": leaver, "unstated": unstated, "newcomer": newcomer,
        "newcomer_kz": newcomer_kz,
    }  # fmt: skip


@pytest.fixture
def frozen(dataset):
    """The data set with September and October frozen."""
    freeze_month(SEP)
    freeze_month(OCT)
    return dataset


def fake_render(month):
    snapshot = MonthlySnapshot.objects.get(month=month.replace(day=1))
    return RenderedReport(pdf=FAKE_PDF, pages=FAKE_PAGES, snapshot_computed_at=snapshot.computed_at)


@pytest.fixture
def fake_renderer(monkeypatch):
    """The report service renders a tiny fake PDF instead of running WeasyPrint (1–4 s a render)."""
    calls = []

    def render(month):
        calls.append(month)
        return fake_render(month)

    monkeypatch.setattr("indicators.services.render_report", render)
    return calls


@pytest.fixture
def ready_report(db):
    """A ready October report with the fake PDF (October must be frozen by the test)."""

    def make(month=OCT):
        from django.core.files.base import ContentFile

        report, _ = ProgressReport.objects.get_or_create(month=month)
        report.file.save(f"report-{month:%Y-%m}.pdf", ContentFile(FAKE_PDF), save=False)
        report.generated_at = timezone.now()
        report.pages = FAKE_PAGES
        report.snapshot_computed_at = timezone.now()
        report.save()
        return report

    return make
