"""Importing mapped experts from CSV: preview with per-line errors and duplicates, then confirm."""

import html
import re
from urllib.parse import urlencode

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from experts import csv_import
from experts.models import Expert, ExpertStatusChange
from tests.factories import CoordinatorFactory, MemberFactory, ReportViewerFactory
from tests.support.together import postgresql_only, together

from .factories import ExpertClusterFactory, ExpertFactory

pytestmark = pytest.mark.django_db

HEADER = "name,email,category,countries,organization,expertise,languages,gender,clusters,capacity,status,bio\n"

CSV = HEADER + (
    "Nilar Aung,nilar@university.example.org,academic,MM;TH,National University,"
    "digital government;e-services,en;my,female,digital-government,6,engaged,Twenty years in reform.\n"  # 2 good
    "Bad Email,not-an-email,,MM,,,,,,,,\n"  # 3
    "Bad Country,bad.country@example.org,,XX,,,,,,,,\n"  # 4
    "Bad Cluster,bad.cluster@example.org,,,,,,,no-such-cluster,,,\n"  # 5
    "Bad Capacity,bad.capacity@example.org,,,,,,,,lots,,\n"  # 6
    ",no.name@example.org,,,,,,,,,,\n"  # 7
    'Arun Prasad,Arun@Ministry.example.org,Policy maker,KH,"Ministry of Finance",procurement,English,male,'
    "Digital government,,,\n"  # 8 good: category, language and cluster by their names
    "Arun Again,arun@ministry.example.org,,,,,,,,,,\n"  # 9 duplicate of line 8
    "Existing Person,EXISTING@example.org,,,,,,,,,,\n"  # 10 duplicate of an expert already mapped
)

EXPECTED_ERRORS = {
    3: "“not-an-email” is not a valid email address",
    4: "unknown country code(s): XX (use ISO codes such as MM, KH)",
    5: "unknown cluster(s): no-such-cluster",
    6: "capacity “lots” must be a whole number from 0 to 100",
    7: "name is required",
}


@pytest.fixture
def cluster():
    return ExpertClusterFactory(theme="Digital government", slug="digital-government")


@pytest.fixture
def existing():
    return ExpertFactory(name="Existing Person", email="existing@example.org")


@pytest.fixture
def admin_client(client, coordinator):
    client.force_login(coordinator)
    return client


def _upload(content: bytes | str, name="experts.csv"):
    if isinstance(content, str):
        content = content.encode()
    return SimpleUploadedFile(name, content, content_type="text/csv")


IMPORT_URL = "admin:experts_expert_import"


# --- Through the admin -------------------------------------------------------------------------------------------


def test_it_previews_then_imports_only_the_good_rows(admin_client, coordinator, cluster, existing):
    before = Expert.objects.count()
    url = reverse(IMPORT_URL)
    assert admin_client.get(url).status_code == 200

    response = admin_client.post(url, {"file": _upload(CSV)})
    assert response.status_code == 200
    preview = response.context["preview"]
    assert [row.line for row in preview.good] == [2, 8]
    assert {row.line: row.errors for row in preview.bad} == {line: [error] for line, error in EXPECTED_ERRORS.items()}
    assert {row.line: row.duplicate_of for row in preview.duplicates} == {
        9: "same email as line 8",
        10: "an expert with existing@example.org already exists",
    }
    page = response.content.decode()
    assert "Preview: 2 to import, 5 with errors, 2 duplicates" in page
    for line, error in EXPECTED_ERRORS.items():
        assert re.search(rf"<tr><td>{line}</td>.*?{re.escape(html.escape(error, quote=False))}", page, re.S), line
    assert "Skipped, duplicate: same email as line 8" in page
    assert "Skipped, duplicate: an expert with existing@example.org already exists" in page
    assert Expert.objects.count() == before  # nothing is created by the preview

    # The preview carries the file's text to the confirm button.
    carried = re.search(r'<input type="hidden" name="content" value="([^"]*)">', page, re.S)
    assert carried
    content = html.unescape(carried.group(1))
    assert content == CSV
    response = admin_client.post(url, {"content": content, "confirm": "Import 2 experts"})
    assert response.status_code == 302
    assert response.url == reverse("admin:experts_expert_changelist")

    assert Expert.objects.count() == before + 2
    nilar = Expert.objects.get(email="nilar@university.example.org")
    assert nilar.name == "Nilar Aung"
    assert nilar.category == Expert.Category.ACADEMIC
    assert [c.code for c in nilar.countries] == ["MM", "TH"]
    assert nilar.organization == "National University"
    assert sorted(nilar.expertise.names()) == ["digital government", "e-services"]
    assert sorted(nilar.languages.values_list("code", flat=True)) == ["en", "my"]
    assert nilar.gender == "female"
    assert list(nilar.clusters.all()) == [cluster]
    assert nilar.capacity_per_month == 6
    assert nilar.status == Expert.Status.ENGAGED
    assert nilar.bio == "Twenty years in reform."
    arun = Expert.objects.get(email="arun@ministry.example.org")
    assert (arun.category, arun.gender, arun.capacity_per_month) == (Expert.Category.POLICY_MAKER, "male", 4)
    assert arun.status == Expert.Status.MAPPED
    assert list(arun.clusters.all()) == [cluster]
    assert list(arun.languages.values_list("code", flat=True)) == ["en"]
    assert list(arun.expertise.names()) == ["procurement"]
    for expert, status in ((nilar, "engaged"), (arun, "mapped")):
        history = list(ExpertStatusChange.objects.filter(expert=expert))
        assert [(h.from_status, h.to_status, h.changed_by) for h in history] == [("", status, coordinator)]
    assert not Expert.objects.filter(name__in=["Bad Email", "Bad Country", "Arun Again"]).exists()
    assert Expert.objects.filter(email__iexact="existing@example.org").count() == 1


def test_it_reads_a_file_saved_with_a_byte_order_mark(admin_client, cluster):
    response = admin_client.post(reverse(IMPORT_URL), {"file": _upload("\ufeff" + CSV)})
    assert [row.line for row in response.context["preview"].good] == [2, 8, 10]


def test_it_explains_a_wrong_header(admin_client):
    response = admin_client.post(
        reverse(IMPORT_URL), {"file": _upload("full_name,mail\nNilar Aung,nilar@example.org\n")}
    )
    assert response.status_code == 200
    assert response.context["preview"].file_errors == [
        "Missing column(s): name.",
        "Unknown column(s): full_name, mail. Expected: " + ", ".join(csv_import.COLUMNS) + ".",
    ]
    page = response.content.decode()
    assert "Missing column(s): name." in page
    assert "Unknown column(s): full_name, mail." in page
    # Confirming a file with a wrong header imports nothing.
    response = admin_client.post(reverse(IMPORT_URL), {"content": "full_name\nNilar\n", "confirm": "1"})
    assert response.status_code == 200
    assert not Expert.objects.exists()


def test_it_explains_a_file_that_is_not_utf8(admin_client):
    response = admin_client.post(
        reverse(IMPORT_URL), {"file": _upload("name,organization\nJosé,Ministère\n".encode("latin-1"))}
    )
    assert response.status_code == 200
    assert response.context["preview"] is None
    assert "The file is not UTF-8 text. Save it as “CSV UTF-8” and try again." in response.content.decode()
    assert not Expert.objects.exists()


def test_it_asks_for_a_file(admin_client):
    response = admin_client.post(reverse(IMPORT_URL), {"content": ""})  # what a browser sends with no file
    assert "Choose a CSV file to import." in response.content.decode()
    assert response.context["preview"] is None


def test_it_says_so_when_the_file_has_no_rows(admin_client):
    response = admin_client.post(reverse(IMPORT_URL), {"file": _upload(HEADER)})
    assert response.context["preview"].file_errors == ["The file has no rows to import."]


def test_the_confirm_step_carries_a_large_burmese_file_within_the_request_limit(admin_client, settings):
    """The confirm form sends the file's text back. URL-encoded, each byte of Burmese (3 in UTF-8) became
    "%E1"-style triples: a 1.7 MB file was 5 MB, over DATA_UPLOAD_MAX_MEMORY_SIZE, and the import a 400."""
    url = reverse(IMPORT_URL)
    bio = "ဒီဂျစ်တယ် အစိုးရ ပြုပြင်ပြောင်းလဲရေး " * 1_500
    content = HEADER + "".join(f"ကျွမ်းကျင်သူ {n},expert{n}@example.org,,MM,,,,,,,,{bio}\n" for n in range(12))
    assert 1.5e6 < len(content.encode()) <= 2 * 1024 * 1024  # the size a file may have

    page = admin_client.post(url, {"file": _upload(HEADER + "Nilar Aung,,,,,,,,,,,\n")}).content.decode()
    confirm_form = re.search(r'<form method="post"[^>]*>(?:(?!</form>).)*name="confirm"', page, re.S)
    assert confirm_form and 'enctype="multipart/form-data"' in confirm_form.group(0)

    # Sent as that form sends it, the text fits; URL-encoded, as before, it did not.
    assert admin_client.post(url, {"content": content}).status_code == 200  # the test client sends multipart
    encoded = urlencode({"content": content})
    assert len(encoded) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert admin_client.post(url, encoded, content_type="application/x-www-form-urlencoded").status_code == 400


def test_it_links_the_import_from_the_experts_changelist(admin_client):
    page = admin_client.get(reverse("admin:experts_expert_changelist")).content.decode()
    assert reverse(IMPORT_URL) in page


@pytest.mark.parametrize("factory", [MemberFactory, ReportViewerFactory])
def test_it_keeps_members_and_report_viewers_out_of_the_import(client, factory):
    client.force_login(factory())
    for response in (
        client.get(reverse(IMPORT_URL)),
        client.post(reverse(IMPORT_URL), {"content": HEADER + "Intruder,,,,,,,,,,,\n", "confirm": "1"}),
    ):
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
    assert not Expert.objects.exists()


def test_it_sends_staff_without_the_permission_back_to_the_admin_index(client):
    client.force_login(MemberFactory(is_staff=True))
    response = client.post(reverse(IMPORT_URL), {"content": HEADER + "Intruder,,,,,,,,,,,\n", "confirm": "1"})
    assert response.status_code == 302
    assert response.url == reverse("admin:index")
    assert not Expert.objects.exists()


def test_it_keeps_anonymous_visitors_out(client):
    response = client.get(reverse(IMPORT_URL))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


# --- experts.csv_import.preview ------------------------------------------------------------------------------------


def test_preview_checks_every_row_and_reports_line_numbers(cluster, existing):
    result = csv_import.preview(CSV)
    assert result.file_errors == []
    assert [row.line for row in result.rows] == list(range(2, 11))
    assert {row.line: row.errors for row in result.bad} == {line: [error] for line, error in EXPECTED_ERRORS.items()}
    assert [row.line for row in result.duplicates] == [9, 10]
    good = {row.line: row.cleaned for row in result.good}
    assert good[2]["countries"] == ["MM", "TH"]
    assert good[2]["clusters"] == [cluster]
    assert [lang.code for lang in good[2]["languages"]] == ["en", "my"]
    assert good[8]["email"] == "arun@ministry.example.org"  # addresses are compared and stored in lower case
    assert good[8]["category"] == Expert.Category.POLICY_MAKER
    assert not Expert.objects.exclude(pk=existing.pk).exists()


def test_preview_collects_several_errors_of_one_row():
    result = csv_import.preview(HEADER + ",bad,wizard,XX;YY,,,klingon,robot,nowhere,101,famous,\n")
    (row,) = result.rows
    assert row.errors == [
        "name is required",
        "“bad” is not a valid email address",
        "category “wizard” is not one of " + ", ".join(Expert.Category.values),
        "unknown country code(s): XX, YY (use ISO codes such as MM, KH)",
        "unknown language(s): klingon",
        "gender “robot” is not female, male, other or undisclosed",
        "unknown cluster(s): nowhere",
        "capacity “101” must be a whole number from 0 to 100",
        "status “famous” is not one of " + ", ".join(Expert.Status.values),
    ]
    assert result.good == []


def test_preview_accepts_only_the_name_column():
    result = csv_import.preview(" Name \nNilar Aung\nArun Prasad\n")
    assert [(row.line, row.cleaned["name"], row.cleaned["status"]) for row in result.good] == [
        (2, "Nilar Aung", "mapped"),
        (3, "Arun Prasad", "mapped"),
    ]


def test_preview_skips_rows_with_only_empty_cells_but_keeps_counting_lines():
    result = csv_import.preview("name,email\nNilar Aung,\n,\nArun Prasad,arun@\n")
    assert [(row.line, row.errors) for row in result.rows] == [
        (2, []),
        (4, ["“arun@” is not a valid email address"]),
    ]


def test_preview_reports_the_files_line_numbers_after_an_empty_line():
    result = csv_import.preview("name,email\nNilar Aung,\n\nArun Prasad,arun@\n")
    assert [row.line for row in result.bad] == [4]


def test_preview_finds_duplicates_by_name_and_organization_without_email():
    ExpertFactory(name="Mai Pham", organization="UNDP", email="")
    result = csv_import.preview(
        "name,organization\nMai Pham,undp\nLina Wijaya,Ministry\nlina wijaya,ministry\nLina Wijaya,University\n"
    )
    assert {row.line: row.duplicate_of for row in result.rows} == {
        2: "an expert with this name and organization already exists",
        3: "",
        4: "same name and organization as line 3",
        5: "",
    }


def test_preview_refuses_a_new_expertise_too_long_for_a_tag_but_takes_a_stored_one():
    """A stored tag keeps its slug, however long (one stored before the limit); a new one gets a slug to fit."""
    from taggit.models import Tag

    stored = "public financial management and medium-term expenditure frameworks in federal systems"
    Tag.objects.create(name=stored + " of government", slug="pfm-mtef")  # 99 characters
    new = "y" * 91

    result = csv_import.preview(f"name,expertise\nNilar Aung,{stored} of government\nArun Prasad,budgeting;{new}\n")

    assert [(row.line, row.errors) for row in result.rows] == [
        (2, []),
        (3, ["each expertise can have at most 90 characters"]),
    ]


def test_preview_refuses_too_many_rows(monkeypatch):
    monkeypatch.setattr(csv_import, "MAX_ROWS", 3)
    result = csv_import.preview("name\nA\nB\nC\nD\n")
    assert result.file_errors == ["More than 3 rows: split the file."]
    assert csv_import.preview("name\nA\nB\nC\n").file_errors == []


def test_import_rows_creates_the_good_rows_all_or_nothing(coordinator, cluster):
    result = csv_import.preview(CSV)
    created = csv_import.import_rows(result, actor=coordinator)
    assert sorted(e.name for e in created) == ["Arun Prasad", "Existing Person", "Nilar Aung"]
    assert Expert.objects.count() == 3
    assert ExpertStatusChange.objects.filter(changed_by=coordinator).count() == 3


TWO_NEW_EXPERTS = HEADER + "Nilar Aung,nilar@university.example.org,,MM,,,,,,,,\nNo Email Person,,,MM,Ministry,,,,,,,\n"


def test_rows_imported_since_the_preview_are_not_created_again(coordinator):
    """Before, a second "Confirm" of the same file, its preview made before the first import was stored, created
    the expert without an email a second time, and failed on the unique email of the other (a server error)."""
    second_confirm = csv_import.preview(TWO_NEW_EXPERTS)
    csv_import.import_rows(csv_import.preview(TWO_NEW_EXPERTS), actor=coordinator)

    created = csv_import.import_rows(second_confirm, actor=coordinator)

    assert created == []
    assert Expert.objects.count() == 2
    assert [row.line for row in second_confirm.stored_meanwhile] == [2, 3]
    assert [row.duplicate_of for row in second_confirm.duplicates] == [
        "an expert with nilar@university.example.org already exists",
        "an expert with this name and organization already exists",
    ]


def _confirm_twice_at_once(coordinator, content: str) -> list:
    browsers = [Client(), Client()]
    for browser in browsers:
        browser.force_login(coordinator)
    confirm = {"content": content, "confirm": "Import 2 experts"}
    return together(*(lambda browser=browser: browser.post(reverse(IMPORT_URL), confirm) for browser in browsers))


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_double_click_on_confirm_imports_each_row_once_and_says_so():
    coordinator = CoordinatorFactory()
    for round_number in range(3):
        content = TWO_NEW_EXPERTS.replace("nilar@", f"nilar{round_number}@").replace(
            "Ministry", f"Office {round_number}"
        )

        results = _confirm_twice_at_once(coordinator, content)

        assert [response.status_code for response in results] == [302, 302]
        assert Expert.objects.filter(organization=f"Office {round_number}").count() == 1
        assert Expert.objects.filter(email=f"nilar{round_number}@university.example.org").count() == 1
        told = sorted(str(m) for response in results for m in get_messages(response.wsgi_request))
        # The second request's preview read the rows before the first import was stored (most often: both rows are
        # "not imported"), after it (neither: both were duplicates in its preview), or between its checks (one).
        assert [m for m in told if m.endswith("experts imported.")] == ["0 experts imported.", "2 experts imported."]
        assert [m for m in told if not m.endswith("experts imported.")] in (
            [],
            ["1 row was not imported: that expert already exists."],
            ["2 rows were not imported: those experts already exist."],
        ), told
