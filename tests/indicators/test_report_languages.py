"""The progress report in each reader's language: a month has one report per language, rendered, stored, asked for
and announced on its own. It was one file, in the language of whoever asked last, that every viewer downloaded."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from indicators.compute import freeze_month
from indicators.models import MonthlySnapshot, ProgressReport
from indicators.report import RenderedReport
from indicators.services import report_ensure, report_request
from indicators.tasks import render_report_task
from tests.factories import ReportViewerFactory

from .conftest import OCT

pytestmark = pytest.mark.django_db


def pdf_in(language: str) -> bytes:
    return f"%PDF-1.4\n% report in {language}\n%%EOF\n".encode()


@pytest.fixture
def renders(monkeypatch):
    """A fake renderer that writes the language it renders in into its PDF; lists (month, language) rendered."""
    calls = []

    def render(month):
        language = translation.get_language()
        calls.append((month, language))
        snapshot = MonthlySnapshot.objects.get(month=month)
        return RenderedReport(pdf=pdf_in(language), pages=2, snapshot_computed_at=snapshot.computed_at)

    monkeypatch.setattr("indicators.services.render_report", render)
    return calls


@pytest.fixture
def october(db):
    return freeze_month(OCT)[0]


def reader(client, language):
    """A report viewer whose profile and pages are in `language`."""
    viewer = ReportViewerFactory(language=language)
    client.force_login(viewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return viewer


def download(client, query=""):
    response = client.get(reverse("indicators:report_pdf", args=[OCT]) + query)
    return b"".join(response.streaming_content) if response.status_code == 200 else response


def test_each_viewer_downloads_the_report_in_their_language_whoever_asked_last(
    october, renders, django_capture_on_commit_callbacks
):
    english, russian = Client(), Client()
    reader(english, "en")
    reader(russian, "ru")
    report_page = reverse("indicators:report", args=[OCT])

    with django_capture_on_commit_callbacks(execute=True):
        english.post(report_page)
    with django_capture_on_commit_callbacks(execute=True):
        russian.post(report_page)  # asked last

    assert renders == [(OCT, "en"), (OCT, "ru")]
    assert download(english) == pdf_in("en")
    assert download(russian) == pdf_in("ru")
    assert sorted(ProgressReport.objects.values_list("language", flat=True)) == ["en", "ru"]


def test_a_viewer_whose_language_has_no_report_yet_is_offered_to_generate_it_not_served_another(
    client, october, renders, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report_request(month=OCT, language="en")
    reader(client, "ru")

    response = download(client)

    assert response.status_code == 302 and response["Location"] == reverse("indicators:report", args=[OCT])
    page = client.get(response["Location"]).content.decode()
    assert '<button type="submit" class="btn btn-primary">' in page  # generate the report: the Russian one
    assert download(client, "?language=en") == pdf_in("en")  # a link may name another language's report


def test_a_language_asked_twice_is_rendered_once_and_does_not_wait_for_another(
    october, renders, django_capture_on_commit_callbacks
):
    english, english_queued = report_request(month=OCT, language="en")
    again, again_queued = report_request(month=OCT, language="en")
    russian, russian_queued = report_request(month=OCT, language="ru")

    assert english_queued and not again_queued and again.pk == english.pk
    assert russian_queued and russian.pk != english.pk  # another language is not "already being prepared"

    assert render_report_task("2026-10", "en").startswith("reports/report-2026-10-en-")
    assert render_report_task("2026-10", "en") == "not asked for"  # the duplicate message: no second render
    assert render_report_task("2026-10", "ru").startswith("reports/report-2026-10-ru-")
    assert renders == [(OCT, "en"), (OCT, "ru")]


def test_a_report_is_announced_to_the_viewers_who_read_its_language_with_a_link_to_it(
    client, october, renders, mailoutbox, django_capture_on_commit_callbacks
):
    english = ReportViewerFactory(language="en")
    russian = ReportViewerFactory(language="ru")
    no_choice = ReportViewerFactory(language="")  # reads the site's language

    with django_capture_on_commit_callbacks(execute=True):
        report_request(month=OCT, language="ru", requested_by=english)

    # The Russian viewer, and the English one who asked for it (promised an email); not the others yet.
    assert sorted(m.to[0] for m in mailoutbox) == sorted([russian.email, english.email])
    link = f"{settings.SITE_URL}/indicators/2026-10/report.pdf?language=ru"
    assert all(link in m.body for m in mailoutbox)
    client.force_login(english)
    assert download(client, "?language=ru") == pdf_in("ru")  # the link's report, whatever the page's language
    assert no_choice.email not in [m.to[0] for m in mailoutbox]


def test_beat_prepares_the_first_report_in_each_language_its_viewers_read(
    db, renders, mailoutbox, django_capture_on_commit_callbacks
):
    english, russian = ReportViewerFactory(language="en"), ReportViewerFactory(language="ru")
    freeze_month(OCT)

    with django_capture_on_commit_callbacks(execute=True):
        assert report_ensure(OCT) is True

    assert sorted(renders) == [(OCT, "en"), (OCT, "ru")]  # not Burmese: nobody reads it
    emails = {message.to[0]: message for message in mailoutbox}
    assert len(mailoutbox) == 2  # one each, in their language, linking to the report in it
    assert emails[english.email].subject == "Progress report October 2026 is ready"
    assert "report.pdf?language=en" in emails[english.email].body
    assert "октябрь 2026" in emails[russian.email].subject
    assert "report.pdf?language=ru" in emails[russian.email].body
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert report_ensure(OCT) is False  # once
    assert callbacks == [] and len(renders) == 2


def test_generate_again_renders_every_language_the_report_was_made_in(
    october, renders, django_capture_on_commit_callbacks
):
    """A coordinator edits the month's narrative and generates the report again: made again in their language
    alone, the Russian report kept the old text."""
    english, russian = Client(), Client()
    reader(english, "en")
    reader(russian, "ru")
    report_page = reverse("indicators:report", args=[OCT])
    for client in (english, russian):  # each reader's first report: only theirs is made
        with django_capture_on_commit_callbacks(execute=True):
            client.post(report_page)
    assert renders == [(OCT, "en"), (OCT, "ru")]

    with django_capture_on_commit_callbacks(execute=True):
        english.post(report_page)  # again, after the narrative changed

    assert sorted(renders[2:]) == [(OCT, "en"), (OCT, "ru")]


def test_a_viewer_without_a_choice_is_sent_the_report_in_their_browsers_language(
    db, renders, mailoutbox, django_capture_on_commit_callbacks
):
    """Their browser asked for Burmese when they last signed in (members.User.browser_language): the Burmese report,
    announced in Burmese, rather than the English one."""
    viewer = ReportViewerFactory(language="", browser_language="my")
    freeze_month(OCT)

    with django_capture_on_commit_callbacks(execute=True):
        report_ensure(OCT)

    assert sorted(renders) == [(OCT, "en"), (OCT, "my")]
    (message,) = [m for m in mailoutbox if m.to == [viewer.email]]
    assert "report.pdf?language=my" in message.body
    assert message.subject != "Progress report October 2026 is ready"


def test_whoever_asked_without_a_choice_of_their_own_is_told_in_the_reports_language(
    db, october, renders, mailoutbox, django_capture_on_commit_callbacks
):
    coordinator = ReportViewerFactory(language="")  # and no sign-in recorded yet

    with django_capture_on_commit_callbacks(execute=True):
        report_request(month=OCT, language="ru", requested_by=coordinator)

    (message,) = mailoutbox
    assert "октябрь 2026" in message.subject
