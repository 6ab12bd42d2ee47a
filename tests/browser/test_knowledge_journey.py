import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from knowledge import services
from knowledge.demo import tiny_pdf
from knowledge.models import KnowledgeProduct
from tests.factories import MemberFactory

from .helpers import sign_in, site_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_searches_the_library_and_downloads_a_file(page, live_server, settings, tmp_path, a11y):
    settings.MEDIA_ROOT = tmp_path
    product = KnowledgeProduct.objects.create(
        type="guidance", title="Guidance on mobile registration teams", slug="mobile-teams", status="published",
        summary="How township offices kept registering births.", body="Mobile teams visited camps weekly.",
    )  # fmt: skip
    services.file_add(product=product, upload=SimpleUploadedFile("mobile-teams.pdf", tiny_pdf("Mobile teams")))
    services.product_index(product)
    member = MemberFactory()

    sign_in(page, live_server, member)

    site_menu(page).get_by_role("link", name="Library").click()
    a11y(page)
    page.get_by_label("Search", exact=True).fill("registration")
    page.get_by_role("button", name="Search").click()
    a11y(page)
    page.get_by_role("link", name="Guidance on mobile registration teams").click()
    a11y(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="mobile-teams.pdf").click()
    assert download_info.value.suggested_filename == "mobile-teams.pdf"
    assert open(download_info.value.path(), "rb").read().startswith(b"%PDF-")
    product.refresh_from_db()
    assert product.download_count == 1
