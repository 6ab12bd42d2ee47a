"""The coordinator's lists and forms in the admin (from an audit of them): lists read their rows' names with the
rows, long lists can be searched, actions say what they did, and forms say beforehand who a save emails."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.models import LocalActionTeam
from events.models import Feedback, TopicSuggestion
from experts import services as expert_services
from experts.models import Expert
from indicators.models import ManualFigure, MonthlyNarrative, ProgressReport
from knowledge.models import KnowledgeProduct
from tests.communities.factories import CommunityFactory
from tests.events.factories import EventFactory, RegistrationFactory
from tests.experts.factories import ExpertFactory, ReferralFactory
from tests.factories import CoordinatorFactory, LocalCommunityFactory, MemberFactory
from tests.knowledge.factories import KnowledgeProductFactory
from tests.support.pages import queries_for

pytestmark = pytest.mark.django_db


def _said(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- Lists and forms that read a query per row -----------------------------------------------------------------


def _teams(n):
    for _ in range(n):
        LocalActionTeam.objects.create(
            community=CommunityFactory(), local_community=LocalCommunityFactory(), name="Team", leader=MemberFactory()
        )


def _narratives(n):
    for k in range(MonthlyNarrative.objects.count(), MonthlyNarrative.objects.count() + n):
        MonthlyNarrative.objects.create(month=date(2020 + k // 12, k % 12 + 1, 1), updated_by=MemberFactory())


def _reports(n):
    for k in range(ProgressReport.objects.count(), ProgressReport.objects.count() + n):
        ProgressReport.objects.create(month=date(2020 + k // 12, k % 12 + 1, 1), requested_by=MemberFactory())


def _figures(n):
    for k in range(ManualFigure.objects.count(), ManualFigure.objects.count() + n):
        ManualFigure.objects.create(
            month=date(2020 + k // 12, k % 12 + 1, 1), code=ManualFigure._meta.get_field("code").choices[0][0],
            value=1, source_note="sheet", entered_by=MemberFactory(),
        )  # fmt: skip


@pytest.mark.parametrize(
    ("changelist", "make"),
    [
        ("admin:communities_localactionteam_changelist", _teams),
        ("admin:indicators_monthlynarrative_changelist", _narratives),
        ("admin:indicators_progressreport_changelist", _reports),
        ("admin:indicators_manualfigure_changelist", _figures),
    ],
)
def test_a_list_reads_its_rows_people_with_the_rows(coordinator_client, changelist, make):
    """Each of these names a person who may be empty: Django's own select_related leaves such a column out."""
    make(2)
    few = queries_for(coordinator_client, reverse(changelist))
    make(6)

    assert queries_for(coordinator_client, reverse(changelist)) == few


def test_an_events_form_reads_its_registrations_with_their_members(coordinator_client):
    event = EventFactory()
    RegistrationFactory.create_batch(2, event=event)
    url = reverse("admin:events_event_change", args=[event.pk])
    few = queries_for(coordinator_client, url)
    RegistrationFactory.create_batch(8, event=event)

    assert queries_for(coordinator_client, url) == few


def test_an_experts_form_reads_its_history_with_who_changed_it(coordinator_client):
    coordinator = CoordinatorFactory()
    expert = ExpertFactory()
    url = reverse("admin:experts_expert_change", args=[expert.pk])
    expert_services.expert_set_status(expert=expert, status=Expert.Status.ACTIVE, actor=coordinator)
    few = queries_for(coordinator_client, url)
    for status in [Expert.Status.INACTIVE, Expert.Status.ACTIVE] * 3:
        expert_services.expert_set_status(expert=expert, status=status, actor=CoordinatorFactory())

    assert queries_for(coordinator_client, url) == few


# --- Search ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changelist",
    [
        "admin:events_feedback_changelist",
        "admin:experts_rating_changelist",
        "admin:communities_report_changelist",
        "admin:communities_moderationaction_changelist",
        "admin:digests_digestdelivery_changelist",
    ],
)
def test_long_lists_have_a_search_box(coordinator_client, changelist):
    page = coordinator_client.get(reverse(changelist), {"q": "Budget"})

    assert page.status_code == 200
    assert 'id="searchbar"' in page.content.decode()


def test_feedback_is_found_by_its_events_title(coordinator_client):
    """The event filter lists the 20 events nearest today; the feedback of any other could not be found."""
    far = RegistrationFactory(event=EventFactory(title="Budget transparency clinic"))
    Feedback.objects.create(registration=far, satisfaction=4)
    Feedback.objects.create(registration=RegistrationFactory(event=EventFactory(title="Payroll")), satisfaction=2)

    page = coordinator_client.get(reverse("admin:events_feedback_changelist"), {"q": "transparency"})

    assert [f.registration.event.title for f in page.context["cl"].result_list] == ["Budget transparency clinic"]


# --- Actions say what they did ---------------------------------------------------------------------------------


def _act(client, changelist, action, rows):
    return client.post(
        reverse(changelist), {"action": action, "_selected_action": [row.pk for row in rows]}, follow=True
    )


def test_archiving_says_how_many_were_archived(coordinator_client):
    published = KnowledgeProductFactory(status=KnowledgeProduct.Status.PUBLISHED, published_at=timezone.now())
    archived = KnowledgeProductFactory(status=KnowledgeProduct.Status.ARCHIVED)

    response = _act(coordinator_client, "admin:knowledge_knowledgeproduct_changelist", "archive_products",
                    [published, archived])  # fmt: skip

    assert "1 product archived." in _said(response)


def test_not_planned_leaves_a_scheduled_topic_with_its_event_and_says_so(coordinator_client):
    member = MemberFactory()
    wanted = TopicSuggestion.objects.create(title="E-procurement", proposed_by=member)
    scheduled = TopicSuggestion.objects.create(
        title="Open budgets", proposed_by=member, status=TopicSuggestion.Status.SCHEDULED, event=EventFactory()
    )

    response = _act(coordinator_client, "admin:events_topicsuggestion_changelist", "decline_topics",
                    [wanted, scheduled])  # fmt: skip

    assert "1 topic marked as not planned. 1 scheduled topic was left as it is." in _said(response)
    scheduled.refresh_from_db()
    assert scheduled.status == TopicSuggestion.Status.SCHEDULED and scheduled.event_id is not None


def test_a_status_action_counts_only_the_experts_it_changed(coordinator_client):
    inactive = ExpertFactory(status=Expert.Status.INACTIVE)
    active = ExpertFactory(status=Expert.Status.ACTIVE)

    response = _act(coordinator_client, "admin:experts_expert_changelist", "set_status_inactive", [inactive, active])

    assert "1 expert set to “Inactive”." in _said(response)


# --- Forms say what a save does --------------------------------------------------------------------------------


def test_a_referral_is_asked_on_the_threads_page_not_added_here(coordinator_client):
    referral = ReferralFactory()

    assert coordinator_client.get(reverse("admin:experts_referral_add")).status_code == 403
    form = coordinator_client.get(reverse("admin:experts_referral_change", args=[referral.pk])).context["adminform"]
    assert set(form.form.fields) == {"due_at"}  # what happened stays as recorded: the indicators count it


def test_the_event_form_says_who_a_save_emails(coordinator_client):
    event = EventFactory()

    page = coordinator_client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()

    assert "Cancelled: everyone registered or waiting is emailed" in page
    assert "emails everyone registered or waiting the new time" in page
    assert "raising it moves waiting members up and emails them" in page


def test_news_items_say_they_are_emailed(coordinator_client):
    page = coordinator_client.get(reverse("admin:digests_newsitem_add")).content.decode()

    assert "in the email digests of the members it is for" in page


@pytest.mark.parametrize(
    ("add", "words"),
    [
        ("admin:indicators_manualfigure_add", "have it computed again"),
        ("admin:indicators_monthlynarrative_add", "generate it again afterwards"),
    ],
)
def test_a_months_figures_and_words_say_the_report_is_made_again_by_hand(coordinator_client, add, words):
    assert words in coordinator_client.get(reverse(add)).content.decode()
