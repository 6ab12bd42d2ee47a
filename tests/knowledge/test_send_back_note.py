"""The coordinator's "Send back to the authors": a note refused (too long, or empty once invisible characters
are stripped) brings the page back with the error and the note as typed; it redirected with "Write a note" and
lost it."""

import pytest
from django.urls import reverse

from knowledge.models import KnowledgeProduct

from .factories import KnowledgeProductFactory

pytestmark = pytest.mark.django_db
Status = KnowledgeProduct.Status


@pytest.mark.parametrize(
    ("note", "error"),
    [
        ("ပြင်ဆင်ပါ " * 60, "The note can be at most 500 characters; this one has 599."),
        ("\u200b \u200b", "Write a note for the authors."),
    ],
)
def test_a_refused_send_back_note_comes_back_with_its_error_and_text(coordinator_client, note, error):
    product = KnowledgeProductFactory(status=Status.IN_REVIEW, published_at=None)

    response = coordinator_client.post(
        reverse("knowledge:transition", args=[product.slug, "return"]), {"note": note, "status_seen": "in_review"}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert error in page
    if note.strip("\u200b "):
        assert note.strip() in page
    product.refresh_from_db()
    assert product.status == Status.IN_REVIEW
