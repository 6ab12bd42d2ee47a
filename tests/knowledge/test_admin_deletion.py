"""The knowledge admin: a published product is archived, not deleted (the month it was published counts it);
a file deleted with its product or from the files' list leaves the disk too; the library's own addresses are
refused as a product's."""

import os

import pytest
from django.urls import reverse
from django.utils import timezone

from knowledge.models import KnowledgeProduct, ProductFile

from .factories import KnowledgeProductFactory, ProductFileFactory
from .test_admin_and_demo import _change_form_data

pytestmark = pytest.mark.django_db
Status = KnowledgeProduct.Status


def test_a_published_product_is_kept_with_the_reason(coordinator_client):
    product = KnowledgeProductFactory(status=Status.PUBLISHED, published_at=timezone.now())

    response = coordinator_client.post(
        reverse("admin:knowledge_knowledgeproduct_delete", args=[product.pk]), {"post": "yes"}
    )

    assert "Archive it instead." in response.content.decode()
    assert KnowledgeProduct.objects.filter(pk=product.pk).exists()


def test_a_draft_is_deleted_with_its_files_on_disk(coordinator_client, django_capture_on_commit_callbacks):
    product = KnowledgeProductFactory(status=Status.DRAFT, published_at=None)
    stored = ProductFileFactory(product=product)
    path = stored.file.path
    assert os.path.exists(path)

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            reverse("admin:knowledge_knowledgeproduct_delete", args=[product.pk]), {"post": "yes"}
        )

    assert response.status_code == 302
    assert not KnowledgeProduct.objects.filter(pk=product.pk).exists()
    assert not os.path.exists(path)


def test_a_file_deleted_from_the_inline_leaves_the_disk(django_capture_on_commit_callbacks):
    stored = ProductFileFactory()
    path = stored.file.path

    with django_capture_on_commit_callbacks(execute=True):
        stored.delete()

    assert not os.path.exists(path)
    assert not ProductFile.objects.filter(pk=stored.pk).exists()


@pytest.mark.parametrize("slug", ["new", "drafts", "faq", "summarize"])
def test_the_librarys_own_addresses_are_refused(coordinator_client, slug):
    product = KnowledgeProductFactory(status=Status.DRAFT, published_at=None)
    url = reverse("admin:knowledge_knowledgeproduct_change", args=[product.pk])
    data = _change_form_data(coordinator_client.get(url))
    data["slug"] = slug

    response = coordinator_client.post(url, data)

    assert response.status_code == 200
    assert "This address is used by the library" in response.content.decode()
    product.refresh_from_db()
    assert product.slug != slug
