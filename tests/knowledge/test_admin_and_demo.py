"""The knowledge admin (publishing from the list tells the authors; the list filters load) and the demo data."""

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.db.models import F
from django.db.models.signals import pre_save
from django.urls import reverse
from django.utils import timezone

from communities.models import Notification
from knowledge.models import FAQItem, KnowledgeProduct, ProductFile
from members.models import Language
from tests.communities.factories import CommunityFactory
from tests.factories import MemberFactory
from tests.members.test_audit import admin_form_data

from .factories import KnowledgeProductFactory, ProductFileFactory, stored_files

pytestmark = pytest.mark.django_db

Status = KnowledgeProduct.Status
CHANGELIST = "admin:knowledge_knowledgeproduct_changelist"


@pytest.fixture
def admin_client(client, coordinator):
    client.force_login(coordinator)
    return client


def _action(client, action, products):
    return client.post(
        reverse(CHANGELIST), {"action": action, "_selected_action": [p.pk for p in products]}, follow=True
    )


def test_the_publish_action_publishes_and_tells_the_authors(admin_client, coordinator):
    author = MemberFactory()
    in_review = KnowledgeProductFactory(title="Ready", status=Status.IN_REVIEW, authors=[author])
    draft = KnowledgeProductFactory(title="Also ready", status=Status.DRAFT, authors=[author])
    archived = KnowledgeProductFactory(title="Old", status=Status.ARCHIVED, authors=[author])

    response = _action(admin_client, "publish_products", [in_review, draft, archived])

    assert response.status_code == 200
    for product in (in_review, draft):
        product.refresh_from_db()
        assert product.status == Status.PUBLISHED
        assert product.published_at is not None
    archived.refresh_from_db()
    assert archived.status == Status.ARCHIVED
    texts = sorted(Notification.objects.filter(recipient=author, kind="knowledge").values_list("text", flat=True))
    assert texts == ["“Also ready” was published", "“Ready” was published"]
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert "2 products published." in messages
    assert any(m.startswith("Old: Only a draft or a product in review can be published") for m in messages)


def test_the_publish_action_leaves_published_products_alone(admin_client):
    author = MemberFactory()
    product = KnowledgeProductFactory(authors=[author])
    published_at = product.published_at

    _action(admin_client, "publish_products", [product])

    product.refresh_from_db()
    assert product.published_at == published_at
    assert not Notification.objects.filter(recipient=author).exists()


def test_the_archive_action_archives(admin_client):
    products = [KnowledgeProductFactory(), KnowledgeProductFactory(status=Status.IN_REVIEW)]

    _action(admin_client, "archive_products", products)

    assert set(KnowledgeProduct.objects.values_list("status", flat=True)) == {Status.ARCHIVED}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, 3),
        ({"status__exact": "published"}, 2),
        ({"status__exact": "draft"}, 1),
        ({"type__exact": "toolkit"}, 1),
        ({"type__exact": "guidance", "status__exact": "published"}, 1),
        ({"communities__id__exact": "community"}, 2),
        ({"language__id__exact": "en"}, 1),
        ({"q": "toolkit"}, 1),
    ],
    ids=lambda value: str(value) if isinstance(value, dict) else None,
)
def test_the_changelist_filters_load(admin_client, params, expected):
    community = CommunityFactory()
    english = Language.objects.get(code="en")
    KnowledgeProductFactory(title="A toolkit", type="toolkit", communities=[community], language=english)
    KnowledgeProductFactory(title="A guidance", type="guidance", communities=[community])
    KnowledgeProductFactory(title="A draft", type="guidance", status=Status.DRAFT)
    values = {"community": str(community.pk), "en": str(english.pk)}
    params = {key: values.get(value, value) for key, value in params.items()}

    response = admin_client.get(reverse(CHANGELIST), params)

    assert response.status_code == 200
    assert response.context["cl"].result_count == expected


def test_the_change_page_lists_the_files_read_only(admin_client):
    product_file = ProductFileFactory(original_name="annex.pdf")

    response = admin_client.get(reverse("admin:knowledge_knowledgeproduct_change", args=[product_file.product.pk]))

    assert response.status_code == 200
    assert "annex.pdf" in response.content.decode()
    assert 'name="files-0-original_name"' not in response.content.decode()


def test_a_product_added_in_the_admin_is_rendered_and_credited(admin_client, coordinator):
    response = admin_client.post(
        reverse("admin:knowledge_knowledgeproduct_add"),
        {
            "type": "guidance", "title": "Admin guidance", "slug": "admin-guidance", "summary": "", "version_note": "",
            "body": "Some **bold** advice <script>x</script>", "review_note": "", "tags": "procurement",
            "files-TOTAL_FORMS": "0", "files-INITIAL_FORMS": "0", "files-MIN_NUM_FORMS": "0",
            "files-MAX_NUM_FORMS": "1000",
        },
    )  # fmt: skip

    assert response.status_code == 302, response.content.decode()[:2000]
    product = KnowledgeProduct.objects.get()
    assert product.created_by == coordinator
    assert product.status == Status.DRAFT
    assert "<strong>bold</strong>" in product.body_html
    assert "<script>" not in product.body_html


def _change_form_data(response) -> dict:
    """What the change page would post back unchanged, its files inline included."""
    data = admin_form_data(response)
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({f"{inline.formset.prefix}-{name}": str(management[name].value()) for name in management.fields})
        for form in inline.formset.forms:
            data.update({form.add_prefix(name): str(form[name].value()) for name in form.fields if form[name].value()})
    return data


@pytest.fixture
def published_and_downloaded_meanwhile():
    """The site publishes the product and counts a download while the admin's save is on its way: after the admin
    read the product, before it writes."""

    def meanwhile(sender, instance, **kwargs):
        KnowledgeProduct.objects.filter(pk=instance.pk).update(
            status=Status.PUBLISHED, published_at=timezone.now(), download_count=F("download_count") + 1
        )

    pre_save.connect(meanwhile, sender=KnowledgeProduct, weak=False)
    yield
    pre_save.disconnect(meanwhile, sender=KnowledgeProduct)


def test_an_admin_save_writes_only_what_the_coordinator_changed(admin_client, published_and_downloaded_meanwhile):
    """Before, the admin wrote the whole row as it had read it: the publication and the download counted meanwhile
    were undone (the product back in review, its publication date and download gone)."""
    product = KnowledgeProductFactory(status=Status.IN_REVIEW, body="Old **text**")
    ProductFileFactory(product=product)
    url = reverse("admin:knowledge_knowledgeproduct_change", args=[product.pk])
    data = _change_form_data(admin_client.get(url))
    data.update(title="A better title", body="New **text**")

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    product.refresh_from_db()
    assert product.title == "A better title"
    assert "<strong>text</strong>" in product.body_html and "New" in product.body_html
    assert (product.status, product.download_count) == (Status.PUBLISHED, 1)
    assert product.published_at is not None


def test_members_cannot_open_the_knowledge_admin(client, member, report_viewer):
    for user in (member, report_viewer):
        client.force_login(user)
        assert client.get(reverse(CHANGELIST)).status_code == 302  # to the admin login


# --- Demo data ---------------------------------------------------------------------------------------------------


def _counts(media_root):
    return (
        KnowledgeProduct.objects.count(),
        ProductFile.objects.count(),
        FAQItem.objects.count(),
        len(stored_files(media_root)),
    )


@pytest.fixture
def seeded(settings, media_root):
    settings.DEBUG = True
    call_command("seed_demo", members=30, verbosity=0)


def test_the_demo_has_products_of_every_type_with_real_files(seeded, client):
    # One seeding, several checks.
    published = KnowledgeProduct.objects.filter(status=Status.PUBLISHED)
    assert published.count() >= 15
    assert set(published.values_list("type", flat=True)) == set(KnowledgeProduct.Type.values)
    assert not published.filter(files__isnull=True).exists()
    pdfs = ProductFile.objects.filter(content_type="application/pdf")
    assert pdfs.count() >= 15
    for pdf in pdfs:
        with pdf.file.open("rb") as handle:
            content = handle.read()
        assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")
        assert pdf.size == len(content)
    csvs = ProductFile.objects.filter(content_type="text/csv")
    assert csvs.exists()
    assert {f.product.type for f in csvs} == {KnowledgeProduct.Type.DATA_SET}

    summary = KnowledgeProduct.objects.get(type=KnowledgeProduct.Type.DISCUSSION_SUMMARY, source_threads__isnull=False)
    thread = summary.source_threads.get()
    assert thread.title in summary.title
    assert summary.status == Status.IN_REVIEW
    assert list(summary.communities.all()) == [thread.community]
    assert KnowledgeProduct.objects.filter(status=Status.IN_REVIEW).count() >= 2
    assert FAQItem.objects.filter(is_published=True).exists()
    assert all(item.answer_html for item in FAQItem.objects.all())

    library = client.get(reverse("knowledge:library"))
    assert library.status_code == 200
    assert library.context["page_obj"].paginator.count >= 10
    product_file = ProductFile.objects.filter(product__communities__isnull=True).first() or pdfs.first()
    client.force_login(summary.authors.get())
    download = client.get(reverse("knowledge:download", args=[product_file.product.slug, product_file.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith((b"%PDF-", b"province,"))


def test_running_seed_demo_again_creates_nothing_new(seeded, media_root):
    before = _counts(media_root)
    assert before[0] >= 18

    call_command("seed_demo", members=30, verbosity=0)
    assert _counts(media_root) == before
