"""Files are served only by the download view: permission-checked, as attachments with a safe name, never
sniffed or rendered, and every download is counted (and recorded for signed-in members)."""

from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse

from knowledge.models import KnowledgeProduct, ProductFile
from members.models import Activity
from tests.communities.factories import member_of
from tests.factories import MemberFactory

from .factories import CSV_BYTES, PDF_BYTES, KnowledgeProductFactory, ProductFileFactory, pdf_upload, upload

pytestmark = pytest.mark.django_db


def _download_url(product_file, product=None):
    return reverse("knowledge:download", args=[(product or product_file.product).slug, product_file.pk])


def _get(client, url):
    response = client.get(url)
    if response.status_code == 200:
        # Reading to the end closes the file (the test client's wrapper); closing again would close the
        # database connection too.
        response.content_bytes = b"".join(response.streaming_content)
    return response


def _upload_through_the_form(client, author, community, filename, data=PDF_BYTES):
    client.force_login(author)
    response = client.post(
        reverse("knowledge:create"),
        {"type": "guidance", "title": f"Product with {filename}", "communities": [community.pk],
         "new_files": [upload(filename, data)]},
    )  # fmt: skip
    assert response.status_code == 302
    return ProductFile.objects.get(product__title=f"Product with {filename}")


@pytest.mark.parametrize(
    ("uploaded_name", "safe_name"),
    [
        ("../../etc/passwd .pdf", "passwd.pdf"),
        ('My "best" report; final.pdf', "my-best-report-final.pdf"),
        ("Résumé des leçons.PDF", "resume-des-lecons.pdf"),
        ("..pdf", "file.pdf"),
    ],
)
def test_it_serves_a_file_as_an_attachment_with_a_safe_name(
    client, author, open_community, coordinator, media_root, uploaded_name, safe_name
):
    product_file = _upload_through_the_form(client, author, open_community, uploaded_name)
    client.force_login(coordinator)  # the product is a draft: its authors and coordinators may download

    response = _get(client, _download_url(product_file))

    assert response.status_code == 200
    assert product_file.original_name == safe_name
    assert response["Content-Disposition"] == f'attachment; filename="{safe_name}"'
    assert response.content_bytes == PDF_BYTES
    assert ".." not in product_file.file.name.split("/")  # stored inside MEDIA_ROOT, whatever the name said
    assert Path(product_file.file.path).resolve().is_relative_to(media_root)


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [("report.pdf", PDF_BYTES, "application/pdf"), ("headcount.csv", CSV_BYTES, "text/csv")],
)
def test_it_sends_headers_that_stop_the_browser_from_running_the_file(client, name, data, content_type):
    product_file = ProductFileFactory(original_name=name, data=data, content_type=content_type)

    response = _get(client, _download_url(product_file))

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response.content_bytes == data


def test_it_counts_a_readers_downloads_of_a_product_once_a_day_and_records_them_for_members(client, open_community):
    """A reload, a download manager's retries or a script must not inflate the "downloads" indicator."""
    product = KnowledgeProductFactory(communities=[open_community])
    product_file = ProductFileFactory(product=product)
    other_file = ProductFileFactory(product=KnowledgeProductFactory(communities=[open_community]))
    reader, colleague = MemberFactory(), MemberFactory()
    client.force_login(reader)

    for _ in range(3):
        assert _get(client, _download_url(product_file)).status_code == 200  # every time the file, counted once
    assert _get(client, _download_url(other_file)).status_code == 200
    client.force_login(colleague)
    assert _get(client, _download_url(product_file)).status_code == 200

    product.refresh_from_db()
    assert product.download_count == 2
    activities = Activity.objects.filter(kind=Activity.Kind.DOWNLOAD)
    assert activities.count() == 3
    assert {(a.member, a.community) for a in activities} == {(reader, open_community), (colleague, open_community)}

    cache.clear()  # a day later (the key expires)
    client.force_login(reader)
    assert _get(client, _download_url(product_file)).status_code == 200
    assert KnowledgeProduct.objects.get(pk=product.pk).download_count == 3


def test_a_download_is_filed_under_a_community_of_the_reader_and_never_a_private_one_they_are_not_in(client):
    from communities.models import Community
    from tests.communities.factories import CommunityFactory, MembershipFactory

    closed = CommunityFactory(name="A closed circle", visibility=Community.Visibility.PRIVATE)
    budget, health = CommunityFactory(name="Budget"), CommunityFactory(name="Health")
    product_file = ProductFileFactory(product=KnowledgeProductFactory(communities=[closed, budget, health]))
    outsider, health_member = MemberFactory(), MembershipFactory(community=health).member

    for reader in (outsider, health_member):
        client.force_login(reader)
        assert _get(client, _download_url(product_file)).status_code == 200

    filed = dict(Activity.objects.filter(kind=Activity.Kind.DOWNLOAD).values_list("member", "community"))
    assert filed == {outsider.pk: budget.pk, health_member.pk: health.pk}


def test_it_counts_anonymous_downloads_without_recording_an_activity(client):
    product_file = ProductFileFactory()

    assert _get(client, _download_url(product_file)).status_code == 200
    assert _get(client, _download_url(product_file)).status_code == 200  # the same address: counted once

    assert KnowledgeProduct.objects.get().download_count == 1
    assert not Activity.objects.filter(kind=Activity.Kind.DOWNLOAD).exists()


def test_behind_proxies_downloads_are_counted_by_the_address_the_proxies_saw(client, settings):
    """By the rule the rate limits use (cop_platform/client_ip.py): allauth's own was a 500 for a request with
    fewer X-Forwarded-For entries than proxies."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    product_file = ProductFileFactory()

    def download(forwarded):
        response = client.get(_download_url(product_file), HTTP_X_FORWARDED_FOR=forwarded)
        b"".join(response.streaming_content)
        return response.status_code

    assert download("203.0.113.9") == 200  # past the outer proxy: its one entry
    assert download("198.51.100.1, 203.0.113.9, 10.0.0.2") == 200  # the same reader: counted once
    assert download("203.0.113.10, 10.0.0.2") == 200  # another
    assert KnowledgeProduct.objects.get().download_count == 2


def test_it_hides_a_private_communitys_product_and_files_from_non_members(client, private_community):
    product = KnowledgeProductFactory(communities=[private_community])
    product_file = ProductFileFactory(product=product)

    for outsider in (None, MemberFactory()):
        if outsider:
            client.force_login(outsider)
        assert client.get(product.get_absolute_url()).status_code == 404
        assert _get(client, _download_url(product_file)).status_code == 404
    client.force_login(member_of(private_community))
    assert client.get(product.get_absolute_url()).status_code == 200
    assert _get(client, _download_url(product_file)).status_code == 200

    product.refresh_from_db()
    assert product.download_count == 1  # refused downloads are not counted


def test_it_serves_a_product_shared_with_an_open_community_to_everyone(client, private_community, open_community):
    product_file = ProductFileFactory(product=KnowledgeProductFactory(communities=[private_community, open_community]))

    assert _get(client, _download_url(product_file)).status_code == 200


def test_it_serves_a_drafts_files_only_to_authors_and_coordinators(client, author, open_community, coordinator):
    draft = KnowledgeProductFactory(
        status=KnowledgeProduct.Status.DRAFT, authors=[author], communities=[open_community]
    )
    product_file = ProductFileFactory(product=draft)

    assert _get(client, _download_url(product_file)).status_code == 404
    client.force_login(member_of(open_community))
    assert _get(client, _download_url(product_file)).status_code == 404
    for reader in (author, coordinator):
        client.force_login(reader)
        assert _get(client, _download_url(product_file)).status_code == 200


def test_it_does_not_serve_a_file_of_another_product(client, private_community):
    public = KnowledgeProductFactory()
    secret_file = ProductFileFactory(product=KnowledgeProductFactory(communities=[private_community]))
    other_public_file = ProductFileFactory(product=KnowledgeProductFactory())

    assert _get(client, _download_url(secret_file, product=public)).status_code == 404
    assert _get(client, _download_url(other_public_file, product=public)).status_code == 404
    assert client.get(reverse("knowledge:download", args=[public.slug, 999_999])).status_code == 404


def test_it_answers_404_when_the_file_is_missing_from_storage(client):
    product_file = ProductFileFactory()
    product_file.file.delete(save=False)

    assert client.get(_download_url(product_file)).status_code == 404
    assert KnowledgeProduct.objects.get().download_count == 0


def test_the_product_page_links_each_file_to_the_download_view(client):
    product_file = ProductFileFactory(original_name="annex.pdf")

    page = client.get(product_file.product.get_absolute_url()).content.decode()

    assert f'href="{_download_url(product_file)}"' in page
    assert "annex.pdf" in page
    assert "/media/" not in page  # never a direct link to storage


def test_it_stores_uploads_under_a_random_folder(client, author, open_community, media_root):
    first = _upload_through_the_form(client, author, open_community, "same.pdf")
    client.post(
        reverse("knowledge:create"), {"type": "guidance", "title": "Another", "new_files": [pdf_upload("same.pdf")]}
    )
    second = ProductFile.objects.exclude(pk=first.pk).get()

    assert first.file.name != second.file.name
    assert first.file.name.startswith("knowledge/") and first.file.name.endswith("/same.pdf")
    assert first.file.path.startswith(str(media_root))
