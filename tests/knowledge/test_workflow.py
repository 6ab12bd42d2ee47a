"""The review workflow: authors draft and submit, coordinators publish, send back with a note, or archive.

Each step is tried through the views (who may do it, what they see afterwards) and, where the rule lives in
the service, through knowledge.services directly.
"""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from communities.models import Notification
from knowledge import services
from knowledge.models import KnowledgeProduct, ProductFile
from tests.communities.factories import member_of
from tests.factories import MemberFactory

from .factories import KnowledgeProductFactory, pdf_upload, upload

pytestmark = pytest.mark.django_db

Status = KnowledgeProduct.Status


def _transition(client, product, action, **data):
    return client.post(reverse("knowledge:transition", args=[product.slug, action]), data)


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _knowledge_notifications(user):
    return Notification.objects.filter(recipient=user, kind=Notification.Kind.KNOWLEDGE)


@pytest.fixture
def draft(author, open_community):
    return KnowledgeProductFactory(
        title="Keeping offices open in floods", status=Status.DRAFT, authors=[author], communities=[open_community]
    )


@pytest.fixture
def in_review(author, open_community):
    return KnowledgeProductFactory(
        title="Mobile service teams", status=Status.IN_REVIEW, authors=[author], communities=[open_community]
    )


def test_it_lets_an_author_create_a_draft_with_a_file(client, author, open_community, media_root):
    client.force_login(author)

    response = client.post(
        reverse("knowledge:create"),
        {
            "type": KnowledgeProduct.Type.CASE_STUDY,
            "title": "One-stop shops in Cambodia",
            "summary": "How provinces merged their counters.",
            "body": "## Steps\n\n- **map** the services",
            "communities": [open_community.pk],
            "countries": ["KH"],
            "tags": "e-services, one-stop shops",
            "new_files": [pdf_upload("One-stop shops.pdf")],
        },
    )

    product = KnowledgeProduct.objects.get()
    assert response.status_code == 302
    assert response.url == product.get_absolute_url()
    assert "Saved as a draft." in _messages(response)
    assert product.status == Status.DRAFT
    assert product.published_at is None
    assert product.slug == "one-stop-shops-in-cambodia"
    assert list(product.authors.all()) == [author]
    assert product.created_by == author
    assert list(product.communities.all()) == [open_community]
    assert sorted(product.tags.names()) == ["e-services", "one-stop shops"]
    assert "<strong>map</strong>" in product.body_html
    stored = ProductFile.objects.get(product=product)
    assert stored.original_name == "one-stop-shops.pdf"
    assert stored.content_type == "application/pdf"
    assert stored.file.read().startswith(b"%PDF-")
    assert stored.file.path.startswith(str(media_root))


def test_a_product_goes_from_draft_to_published_through_the_pages(client, author, open_community, coordinator):
    client.force_login(author)
    client.post(
        reverse("knowledge:create"),
        {"type": "toolkit", "title": "Feedback survey toolkit", "communities": [open_community.pk],
         "new_files": [pdf_upload("survey.pdf")]},
    )  # fmt: skip
    product = KnowledgeProduct.objects.get()
    _transition(client, product, "submit")
    client.force_login(coordinator)
    _transition(client, product, "return", note="Add a sample questionnaire.")
    client.force_login(author)
    client.post(
        reverse("knowledge:edit", args=[product.slug]),
        {"type": "toolkit", "title": "Feedback survey toolkit", "communities": [open_community.pk],
         "new_files": [upload("questionnaire.csv", b"question,answer\nHow long did you wait?,\n")]},
    )  # fmt: skip
    _transition(client, product, "submit")
    client.force_login(coordinator)
    _transition(client, product, "publish")
    client.logout()

    product.refresh_from_db()
    assert product.status == Status.PUBLISHED
    assert product.review_note == ""
    assert sorted(f.original_name for f in product.files.all()) == ["questionnaire.csv", "survey.pdf"]
    assert product in client.get(reverse("knowledge:library")).context["page_obj"].object_list
    assert client.get(product.get_absolute_url()).status_code == 200
    texts = list(_knowledge_notifications(author).order_by("created_at", "pk").values_list("text", flat=True))
    assert texts == [
        "“Feedback survey toolkit” needs changes: Add a sample questionnaire.",
        "“Feedback survey toolkit” was published",
    ]
    assert _knowledge_notifications(coordinator).count() == 2  # one per submission


def test_it_sends_a_draft_for_review_and_tells_the_coordinators(
    client, author, draft, coordinator, report_viewer, expert
):
    client.force_login(author)

    response = _transition(client, draft, "submit")

    draft.refresh_from_db()
    assert response.status_code == 302
    assert response.url == draft.get_absolute_url()
    assert draft.status == Status.IN_REVIEW
    notification = _knowledge_notifications(coordinator).get()
    assert notification.url == draft.get_absolute_url()
    assert "Keeping offices open in floods" in notification.text
    assert notification.actor == author
    for not_a_coordinator in (author, report_viewer, expert):
        assert not _knowledge_notifications(not_a_coordinator).exists()


def test_it_tells_exactly_the_members_who_can_review_about_a_submission(client, author, draft, coordinator):
    from django.contrib.auth.models import Group

    from members import roles

    superuser = MemberFactory(is_staff=True, is_superuser=True)
    not_staff = MemberFactory()
    not_staff.groups.add(Group.objects.get(name=roles.COORDINATORS))
    client.force_login(author)

    _transition(client, draft, "submit")

    notified = set(Notification.objects.filter(kind=Notification.Kind.KNOWLEDGE).values_list("recipient", flat=True))
    assert notified == {u.pk for u in (coordinator, superuser, not_staff) if roles.is_coordinator(u)}


def test_it_lets_a_coordinator_publish_and_tells_the_authors(client, in_review, author, coordinator):
    co_author = MemberFactory()
    in_review.authors.add(co_author, coordinator)
    client.force_login(coordinator)

    response = _transition(client, in_review, "publish")

    in_review.refresh_from_db()
    assert response.status_code == 302
    assert in_review.status == Status.PUBLISHED
    assert in_review.published_at is not None
    assert "“Mobile service teams” was published" in _knowledge_notifications(author).get().text
    assert _knowledge_notifications(co_author).count() == 1
    assert not _knowledge_notifications(coordinator).exists()  # the coordinator did it: no note to self


def test_it_does_not_let_an_author_publish(client, author, in_review, draft):
    client.force_login(author)

    for product in (in_review, draft):
        assert _transition(client, product, "publish").status_code == 404
        product.refresh_from_db()
        assert product.published_at is None
    assert in_review.status == Status.IN_REVIEW
    assert draft.status == Status.DRAFT


def test_it_sends_a_product_back_with_a_note_that_the_authors_see(client, author, in_review, coordinator):
    client.force_login(coordinator)

    response = _transition(client, in_review, "return", note="Please add the 2025 figures.")

    in_review.refresh_from_db()
    assert response.status_code == 302
    assert in_review.status == Status.DRAFT
    assert in_review.review_note == "Please add the 2025 figures."
    assert "Please add the 2025 figures." in _knowledge_notifications(author).get().text
    client.force_login(author)
    page = client.get(in_review.get_absolute_url()).content.decode()
    assert "Reviewer's note:" in page
    assert "Please add the 2025 figures." in page
    assert client.get(reverse("knowledge:edit", args=[in_review.slug])).status_code == 200


def test_it_wants_a_note_before_sending_a_product_back(client, in_review, coordinator):
    client.force_login(coordinator)

    response = _transition(client, in_review, "return", note="")

    in_review.refresh_from_db()
    assert response.status_code == 400  # the page again, the note's field saying what it needs
    assert in_review.status == Status.IN_REVIEW
    assert "Write a note for the authors." in response.content.decode()


def test_it_does_not_let_an_author_send_back_or_archive(client, author, in_review):
    client.force_login(author)

    assert _transition(client, in_review, "return", note="fine by me").status_code == 404
    assert _transition(client, in_review, "archive").status_code == 404

    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW


def test_it_lets_a_coordinator_archive_a_published_product(client, author, coordinator, open_community):
    product = KnowledgeProductFactory(authors=[author], communities=[open_community])
    client.force_login(coordinator)

    response = _transition(client, product, "archive")

    product.refresh_from_db()
    assert response.status_code == 302
    assert product.status == Status.ARCHIVED
    assert client.get(product.get_absolute_url()).status_code == 200
    assert product not in client.get(reverse("knowledge:library")).context["page_obj"].object_list
    client.force_login(author)
    assert client.get(product.get_absolute_url()).status_code == 404


def test_it_does_not_let_another_member_see_edit_or_submit_a_draft(client, draft, open_community):
    colleague = member_of(open_community)
    client.force_login(colleague)

    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("knowledge:edit", args=[draft.slug])).status_code == 404
    assert (
        client.post(reverse("knowledge:edit", args=[draft.slug]), {"type": "faq", "title": "Mine"}).status_code == 404
    )
    assert _transition(client, draft, "submit").status_code == 404

    draft.refresh_from_db()
    assert (draft.status, draft.title) == (Status.DRAFT, "Keeping offices open in floods")


def test_it_does_not_submit_twice(client, author, draft, coordinator):
    client.force_login(author)

    assert _transition(client, draft, "submit").status_code == 302
    assert _transition(client, draft, "submit").status_code == 404  # no longer a draft: nothing to submit

    assert _knowledge_notifications(coordinator).count() == 1
    draft.refresh_from_db()
    with pytest.raises(services.KnowledgeError, match="Only a draft can be sent for review"):
        services.product_submit(product=draft, actor=author)


def test_it_does_not_let_an_author_edit_a_product_in_review_or_published(client, author, in_review, open_community):
    published = KnowledgeProductFactory(authors=[author], communities=[open_community])
    client.force_login(author)

    assert client.get(reverse("knowledge:edit", args=[in_review.slug])).status_code == 404
    assert client.get(reverse("knowledge:edit", args=[published.slug])).status_code == 404


def test_it_lets_an_author_edit_a_draft_and_keeps_its_slug_and_authors(client, author, draft):
    slug = draft.slug
    client.force_login(author)

    response = client.post(
        reverse("knowledge:edit", args=[draft.slug]),
        {"type": KnowledgeProduct.Type.GUIDANCE, "title": "Keeping offices open in floods, 2nd edition"},
    )

    draft.refresh_from_db()
    assert response.status_code == 302
    assert draft.title == "Keeping offices open in floods, 2nd edition"
    assert draft.slug == slug  # links already shared keep working
    assert list(draft.authors.all()) == [author]
    assert draft.status == Status.DRAFT


def test_it_sends_members_without_a_community_back_to_the_library(member_client):
    response = member_client.get(reverse("knowledge:create"))

    assert response.status_code == 302
    assert response.url == reverse("knowledge:library")
    assert "Join a community to write knowledge products." in _messages(response)
    posted = member_client.post(reverse("knowledge:create"), {"type": "guidance", "title": "Mine anyway"})
    assert posted.status_code == 302
    assert not KnowledgeProduct.objects.exists()


def test_it_does_not_count_a_membership_that_was_left(client, open_community):
    from communities.models import Membership

    former = member_of(open_community, status=Membership.Status.LEFT)
    client.force_login(former)

    assert client.get(reverse("knowledge:create")).url == reverse("knowledge:library")


def test_it_shows_drafts_and_products_in_review_only_to_authors_and_coordinators(
    client, author, draft, in_review, coordinator, open_community, report_viewer
):
    for product in (draft, in_review):
        assert client.get(product.get_absolute_url()).status_code == 404  # anonymous
        for reader in (author, coordinator):
            client.force_login(reader)
            assert client.get(product.get_absolute_url()).status_code == 200
        for outsider in (member_of(open_community), report_viewer):
            client.force_login(outsider)
            assert client.get(product.get_absolute_url()).status_code == 404
        client.logout()


def test_it_shows_archived_products_only_to_coordinators(client, author, coordinator, open_community):
    archived = KnowledgeProductFactory(status=Status.ARCHIVED, authors=[author], communities=[open_community])

    assert client.get(archived.get_absolute_url()).status_code == 404
    for someone in (author, member_of(open_community)):
        client.force_login(someone)
        assert client.get(archived.get_absolute_url()).status_code == 404
    client.force_login(coordinator)
    assert client.get(archived.get_absolute_url()).status_code == 200


def test_it_lists_an_authors_drafts_and_products_in_review(client, author, draft, in_review, open_community):
    published = KnowledgeProductFactory(authors=[author], communities=[open_community])
    someone_elses = KnowledgeProductFactory(status=Status.DRAFT, authors=[member_of(open_community)])
    client.force_login(author)

    products = list(client.get(reverse("knowledge:drafts")).context["products"])

    assert set(products) == {draft, in_review}
    assert published not in products and someone_elses not in products


def test_it_does_not_list_archived_products_on_the_drafts_page(client, author, open_community):
    archived = KnowledgeProductFactory(status=Status.ARCHIVED, authors=[author], communities=[open_community])
    client.force_login(author)

    products = list(client.get(reverse("knowledge:drafts")).context["products"])

    assert archived not in products


def test_it_refuses_transitions_that_make_no_sense(author, coordinator, draft, open_community):
    archived = KnowledgeProductFactory(status=Status.ARCHIVED, communities=[open_community])

    with pytest.raises(services.KnowledgeError, match="Only a draft or a product in review can be published"):
        services.product_publish(product=archived, actor=coordinator)
    with pytest.raises(services.KnowledgeError, match="Only a product in review can be sent back"):
        services.product_return(product=draft, actor=coordinator, note="why?")


def test_it_explains_a_refused_transition_to_the_coordinator(client, coordinator, open_community):
    archived = KnowledgeProductFactory(status=Status.ARCHIVED, communities=[open_community])
    client.force_login(coordinator)

    response = _transition(client, archived, "publish")

    archived.refresh_from_db()
    assert response.status_code == 302
    assert archived.status == Status.ARCHIVED
    assert "Only a draft or a product in review can be published." in _messages(response)


def test_it_takes_transitions_only_by_post(client, author, draft):
    client.force_login(author)

    assert client.get(reverse("knowledge:transition", args=[draft.slug, "submit"])).status_code == 405
    assert _transition(client, draft, "delete").status_code == 404


def test_it_sends_back_a_product_with_a_long_note(client, author, in_review, coordinator):
    note = "Please add the regional figures and cite the sources. " * 9  # 486 characters, within the form's 500
    client.force_login(coordinator)

    response = _transition(client, in_review, "return", note=note)

    assert response.status_code == 302
    notification = _knowledge_notifications(author).get()
    assert len(notification.text) <= Notification._meta.get_field("text").max_length


def _as_read_before(product) -> KnowledgeProduct:
    """The product as a request read it before another one changed it (what a double click's second request,
    or a second coordinator, holds when the first has finished)."""
    return KnowledgeProduct.objects.get(pk=product.pk)


def test_a_second_send_for_review_of_the_same_draft_tells_the_coordinators_nothing(author, draft, coordinator):
    """Before, the second click of a double click had read the draft too, and every coordinator was told twice."""
    second_click = _as_read_before(draft)
    services.product_submit(product=draft, actor=author)

    with pytest.raises(services.KnowledgeError, match="was changed meanwhile and is now “In review”"):
        services.product_submit(product=second_click, actor=author)

    assert _knowledge_notifications(coordinator).count() == 1


def test_publishing_a_product_sent_back_meanwhile_does_nothing(author, in_review, coordinator):
    """Before, the coordinator publishing what they had read in review published the draft just sent back, and the
    authors were told both."""
    publisher_read = _as_read_before(in_review)
    services.product_return(product=in_review, actor=MemberFactory(), note="Add the figures.")

    with pytest.raises(services.KnowledgeError, match="was changed meanwhile and is now “Draft”"):
        services.product_publish(product=publisher_read, actor=coordinator)

    in_review.refresh_from_db()
    assert (in_review.status, in_review.published_at) == (Status.DRAFT, None)
    assert _knowledge_notifications(author).count() == 1


def test_sending_back_a_product_published_meanwhile_does_nothing(author, in_review, coordinator):
    """Before, the send-back found the product in review as read, and left a draft with a publication date (counted
    by the knowledge_published indicator), its authors told it was published and that it needs changes."""
    returner_read = _as_read_before(in_review)
    services.product_publish(product=in_review, actor=coordinator)

    with pytest.raises(services.KnowledgeError, match="was changed meanwhile and is now “Published”"):
        services.product_return(product=returner_read, actor=MemberFactory(), note="Add the figures.")

    in_review.refresh_from_db()
    assert in_review.status == Status.PUBLISHED
    assert in_review.published_at is not None
    assert [n.text for n in _knowledge_notifications(author)] == ["“Mobile service teams” was published"]


def test_publishing_from_a_page_that_showed_the_product_in_review_does_nothing_once_it_was_sent_back(
    client, author, in_review, coordinator
):
    """Before, "Publish" clicked on a page that still showed the product in review published what another
    coordinator had just sent back to its authors (they were told both)."""
    client.force_login(coordinator)
    page = client.get(in_review.get_absolute_url()).content.decode()
    assert 'name="status_seen" value="in_review"' in page
    services.product_return(product=in_review, actor=MemberFactory(), note="Add the figures.")

    response = _transition(client, in_review, "publish", status_seen="in_review")

    in_review.refresh_from_db()
    assert (in_review.status, in_review.published_at) == (Status.DRAFT, None)
    assert _messages(response) == ["Nothing was done: “Mobile service teams” was changed meanwhile and is now “Draft”."]
    assert _knowledge_notifications(author).count() == 1
