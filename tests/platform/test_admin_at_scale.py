"""The coordinator's admin pages stay small as the platform grows: no form lists every member, discussion or
event, no page reads a row per listed item, and no list reads the whole of a large table for its filters.

At the benchmark's scale (100,000 members, a million posts and activity rows) the event form was 5 MB and took 3 s,
a knowledge product's 12 MB and 5 s, a tag's page ran 1,100 queries, and a frozen month's 210
(bench/admin_pages.py prints the figures)."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_countries.fields import CountryField

from events.models import Registration
from indicators.compute import freeze_month
from indicators.models import IndicatorValue
from members.models import Activity, User
from tests.communities.factories import CommunityFactory, ThreadFactory
from tests.events.factories import EventFactory, RegistrationFactory
from tests.experts.factories import ExpertClusterFactory, ExpertFactory
from tests.factories import MemberFactory
from tests.knowledge.factories import KnowledgeProductFactory
from tests.support.pages import page, queries_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("form", "fields"),
    [
        ("admin:events_event_add", ["speaker_members", "speaker_experts"]),
        ("admin:knowledge_knowledgeproduct_add", ["authors", "source_threads", "source_events"]),
        ("admin:experts_expertcluster_add", ["leads"]),
        ("admin:communities_localactionteam_add", ["members", "leader"]),
    ],
)
def test_a_form_looks_members_discussions_and_events_up_as_typed_rather_than_listing_them(
    coordinator_client, form, fields
):
    MemberFactory(full_name="Thandar Listed Nowhere")
    ThreadFactory(title="A discussion listed nowhere")
    EventFactory(title="An event listed nowhere")
    ExpertFactory(name="An expert listed nowhere")

    html = page(coordinator_client, reverse(form))

    assert "listed nowhere" not in html.lower()
    for field in fields:
        assert f'id="id_{field}"' in html
        assert f'data-field-name="{field}"' in html  # Django's autocomplete widget, which asks as one types


def test_the_autocomplete_finds_a_member_for_the_coordinator(coordinator_client):
    speaker = MemberFactory(full_name="Thandar Speaker")

    response = coordinator_client.get(
        reverse("admin:autocomplete"),
        {"term": "Thandar", "app_label": "events", "model_name": "event", "field_name": "speaker_members"},
    )

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(speaker.pk)]


def test_a_tags_page_counts_its_uses_instead_of_listing_them(coordinator_client):
    products = KnowledgeProductFactory.create_batch(2, tags=["open data"])
    tag = products[0].tags.get()
    url = reverse("admin:taggit_tag_change", args=[tag.pk])
    few = queries_for(coordinator_client, url)
    KnowledgeProductFactory.create_batch(6, tags=["open data"])
    for member in MemberFactory.create_batch(4):
        member.interests.add("open data")

    assert queries_for(coordinator_client, url) == few
    html = page(coordinator_client, url)
    assert "open data" in html and "12" in html  # its uses
    assert "12" in page(coordinator_client, reverse("admin:taggit_tag_changelist"))


def test_a_frozen_months_page_reads_its_month_once(coordinator_client):
    snapshot, _computed = freeze_month(timezone.now().date().replace(day=1) - timedelta(days=1))
    values = snapshot.values.count()
    assert values > 20

    with CaptureQueriesContext(connection) as queries:
        html = page(coordinator_client, reverse("admin:indicators_monthlysnapshot_change", args=[snapshot.pk]))

    assert html.count("field-value") >= values
    assert len(queries) < 15  # was one query per value
    assert IndicatorValue.objects.filter(snapshot=snapshot).count() == values


def test_the_registrations_list_offers_the_events_nearest_today_and_the_chosen_one(coordinator_client):
    now = timezone.now()
    soon = [EventFactory(title=f"Soon {n}", starts_at=now + timedelta(days=n + 1)) for n in range(12)]
    past = [EventFactory(title=f"Past {n}", starts_at=now - timedelta(days=n + 1)) for n in range(12)]
    RegistrationFactory(event=past[-1])
    RegistrationFactory(event=soon[0])
    url = reverse("admin:events_registration_changelist")

    html = page(coordinator_client, url)
    assert "Soon 9" in html and "Soon 10" not in html  # the ten soonest to come, the ten latest gone
    assert "Past 9" in html and "Past 10" not in html

    chosen = page(coordinator_client, f"{url}?event={past[-1].pk}")  # a far one, reached from its event say
    assert "Past 11" in chosen
    assert "1 registration\n" in chosen
    assert Registration.objects.count() == 2
    assert "0 registrations\n" in page(coordinator_client, f"{url}?event=nonsense")
    assert "0 registrations\n" in page(coordinator_client, f"{url}?event=²")  # a digit int() refuses


def test_the_feedback_list_filters_by_event_the_same_way(coordinator_client):
    event = EventFactory(title="Budget clinic", starts_at=timezone.now() - timedelta(days=3))

    html = page(coordinator_client, reverse("admin:events_feedback_changelist") + f"?event={event.pk}")

    assert "Budget clinic" in html


def test_the_activity_list_reads_no_years_or_communities_off_every_row(coordinator_client):
    community = CommunityFactory(name="Digital Service Delivery")
    Activity.objects.create(member=MemberFactory(), kind=Activity.Kind.POST, community=community)

    with CaptureQueriesContext(connection) as queries:
        html = page(coordinator_client, reverse("admin:members_activity_changelist"))

    assert "Digital Service Delivery" in html  # the community filter lists communities
    activity_reads = [q["sql"] for q in queries if '"members_activity"' in q["sql"]]
    assert not [sql for sql in activity_reads if "DISTINCT" in sql]  # no years, no communities found in its rows


def test_the_members_list_names_countries_without_rebuilding_the_worlds_list_per_row(coordinator_client):
    MemberFactory.create_batch(8, country="MM")
    original = CountryField.flatchoices
    reads = []

    def counted(field):
        reads.append(field)
        return original.fget(field)

    with mock.patch.object(CountryField, "flatchoices", property(counted)):
        html = page(coordinator_client, reverse("admin:members_user_changelist"))

    assert html.count("Myanmar") >= 8
    assert len(reads) <= 2  # the country filter's; was one for every row


def test_an_expert_clusters_form_keeps_its_leads(coordinator_client):
    lead = MemberFactory(full_name="Thandar Lead")
    cluster = ExpertClusterFactory(theme="Open data")
    cluster.leads.add(lead)

    html = page(coordinator_client, reverse("admin:experts_expertcluster_change", args=[cluster.pk]))

    assert "Thandar Lead" in html  # the chosen lead is shown, and only the chosen ones


def test_the_event_autocomplete_pages_events_in_order(coordinator_client):
    later = EventFactory(title="Budget webinar later", starts_at=timezone.now() + timedelta(days=9))
    sooner = EventFactory(title="Budget webinar sooner", starts_at=timezone.now() + timedelta(days=2))

    response = coordinator_client.get(
        reverse("admin:autocomplete"),
        {"term": "Budget", "app_label": "knowledge", "model_name": "knowledgeproduct", "field_name": "source_events"},
    )

    assert [row["id"] for row in response.json()["results"]] == [str(sooner.pk), str(later.pk)]


def test_only_the_event_list_counts_registrations_not_the_autocomplete_or_the_form(coordinator_client):
    event = EventFactory(title="Budget webinar")
    RegistrationFactory(event=event)

    def statements(url, params=None):
        with CaptureQueriesContext(connection) as queries:
            assert coordinator_client.get(url, params).status_code == 200
        return " ".join(query["sql"] for query in queries.captured_queries)

    autocomplete = {"term": "Budget", "app_label": "knowledge", "model_name": "knowledgeproduct"}
    assert "COUNT(DISTINCT" not in statements(
        reverse("admin:autocomplete"), autocomplete | {"field_name": "source_events"}
    )
    assert "COUNT(DISTINCT" not in statements(reverse("admin:events_event_change", args=[event.pk]))
    listing = page(coordinator_client, reverse("admin:events_event_changelist"))
    assert '<td class="field-registered">1</td>' in listing


def test_a_member_field_is_looked_up_by_name_or_by_address(coordinator_client):
    """One column a keystroke (the name's has a trigram index): the list's four-column search took 55-60 ms."""
    speaker = MemberFactory(full_name="Thandar Speaker", email="t.speaker@finance.example.gov", organization="Audit")

    def found(term):
        response = coordinator_client.get(
            reverse("admin:autocomplete"),
            {"term": term, "app_label": "events", "model_name": "event", "field_name": "speaker_members"},
        )
        return [row["id"] for row in response.json()["results"]]

    assert found("thandar") == found("t.speaker@finance") == [str(speaker.pk)]
    assert found("Audit") == []  # not by organization here …
    assert "Thandar Speaker" in page(coordinator_client, reverse("admin:members_user_changelist") + "?q=Audit")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's plan")
def test_a_lookup_by_address_can_use_its_trigram_index():
    """(migration members 0010: the lookup read every member's address, 75-85 ms cold at 100,000 members.)"""
    MemberFactory.create_batch(3)
    by_address = User.objects.filter(email__icontains="t.speaker@finance").values("pk")

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # undone when the test's transaction rolls back
        plan = by_address.explain()

    assert "member_email_trigrams" in plan
