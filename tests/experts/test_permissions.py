"""Who may open each experts page, per role; and the experts admin."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from communities.models import Membership
from experts import services
from experts.models import Expert, ExpertStatusChange, Rating, Referral
from tests.communities.factories import CommunityFactory, PostFactory, ThreadFactory, member_of
from tests.factories import CoordinatorFactory, MemberFactory, ReportViewerFactory
from tests.factories import ExpertFactory as ExpertMemberFactory
from tests.support.together import postgresql_only, together

from .factories import ExpertClusterFactory, ExpertFactory, RatingFactory, ReferralFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "member", "expert", "leader", "moderator", "coordinator", "report_viewer", "asker"]


@pytest.fixture
def world():
    community = CommunityFactory()
    asker = member_of(community)
    thread = ThreadFactory(community=community, author=asker)
    flagged = ExpertFactory(member=ExpertMemberFactory(), email="")
    referral = ReferralFactory(thread=thread, expert=flagged)
    services.referral_record_answer(post=PostFactory(thread=thread, author=flagged.member))
    users = {
        "anonymous": None,
        "member": member_of(community),
        "expert": flagged.member,
        "leader": member_of(community, role=Membership.Role.LEADER),
        "moderator": member_of(community, role=Membership.Role.MODERATOR),
        "coordinator": CoordinatorFactory(),
        "report_viewer": ReportViewerFactory(),
        "asker": asker,
    }
    return {
        "community": community,
        "thread": thread,
        "referral": referral,
        "listed": ExpertFactory(status=Expert.Status.ENGAGED),
        "unlisted": ExpertFactory(status=Expert.Status.CONTACTED),
        "users": users,
    }


def _as(client, world, role):
    if world["users"][role] is not None:
        client.force_login(world["users"][role])
    return client


def _expect(expected: dict, role: str) -> int:
    return expected.get(role, expected["others"])


def _check(response, code):
    assert response.status_code == code
    if code == 302 and response.url.startswith(reverse("account_login")):
        assert "next=" in response.url


SIGNED_IN_200 = {"anonymous": 302, "others": 200}
COORDINATOR_ONLY = {"anonymous": 302, "coordinator": 200, "others": 404}


@pytest.mark.parametrize("role", ROLES)
def test_directory(client, world, role):
    _check(_as(client, world, role).get(reverse("experts:directory")), _expect(SIGNED_IN_200, role))


@pytest.mark.parametrize("role", ROLES)
def test_detail_of_a_listed_expert(client, world, role):
    response = _as(client, world, role).get(world["listed"].get_absolute_url())
    _check(response, _expect(SIGNED_IN_200, role))


@pytest.mark.parametrize("role", ROLES)
def test_detail_of_an_unlisted_expert(client, world, role):
    response = _as(client, world, role).get(world["unlisted"].get_absolute_url())
    _check(response, _expect(COORDINATOR_ONLY, role))


@pytest.mark.parametrize("role", ROLES)
def test_coverage(client, world, role):
    _check(_as(client, world, role).get(reverse("experts:coverage")), _expect(COORDINATOR_ONLY, role))


def _ask_url(world):
    return reverse("experts:ask", args=[world["community"].slug, world["thread"].pk])


ASK = {"anonymous": 302, "leader": 200, "coordinator": 200, "others": 404}


@pytest.mark.parametrize("role", ROLES)
def test_ask_get(client, world, role):
    _check(_as(client, world, role).get(_ask_url(world)), _expect(ASK, role))


@pytest.mark.parametrize("role", ROLES)
def test_ask_post(client, world, role):
    due_on = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = _as(client, world, role).post(_ask_url(world), {"experts": [world["listed"].pk], "due_on": due_on})
    allowed = role in ("leader", "coordinator")
    _check(response, _expect({"anonymous": 302, "leader": 302, "coordinator": 302, "others": 404}, role))
    assert Referral.objects.filter(expert=world["listed"]).exists() == allowed
    if allowed:
        assert response.url == world["thread"].get_absolute_url()


def test_ask_gives_404_for_a_thread_of_another_community(client, world):
    other = ThreadFactory()
    client.force_login(world["users"]["leader"])
    assert client.get(reverse("experts:ask", args=[world["community"].slug, other.pk])).status_code == 404
    assert client.get(reverse("experts:ask", args=[other.community.slug, other.pk])).status_code == 404


def test_ask_is_open_to_a_leader_of_a_community_the_thread_is_linked_into(client, world):
    elsewhere = CommunityFactory()
    world["thread"].linked_communities.add(elsewhere)
    client.force_login(member_of(elsewhere, role=Membership.Role.LEADER))
    response = client.get(reverse("experts:ask", args=[elsewhere.slug, world["thread"].pk]))
    assert response.status_code == 200
    # Its links lead to the thread as shown there, not to its home, which may be private and theirs to not know.
    html = response.content.decode()
    assert world["thread"].url_in(elsewhere) in html and world["thread"].get_absolute_url() not in html
    # … but not through the thread's own community, where they are nobody.
    assert client.get(_ask_url(world)).status_code == 404


def _rate_url(world):
    return reverse("experts:rate", args=[world["referral"].pk])


RATE = {"anonymous": 302, "asker": 200, "others": 404}


@pytest.mark.parametrize("role", ROLES)
def test_rate_get(client, world, role):
    _check(_as(client, world, role).get(_rate_url(world)), _expect(RATE, role))


@pytest.mark.parametrize("role", ROLES)
def test_rate_post(client, world, role):
    response = _as(client, world, role).post(_rate_url(world), {"score": "4"})
    _check(response, _expect({"anonymous": 302, "asker": 302, "others": 404}, role))
    assert Rating.objects.exists() == (role == "asker")


def test_rate_gives_404_for_an_unknown_referral(client, world):
    client.force_login(world["users"]["asker"])
    assert client.get(reverse("experts:rate", args=[999999])).status_code == 404


# --- Admin ----------------------------------------------------------------------------------------------------


ADMIN_CHANGELISTS = [
    "admin:experts_expert_changelist",
    "admin:experts_expertcluster_changelist",
    "admin:experts_referral_changelist",
    "admin:experts_rating_changelist",
]


@pytest.fixture
def admin_data():
    cluster = ExpertClusterFactory()
    expert = ExpertFactory(clusters=[cluster], countries=["MM", "KH"])
    RatingFactory(referral=ReferralFactory(expert=expert))
    return expert


@pytest.mark.parametrize("url_name", ADMIN_CHANGELISTS)
def test_the_coordinator_opens_the_experts_admin(client, coordinator, admin_data, url_name):
    client.force_login(coordinator)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


def test_the_coordinator_filters_experts_by_country_and_opens_one(client, coordinator, admin_data):
    ExpertFactory(countries=["TH"])
    client.force_login(coordinator)
    response = client.get(reverse("admin:experts_expert_changelist"), {"country": "KH"})
    assert list(response.context["cl"].result_list) == [admin_data]
    assert client.get(reverse("admin:experts_expert_change", args=[admin_data.pk])).status_code == 200
    assert client.get(reverse("admin:experts_expert_add")).status_code == 200


@pytest.mark.parametrize("role", ["member", "expert", "leader", "moderator", "report_viewer"])
def test_others_cannot_open_the_experts_admin(client, world, admin_data, role):
    client.force_login(world["users"][role])
    for url_name in ADMIN_CHANGELISTS:
        response = client.get(reverse(url_name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def _bulk_status(client, experts, status):
    return client.post(
        reverse("admin:experts_expert_changelist"),
        {"action": f"set_status_{status}", "_selected_action": [e.pk for e in experts], "index": 0},
    )


def test_the_coordinator_changes_status_in_bulk_with_history(client, coordinator):
    mapped = ExpertFactory(status=Expert.Status.MAPPED)
    contacted = ExpertFactory(status=Expert.Status.CONTACTED)
    already = ExpertFactory(status=Expert.Status.ENGAGED)
    untouched = ExpertFactory(status=Expert.Status.MAPPED)
    client.force_login(coordinator)
    response = _bulk_status(client, [mapped, contacted, already], "engaged")
    assert response.status_code == 302
    assert "2 experts set to “Engaged”." in [str(m) for m in get_messages(response.wsgi_request)]  # not the one already

    for expert in (mapped, contacted, already):
        expert.refresh_from_db()
        assert expert.status == Expert.Status.ENGAGED
    history = ExpertStatusChange.objects.order_by("pk")
    assert [(h.expert, h.from_status, h.to_status, h.changed_by, h.note) for h in history] == [
        (mapped, "mapped", "engaged", coordinator, "bulk change in admin"),
        (contacted, "contacted", "engaged", coordinator, "bulk change in admin"),
    ]  # no row for the expert who was engaged already
    untouched.refresh_from_db()
    assert untouched.status == Expert.Status.MAPPED


def test_a_bulk_change_from_a_list_filtered_by_status_counts_the_experts_it_changed(client, coordinator):
    mapped = [ExpertFactory(status=Expert.Status.MAPPED) for _ in range(2)]
    client.force_login(coordinator)

    response = client.post(
        reverse("admin:experts_expert_changelist") + "?status__exact=mapped",
        {"action": "set_status_engaged", "_selected_action": [e.pk for e in mapped], "index": 0},
    )

    assert "2 experts set to “Engaged”." in [str(m) for m in get_messages(response.wsgi_request)]


def test_a_bulk_change_counts_only_the_experts_it_changed_when_another_click_changed_some_meanwhile(
    client, coordinator, monkeypatch
):
    """A double click: both requests list the same experts; before, the later one reported them all as set too,
    though the first had already done it."""
    mapped, changed_meanwhile = ExpertFactory(status=Expert.Status.MAPPED), ExpertFactory(status=Expert.Status.MAPPED)
    set_status = services.expert_set_status

    def other_click_first(**kwargs):
        # Runs after the action listed its experts: the other request's write lands between listing and writing.
        if not ExpertStatusChange.objects.filter(expert=changed_meanwhile).exists():
            set_status(expert=Expert.objects.get(pk=changed_meanwhile.pk), status=Expert.Status.ENGAGED)
        return set_status(**kwargs)

    monkeypatch.setattr(services, "expert_set_status", other_click_first)
    client.force_login(coordinator)

    response = _bulk_status(client, [mapped, changed_meanwhile], "engaged")

    assert "1 expert set to “Engaged”." in [str(m) for m in get_messages(response.wsgi_request)]
    assert ExpertStatusChange.objects.filter(expert=changed_meanwhile).count() == 1


def test_the_status_actions_are_named_in_the_coordinators_language(client, coordinator):
    """Before, each action's name was written once, in English, when the admin module was loaded."""
    client.force_login(coordinator)

    response = client.get(reverse("admin:experts_expert_changelist"), HTTP_ACCEPT_LANGUAGE="ru")

    actions = dict(response.context["action_form"].fields["action"].choices)
    assert actions["set_status_mapped"] == "Установить статус: Выявлен"
    response = client.get(reverse("admin:experts_expert_changelist"), HTTP_ACCEPT_LANGUAGE="en")
    assert dict(response.context["action_form"].fields["action"].choices)["set_status_mapped"] == "Set status: Mapped"


def _bulk_status_twice_at_once(coordinator, expert, status) -> list:
    browsers = [Client(), Client()]
    for browser in browsers:
        browser.force_login(coordinator)
    return together(*(lambda browser=browser: _bulk_status(browser, [expert], status) for browser in browsers))


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_status_action_clicked_twice_at_once_records_the_change_once():
    coordinator = CoordinatorFactory()
    for _round in range(10):  # the two requests overlap less than in most races: more rounds to show it
        expert = ExpertFactory(status=Expert.Status.MAPPED)

        results = _bulk_status_twice_at_once(coordinator, expert, "engaged")

        assert [response.status_code for response in results] == [302, 302]
        history = ExpertStatusChange.objects.filter(expert=expert, note="bulk change in admin")
        assert list(history.values_list("from_status", "to_status")) == [("mapped", "engaged")]


@pytest.mark.parametrize("user_factory", [MemberFactory, ReportViewerFactory, ExpertMemberFactory])
def test_others_cannot_change_status_in_bulk(client, user_factory):
    expert = ExpertFactory(status=Expert.Status.MAPPED)
    client.force_login(user_factory())
    response = _bulk_status(client, [expert], "active")
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    expert.refresh_from_db()
    assert expert.status == Expert.Status.MAPPED
    assert not ExpertStatusChange.objects.exists()
