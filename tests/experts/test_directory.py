"""The expert directory, its filters, expert profiles, and constant query counts for the directory and coverage."""

from datetime import timedelta

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from experts import selectors, services
from experts.models import Expert
from members.models import Language
from tests.factories import MemberFactory

from .factories import ExpertClusterFactory, ExpertFactory, MemberExpertFactory, ReferralFactory

pytestmark = pytest.mark.django_db

DIRECTORY = "experts:directory"


def _names(client, **params) -> list[str]:
    response = client.get(reverse(DIRECTORY), params)
    assert response.status_code == 200
    return [expert.name for expert in response.context["page_obj"].object_list]


@pytest.fixture
def experts():
    digital = ExpertClusterFactory(theme="Digital government", slug="digital-government")
    crisis = ExpertClusterFactory(theme="Crisis and continuity", slug="crisis-and-continuity")
    english, thai = Language.objects.get(code="en"), Language.objects.get(code="th")
    return {
        "aung": ExpertFactory(
            name="Aung Kyaw", countries=["MM"], category=Expert.Category.ACADEMIC, organization="Yangon University",
            clusters=[digital], expertise=["e-services", "data literacy"], languages=[english],
        ),
        "kanya": ExpertFactory(
            name="Kanya Suksawat", countries=["KH", "MM", "TH"], category=Expert.Category.CIVIL_SERVANT,
            organization="Ministry of Interior", clusters=[digital, crisis], expertise=["crisis response"],
            languages=[english, thai], status=Expert.Status.ENGAGED,
        ),
        "marat": ExpertFactory(
            name="Marat Iskakov", countries=["KZ", "MM"], category=Expert.Category.PRACTITIONER,
            organization="Independent consultant", clusters=[crisis], expertise=["procurement"], languages=[],
        ),
        "dewi": ExpertFactory(
            name="Dewi Lestari", countries=["ID"], category=Expert.Category.ACADEMIC, organization="UNDP",
            expertise=["gender equality"], languages=[thai],
        ),
    }  # fmt: skip


@pytest.fixture
def unlisted():
    return {
        status: ExpertFactory(name=f"Unlisted {status}", status=status)
        for status in (Expert.Status.MAPPED, Expert.Status.CONTACTED, Expert.Status.INACTIVE)
    }


# --- Filters -----------------------------------------------------------------------------------------------------


def test_it_lists_every_listed_expert_by_name(member_client, experts):
    assert _names(member_client) == ["Aung Kyaw", "Dewi Lestari", "Kanya Suksawat", "Marat Iskakov"]


def test_it_filters_by_cluster(member_client, experts):
    assert _names(member_client, cluster="digital-government") == ["Aung Kyaw", "Kanya Suksawat"]
    assert _names(member_client, cluster="crisis-and-continuity") == ["Kanya Suksawat", "Marat Iskakov"]


@pytest.mark.parametrize(
    ("code", "names"),
    [
        ("MM", ["Aung Kyaw", "Kanya Suksawat", "Marat Iskakov"]),  # alone, in the middle, at the end of the list
        ("KH", ["Kanya Suksawat"]),  # at the start of the list
        ("TH", ["Kanya Suksawat"]),
        ("KZ", ["Marat Iskakov"]),
        ("ID", ["Dewi Lestari"]),
        ("VN", []),
    ],
)
def test_it_filters_by_country(member_client, experts, code, names):
    assert _names(member_client, country=code) == names


def test_it_does_not_match_one_country_code_inside_another(member_client):
    # Stored as "ML,TH": a search for "L" or "LT" must not find the expert.
    ExpertFactory(name="Only Mali and Thailand", countries=["ML", "TH"])
    assert _names(member_client, country="LT") == []
    assert _names(member_client, country="ML") == ["Only Mali and Thailand"]


def test_it_filters_by_category(member_client, experts):
    assert _names(member_client, category="academic") == ["Aung Kyaw", "Dewi Lestari"]
    assert _names(member_client, category="civil_servant") == ["Kanya Suksawat"]
    assert _names(member_client, category="student") == []


def test_it_filters_by_language(member_client, experts):
    assert _names(member_client, language="th") == ["Dewi Lestari", "Kanya Suksawat"]
    assert _names(member_client, language="en") == ["Aung Kyaw", "Kanya Suksawat"]


def test_it_filters_by_expertise_tag(member_client, experts):
    assert _names(member_client, tag="crisis-response") == ["Kanya Suksawat"]
    assert _names(member_client, tag="data-literacy") == ["Aung Kyaw"]
    # The directory links each tag to its filter.
    assert 'href="?tag=data-literacy"' in member_client.get(reverse(DIRECTORY)).content.decode()


def test_it_searches_names_organizations_and_topics(member_client, experts):
    assert _names(member_client, q="kyaw") == ["Aung Kyaw"]
    assert _names(member_client, q="ministry") == ["Kanya Suksawat"]
    assert _names(member_client, q="procure") == ["Marat Iskakov"]
    assert _names(member_client, q="e") == ["Aung Kyaw", "Dewi Lestari", "Kanya Suksawat", "Marat Iskakov"]
    assert _names(member_client, q="   ") == ["Aung Kyaw", "Dewi Lestari", "Kanya Suksawat", "Marat Iskakov"]


def test_it_combines_filters_and_lists_each_expert_once(member_client, experts):
    assert _names(member_client, country="MM", cluster="digital-government", language="en") == [
        "Aung Kyaw",
        "Kanya Suksawat",
    ]
    response = member_client.get(reverse(DIRECTORY), {"cluster": "crisis-and-continuity", "q": "s"})
    assert [e.name for e in response.context["page_obj"].object_list] == ["Kanya Suksawat", "Marat Iskakov"]
    assert response.context["page_obj"].paginator.count == 2


def test_only_filters_across_relations_make_the_directory_distinct(experts):
    # DISTINCT over every column sorted the whole directory twice (count and page) when nothing needed it.
    def sql(params: str) -> str:
        return str(selectors.expert_directory(params=QueryDict(params)).qs.query)

    assert "DISTINCT" not in sql("")
    assert "DISTINCT" not in sql("category=academic&country=MM")
    assert "DISTINCT" in sql("q=e")
    assert "DISTINCT" in sql("language=en")


def test_it_says_so_when_nothing_matches(member_client, experts):
    response = member_client.get(reverse(DIRECTORY), {"q": "astrophysics"})
    assert "No expert matches this search." in response.content.decode()


# --- Who sees whom ---------------------------------------------------------------------------------------------


def test_it_shows_members_only_engaged_and_active_experts(member_client, experts, unlisted):
    names = _names(member_client)
    assert names == ["Aung Kyaw", "Dewi Lestari", "Kanya Suksawat", "Marat Iskakov"]
    assert "Unlisted" not in member_client.get(reverse(DIRECTORY)).content.decode()


def test_it_shows_the_coordinator_the_whole_pipeline(client, coordinator, experts, unlisted):
    client.force_login(coordinator)
    names = _names(client)
    assert len(names) == 7
    assert {"Unlisted mapped", "Unlisted contacted", "Unlisted inactive"} <= set(names)
    html = client.get(reverse(DIRECTORY)).content.decode()
    assert "Coverage and overdue questions" in html
    assert "Inactive" in html  # the status badge


def test_it_sends_anonymous_visitors_to_sign_in(client, experts):
    for url in (reverse(DIRECTORY), experts["aung"].get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


# --- Profiles -------------------------------------------------------------------------------------------------


def test_it_shows_members_the_public_profile_only(member_client):
    expert = MemberExpertFactory(
        name="Nilar Aung", email="nilar.private@university.example.org", phone="+95 9 555 0101",
        countries=["MM", "TH"], bio="Twenty years of reform.", expertise=["e-services"],
        clusters=[ExpertClusterFactory(theme="Digital government")], languages=[Language.objects.get(code="my")],
    )  # fmt: skip
    response = member_client.get(expert.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    for public in ("Nilar Aung", "Myanmar", "Thailand", "Digital government", "e-services", "Burmese",
                   "Twenty years of reform.", expert.member.display_name):  # fmt: skip
        assert public in html
    assert "nilar.private@university.example.org" not in html
    assert expert.member.email not in html
    assert "+95 9 555 0101" not in html
    assert "Pipeline history" not in html
    assert response.context["history"] == []


def test_it_shows_the_coordinator_contact_details_and_status_history(client, coordinator):
    expert = ExpertFactory(
        name="Nilar Aung", email="nilar.private@university.example.org", phone="+95 9 555 0101",
        status=Expert.Status.MAPPED,
    )  # fmt: skip
    services.expert_set_status(expert=expert, status=Expert.Status.CONTACTED, actor=coordinator)
    client.force_login(coordinator)
    html = client.get(expert.get_absolute_url()).content.decode()
    assert "nilar.private@university.example.org" in html
    assert "+95 9 555 0101" in html
    assert "Pipeline history" in html
    assert f"Mapped → Contacted ({coordinator.display_name})" in html


@pytest.mark.parametrize("status", [Expert.Status.MAPPED, Expert.Status.CONTACTED, Expert.Status.INACTIVE])
def test_it_hides_unlisted_experts_from_members(client, member_client, coordinator, status):
    expert = ExpertFactory(status=status)
    assert member_client.get(expert.get_absolute_url()).status_code == 404
    client.force_login(coordinator)
    assert client.get(expert.get_absolute_url()).status_code == 200


def test_it_gives_404_for_an_unknown_expert(member_client):
    assert member_client.get(reverse("experts:detail", args=[999999])).status_code == 404


# --- Query counts -----------------------------------------------------------------------------------------------


def _many_experts(rows: int) -> None:
    clusters = [ExpertClusterFactory() for _ in range(3)]
    languages = list(Language.objects.order_by("code")[:2])
    for number in range(rows):
        ExpertFactory(
            clusters=clusters[: 1 + number % 3], expertise=[f"topic {number}", "public finance"],
            languages=languages, countries=["MM", "KH"] if number % 2 else ["TH"],
            status=Expert.Status.ACTIVE if number % 4 else Expert.Status.ENGAGED,
        )  # fmt: skip


@pytest.mark.parametrize("rows", [1, 30])
def test_it_lists_experts_in_a_constant_number_of_queries(client, django_assert_num_queries, rows):
    _many_experts(rows)
    client.force_login(MemberFactory())
    # Measured with CaptureQueriesContext; the same on SQLite and PostgreSQL.
    # 1 session, 2 user, 3 clusters (filter choices), 4 languages (filter choices), 5 COUNT of matching experts
    # for the paginator, 6 unread notifications (header), 7 the page of experts, 8 their clusters (prefetch),
    # 9 their expertise tags (prefetch)
    with django_assert_num_queries(9):
        response = client.get(reverse(DIRECTORY))
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == min(rows, 24)


@pytest.mark.parametrize("rows", [1, 30])
def test_it_lists_experts_to_the_coordinator_in_a_constant_number_of_queries(
    client, coordinator, django_assert_num_queries, rows
):
    _many_experts(rows)
    client.force_login(coordinator)
    # 1 session, 2 user, 3 the user's groups (role check), 4 clusters (filter choices), 5 languages (filter
    # choices), 6 COUNT of experts for the paginator, 7 unread notifications (header), 8 the page of experts,
    # 9 their clusters (prefetch), 10 their expertise tags (prefetch)
    with django_assert_num_queries(10):
        response = client.get(reverse(DIRECTORY))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [1, 30])
def test_it_shows_coverage_in_a_constant_number_of_queries(client, coordinator, django_assert_num_queries, rows):
    _many_experts(rows)
    for _ in range(rows):
        ReferralFactory(due_at=timezone.now() - timedelta(days=1))
    client.force_login(coordinator)
    # 1 session, 2 user, 3 the user's groups (role check), 4 clusters (rows), 5 active experts, 6 their clusters
    # (prefetch), 7 unread notifications (header), 8 overdue referrals with their experts, threads and communities
    with django_assert_num_queries(8):
        response = client.get(reverse("experts:coverage"))
    assert response.status_code == 200
    assert len(response.context["overdue"]) == rows
