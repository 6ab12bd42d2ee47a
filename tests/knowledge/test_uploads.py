"""Upload checks: the extension must be allowed and the content must be what the extension says.

A refused file is named in a message the member can act on, the form keeps what they typed, and nothing is
saved: no product, no file row, no file on disk — also when a good file came along with the bad one.
"""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from knowledge import services, uploads
from knowledge.forms import ProductForm
from knowledge.models import KnowledgeProduct, ProductFile

from .factories import (
    CONTENT_TYPES_XML,
    CSV_BYTES,
    PDF_BYTES,
    VALID_FILES,
    KnowledgeProductFactory,
    odt_damaged,
    ooxml_bytes,
    pdf_upload,
    stored_files,
    upload,
    zip_bytes,
)

pytestmark = pytest.mark.django_db

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'

NOT_WHAT_IT_SAYS = "does not contain what its name says"
NOT_ACCEPTED = "this type of file is not accepted"

REFUSED = {
    # id: (name, content, what the message says)
    "html renamed .pdf": ("report.pdf", HTML, f"“report.pdf” {NOT_WHAT_IT_SAYS} (a PDF file)"),
    "svg renamed .png": ("chart.png", SVG, f"“chart.png” {NOT_WHAT_IT_SAYS} (a PNG file)"),
    "svg": ("chart.svg", SVG, f"“chart.svg”: {NOT_ACCEPTED}"),
    "html renamed .csv": ("data.csv", b"<html><script>alert(1)</script></html>", f"“data.csv” {NOT_WHAT_IT_SAYS}"),
    "csv with xml": ("data.csv", b'<?xml version="1.0"?><a>1</a>', f"“data.csv” {NOT_WHAT_IT_SAYS}"),
    "binary .csv": ("data.csv", b"a,b\n\x00\x01\x02", f"“data.csv” {NOT_WHAT_IT_SAYS}"),
    "zip without word parts": (
        "guidance.docx",
        zip_bytes({"[Content_Types].xml": CONTENT_TYPES_XML, "xl/workbook.xml": b"<x/>"}),
        f"“guidance.docx” {NOT_WHAT_IT_SAYS} (a DOCX file)",
    ),
    "zip without content types": (
        "budget.xlsx",
        zip_bytes({"xl/workbook.xml": b"<x/>"}),
        f"“budget.xlsx” {NOT_WHAT_IT_SAYS} (a XLSX file)",
    ),
    "broken zip": ("slides.pptx", b"PK\x03\x04 but not really a zip", f"“slides.pptx” {NOT_WHAT_IT_SAYS}"),
    "odt with another mimetype": (
        "minutes.odt",
        zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
        f"“minutes.odt” {NOT_WHAT_IT_SAYS} (a ODT file)",
    ),
    "odt without mimetype": ("minutes.odt", zip_bytes({"content.xml": b"<x/>"}), f"“minutes.odt” {NOT_WHAT_IT_SAYS}"),
    # Archives zipfile cannot read were a 500 that lost what the member typed.
    **{
        f"odt {how}": ("minutes.odt", odt_damaged(how), f"“minutes.odt” {NOT_WHAT_IT_SAYS}")
        for how in ("garbled", "garbled bzip2", "garbled lzma", "unknown method", "encrypted")
    },
    "jpeg that is a pdf": ("photo.jpg", PDF_BYTES, f"“photo.jpg” {NOT_WHAT_IT_SAYS} (a JPG file)"),
    "exe": ("setup.exe", b"MZ\x90\x00\x03" + b"\x00" * 64, f"“setup.exe”: {NOT_ACCEPTED}"),
    "no extension": ("README", CSV_BYTES, f"“README”: {NOT_ACCEPTED}"),
    "html": ("page.html", HTML, f"“page.html”: {NOT_ACCEPTED}"),
}


@pytest.fixture
def writer(client, author):
    client.force_login(author)
    return author


def _post_new(client, community, files):
    return client.post(
        reverse("knowledge:create"),
        {
            "type": KnowledgeProduct.Type.TOOLKIT,
            "title": "Citizen feedback toolkit",
            "summary": "Typed summary that must survive an error",
            "body": "Typed body text",
            "communities": [community.pk],
            "tags": "citizen feedback",
            "version_note": "First edition",
            "new_files": files,
        },
    )


def _assert_nothing_saved(media_root):
    assert not KnowledgeProduct.objects.exists()
    assert not ProductFile.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize("name", list(VALID_FILES))
def test_it_accepts_files_whose_content_matches_their_name(name):
    extension, content_type = uploads.check_upload(upload(name, VALID_FILES[name]))

    assert extension == name.rsplit(".", 1)[1]
    assert content_type == uploads.ALLOWED[extension]


def test_it_accepts_an_upper_case_extension():
    assert uploads.check_upload(upload("REPORT.PDF", PDF_BYTES)) == ("pdf", "application/pdf")


def test_it_saves_every_accepted_type_through_the_form(client, writer, open_community, media_root):
    files = [upload(name, content) for name, content in VALID_FILES.items()]

    response = _post_new(client, open_community, files)

    assert response.status_code == 302
    product = KnowledgeProduct.objects.get()
    saved = {f.original_name: f.content_type for f in product.files.all()}
    assert saved == {name: uploads.ALLOWED[name.rsplit(".", 1)[1]] for name in VALID_FILES}
    assert len(stored_files(media_root)) == len(VALID_FILES)
    assert {f.size for f in product.files.all()} == {len(content) for content in VALID_FILES.values()}


@pytest.mark.parametrize(("name", "content", "message"), list(REFUSED.values()), ids=list(REFUSED))
def test_it_refuses_a_file_whose_type_or_content_is_wrong(name, content, message):
    with pytest.raises(ValidationError) as refused:
        uploads.check_upload(upload(name, content))

    assert message in refused.value.messages[0]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [REFUSED[key] for key in ("html renamed .pdf", "svg renamed .png", "svg", "html renamed .csv", "exe")]
    + [REFUSED["zip without word parts"], REFUSED["odt garbled"]],
    ids=["html renamed .pdf", "svg renamed .png", "svg", "html renamed .csv", "exe", "zip without word parts", "odt"],
)
def test_the_form_refuses_it_names_the_file_keeps_the_fields_and_saves_nothing(
    client, writer, open_community, media_root, name, content, message
):
    response = _post_new(client, open_community, [upload(name, content)])

    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors["new_files"])
    page = response.content.decode()
    assert "Nothing was saved. Please correct the errors below." in page
    assert name in page
    assert 'value="Citizen feedback toolkit"' in page
    assert "Typed summary that must survive an error" in page
    assert "Typed body text" in page
    assert 'value="First edition"' in page
    assert form["communities"].value() == [str(open_community.pk)]
    _assert_nothing_saved(media_root)


def test_good_files_sent_with_another_error_are_named_so_the_author_chooses_them_again(
    client, writer, open_community, media_root
):
    """The browser empties the file input when the page comes back: without a word the author saved the
    product without them."""
    response = client.post(
        reverse("knowledge:create"),
        {"type": KnowledgeProduct.Type.TOOLKIT, "title": "", "communities": [open_community.pk],
         "new_files": [pdf_upload("toolkit.pdf"), upload("data.csv", CSV_BYTES)]},
    )  # fmt: skip

    assert response.status_code == 200 and "title" in response.context["form"].errors
    page = response.content.decode()
    assert "Choose your files again before saving (toolkit.pdf, data.csv)" in page
    _assert_nothing_saved(media_root)


def test_a_refused_file_is_not_asked_for_again_but_the_good_one_beside_it_is(
    client, writer, open_community, media_root
):
    assert (
        "Choose your files again" not in _post_new(client, open_community, [upload("chart.svg", SVG)]).content.decode()
    )

    page = _post_new(client, open_community, [upload("chart.svg", SVG), pdf_upload("toolkit.pdf")]).content.decode()
    assert "Choose your files again before saving (toolkit.pdf)" in page
    # Told apart by the file, not by the wording of its error (Russian quotes names «so»).
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    page = _post_new(client, open_community, [upload("chart.svg", SVG), pdf_upload("toolkit.pdf")]).content.decode()
    assert "(toolkit.pdf)" in page and "chart.svg, " not in page and "(chart.svg" not in page


def test_it_refuses_an_oversized_file(client, writer, open_community, media_root, settings):
    settings.KNOWLEDGE_MAX_UPLOAD_MB = 1
    big = upload("big-report.pdf", PDF_BYTES + b"0" * (1536 * 1024))

    response = _post_new(client, open_community, [big])

    assert response.status_code == 200
    assert response.context["form"].errors["new_files"] == ["“big-report.pdf” is 1.5 MB; files can be at most 1 MB."]
    assert "up to 1 MB each" in response.content.decode()  # the help text says the limit before one tries
    _assert_nothing_saved(media_root)


def test_it_accepts_a_file_just_under_the_limit(settings):
    settings.KNOWLEDGE_MAX_UPLOAD_MB = 1

    assert uploads.check_upload(upload("ok.pdf", PDF_BYTES + b"0" * (1024 * 1024 - len(PDF_BYTES))))[0] == "pdf"


def test_it_saves_nothing_when_a_good_file_comes_with_a_bad_one(client, writer, open_community, media_root):
    response = _post_new(client, open_community, [pdf_upload("good.pdf"), upload("evil.pdf", HTML)])

    assert response.status_code == 200
    errors = response.context["form"].errors["new_files"]
    assert len(errors) == 1
    assert "“evil.pdf”" in errors[0]
    assert "good.pdf" not in errors[0]
    _assert_nothing_saved(media_root)


def test_it_names_every_refused_file(client, writer, open_community, media_root):
    response = _post_new(client, open_community, [upload("a.exe", b"MZ"), upload("b.png", SVG), pdf_upload()])

    errors = response.context["form"].errors["new_files"]
    assert [e.split("”")[0] for e in errors] == ["“a.exe", "“b.png"]
    _assert_nothing_saved(media_root)


def test_it_adds_nothing_to_an_existing_draft_when_a_file_is_refused(client, writer, media_root):
    draft = KnowledgeProductFactory(status=KnowledgeProduct.Status.DRAFT, authors=[writer], title="Old title")

    response = client.post(
        reverse("knowledge:edit", args=[draft.slug]),
        {"type": "guidance", "title": "New title", "new_files": [pdf_upload("fine.pdf"), upload("x.csv", HTML)]},
    )

    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.title == "Old title"
    assert not ProductFile.objects.exists()
    assert stored_files(media_root) == []


def test_it_shows_a_hostile_file_name_escaped(client, writer, open_community):
    response = _post_new(client, open_community, [upload("<img src=x onerror=alert(1)>.exe", b"MZ")])

    page = response.content.decode()
    assert "<img src=x onerror=alert(1)>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_the_form_checks_files_without_a_request(open_community, author):
    from communities.models import Community

    form = ProductForm(
        {"type": "guidance", "title": "T"},
        {"new_files": [upload("chart.png", SVG)]},
        communities=Community.objects.all(),
    )

    assert not form.is_valid()
    assert "“chart.png”" in form.errors["new_files"][0]


def test_it_refuses_a_csv_with_markup_after_the_first_kilobytes():
    rows = b"".join(b"Province %d,2025,1200\n" % n for n in range(600))  # about 12 KB of real data
    assert len(rows) > 8192

    with pytest.raises(ValidationError):
        uploads.check_upload(upload("data.csv", rows + b"<html><script>alert(1)</script></html>"))


def test_the_service_leaves_no_file_behind_when_a_later_file_fails(author, open_community, media_root):
    from communities.models import Community

    form = ProductForm({"type": "guidance", "title": "Half saved"}, communities=Community.objects.all())
    assert form.is_valid()

    with pytest.raises(ValidationError):
        services.product_save(form=form, author=author, files=[pdf_upload("good.pdf"), upload("bad.pdf", HTML)])

    assert not KnowledgeProduct.objects.exists()
    assert stored_files(media_root) == []


def test_an_office_file_needs_its_own_main_part():
    # A Word document renamed .xlsx is a valid zip with [Content_Types].xml, but not a spreadsheet.
    with pytest.raises(ValidationError):
        uploads.check_upload(upload("budget.xlsx", ooxml_bytes("docx")))
