"""The library's product cards are rendered once and then read from the cache (knowledge/product_cards.py): a
cached card must never show anything stale, another search's snippet, or another language's words."""

from datetime import UTC, datetime

import pytest
from django.core.cache import cache
from django.db.models import F
from django.urls import reverse

from knowledge.models import KnowledgeProduct
from knowledge.product_cards import SNIPPET_SLOT
from tests.communities.factories import MembershipFactory
from tests.factories import MemberFactory

from .factories import KnowledgeProductFactory

pytestmark = pytest.mark.django_db

CARD_TEMPLATE = "knowledge/includes/product_card.html"


@pytest.fixture
def reader(client):
    member = MemberFactory()
    client.force_login(member)
    return member


@pytest.fixture
def product(open_community):
    return KnowledgeProductFactory(
        title="Participatory budgeting toolkit", summary="How districts let citizens choose.",
        communities=[open_community], tags=["budget"],
    )  # fmt: skip


def library(client, **params) -> str:
    response = client.get(reverse("knowledge:library"), params)
    assert response.status_code == 200
    return response.content.decode()


def cards_rendered(client, **params) -> int:
    response = client.get(reverse("knowledge:library"), params)
    return sum(template.name == CARD_TEMPLATE for template in response.templates)


def test_cards_are_rendered_once_then_read_from_the_cache(client, product, reader):
    KnowledgeProductFactory(title="Open contracting guide")
    assert cards_rendered(client) == 2
    assert cards_rendered(client) == 0
    page = library(client)
    assert "Participatory budgeting toolkit" in page and "Open contracting guide" in page
    assert product.get_absolute_url() in page and 'href="?tag=budget"' in page


def test_without_the_cache_cards_are_rendered_each_time(client, product, reader, without_card_cache):
    assert cards_rendered(client) == 1
    assert cards_rendered(client) == 1
    assert "Participatory budgeting toolkit" in library(client)


def test_a_card_shows_every_change_at_once(client, product, reader):
    assert "0 downloads" in library(client)

    KnowledgeProduct.objects.filter(pk=product.pk).update(download_count=F("download_count") + 1)
    assert "1 download<" in library(client)

    KnowledgeProduct.objects.filter(pk=product.pk).update(title="Citizens' budget toolkit", summary="Revised.")
    page = library(client)
    assert "Citizens&#x27; budget toolkit" in page and "Revised." in page and "Participatory" not in page

    product.tags.add("open data")
    assert 'href="?tag=open-data"' in library(client)

    product.tags.clear()
    assert "?tag=" not in library(client)


def test_a_card_is_in_the_readers_language_and_time_zone(client, product, reader):
    # Published 23:30 UTC on 31 December: January in Yangon (UTC+6:30), December in UTC.
    KnowledgeProduct.objects.filter(pk=product.pk).update(published_at=datetime(2025, 12, 31, 23, 30, tzinfo=UTC))
    assert "Dec 2025" in library(client)

    reader.time_zone = "Asia/Yangon"
    reader.save()
    assert "Jan 2026" in library(client) and "Dec 2025" not in library(client)

    client.cookies["django_language"] = "ru"
    page = library(client)
    assert "Jan 2026" not in page and "2026" in page
    assert "0 скачиваний" in page and "Guidance document" not in page


def test_a_searchs_cards_show_its_snippets_which_are_never_cached(client, reader, open_community, monkeypatch):
    KnowledgeProductFactory(
        title="Local services", summary="Summary.", communities=[open_community],
        body="Clinics report waiting times. Schools report <script>alert(1)</script> attendance.",
    )  # fmt: skip
    stored = {}
    set_many = cache.set_many
    monkeypatch.setattr(
        "cop_platform.cards.cache.set_many", lambda data, timeout: stored.update(data) or set_many(data, timeout)
    )

    assert cards_rendered(client, q="clinics") == 1
    clinics, schools = library(client, q="clinics"), library(client, q="schools")

    assert "<mark>Clinics</mark>" in clinics and "<mark>Clinics</mark>" not in schools
    # The snippet shows the words around the match, never the body's markup as HTML (PostgreSQL's headline
    # drops tags, SQLite's fallback escapes them).
    assert "<mark>Schools</mark>" in schools and "alert(1)" in schools and "<script>" not in schools
    assert SNIPPET_SLOT not in clinics + schools
    assert "Summary." in library(client)  # browsing shows the summary, not a snippet
    assert "Summary." not in clinics
    # Anyone may type any words: the cache keeps one search card a product, with the slot where the snippet
    # goes, which every search shares; and one browsing card.
    assert cards_rendered(client, q="waiting times") == 0
    product_cards = [html for key, html in stored.items() if key.startswith("product-card:")]
    assert len(product_cards) == 2
    (search_card,) = [html for html in product_cards if SNIPPET_SLOT in html]
    assert "Clinics" not in search_card and "Schools" not in search_card


def test_a_title_that_spells_the_snippet_slot_gets_no_snippet(client, reader, open_community):
    KnowledgeProductFactory(
        title=f"Notes {SNIPPET_SLOT}", communities=[open_community], tags=[SNIPPET_SLOT], body="Clinics report."
    )

    page = library(client, q="clinics")

    assert page.count("<mark>Clinics</mark>") == 1
    assert SNIPPET_SLOT not in page
    assert "Notes &lt;!--snippet--&gt;" in page  # the title
    assert page.count("&lt;!--snippet--&gt;") == 2  # and the tag


def test_a_snippet_that_is_not_html_is_escaped(client, reader, open_community, monkeypatch):
    from knowledge import selectors

    KnowledgeProductFactory(title="Local services", communities=[open_community], body="Clinics report.")
    monkeypatch.setattr(selectors, "snippet_for", lambda product, query: "<b>plain text</b>")

    page = library(client, q="clinics")

    assert "&lt;b&gt;plain text&lt;/b&gt;" in page and "<b>plain" not in page


def test_a_private_communitys_product_is_listed_to_its_members_only(client, reader, private_community):
    # Cards hold no access rule: the list they are drawn for does (knowledge.access.published_visible_to).
    insider = reader
    MembershipFactory(member=insider, community=private_community)
    KnowledgeProductFactory(title="Leaders' playbook", communities=[private_community])
    assert "Leaders&#x27; playbook" in library(client)

    client.force_login(MemberFactory())
    assert "playbook" not in library(client)


def test_a_new_release_renders_cards_again(client, product, reader, monkeypatch):
    assert cards_rendered(client) == 1
    assert cards_rendered(client) == 0
    monkeypatch.setattr("cop_platform.cards.release_digest", lambda template_name: "next-release")
    assert cards_rendered(client) == 1


def test_titles_summaries_and_tags_are_escaped(client, reader, open_community):
    KnowledgeProductFactory(
        title="<script>alert(1)</script>", summary="<b>bold</b>", communities=[open_community], tags=["<i>tag</i>"]
    )

    page = library(client)

    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>bold</b>" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page
    assert "<i>tag</i>" not in page and "&lt;i&gt;tag&lt;/i&gt;" in page
