"""Each indicator against a small hand-built data set with known answers."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command

from communities.models import Community, LocalActionTeam, Membership, Post, Thread
from indicators import compute
from indicators.compute import compute_values, freeze_month, month_bounds
from indicators.models import IndicatorValue, MonthlySnapshot
from indicators.registry import BY_CODE, INDICATORS, NOT_STATED
from members.models import Activity, LocalCommunity
from members.services import activity_record
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

OCT = date(2026, 10, 1)
OCT_START, NOV_START = month_bounds(OCT)


def at(day: int, month: int = 10) -> datetime:
    return datetime(2026, month, day, 12, tzinfo=UTC)


def member_in(community, member, joined, left=None, status="active"):
    return Membership.objects.create(
        member=member, community=community, status=status if left is None else "left",
        requested_at=joined, joined_at=joined, left_at=left,
    )  # fmt: skip


@pytest.fixture
def world():
    """Two communities; members with and without country/gender; a leaver, a rejoiner and a newcomer."""
    a = Community.objects.create(name="A", slug="a")
    b = Community.objects.create(name="B", slug="b")
    stayer = MemberFactory(country="MM", gender="female")
    leaver = MemberFactory(country="KH", gender="male")
    rejoiner = MemberFactory(country="", gender="")
    newcomer = MemberFactory(country="MM", gender="")
    member_in(a, stayer, at(1, 6))
    member_in(b, stayer, at(1, 7))
    member_in(a, leaver, at(1, 5), left=at(15))
    member_in(a, rejoiner, at(1, 4), left=at(5))
    member_in(a, rejoiner, at(20))
    member_in(b, newcomer, at(10))
    return {"a": a, "b": b, "stayer": stayer, "leaver": leaver, "rejoiner": rejoiner, "newcomer": newcomer}


def test_every_registered_indicator_is_computed():
    values = compute_values(OCT)
    assert set(values) == {indicator.code for indicator in INDICATORS}
    for code, dimensions in values.items():
        assert "total" in dimensions, code
        assert set(dimensions) - {"total"} <= set(BY_CODE[code].dimensions), code


def test_members_at_month_end_by_country_gender_and_community(world):
    members = compute_values(OCT)["members"]
    # stayer, rejoiner (back on the 20th), newcomer; the leaver left on the 15th
    assert members["total"]["total"] == 3
    assert members["country"] == {"MM": 2, NOT_STATED: 1}
    assert members["gender"] == {"female": 1, NOT_STATED: 2}
    assert members["community"] == {"a": 2, "b": 2}  # a member in two communities counts in each


def test_new_and_left_members(world):
    values = compute_values(OCT)
    assert values["members_new"]["total"]["total"] == 1  # only the newcomer's first membership began in October
    assert values["members_new"]["country"] == {"MM": 1}
    # The leaver left and is not back; the rejoiner left and came back within the month.
    assert values["members_left"]["total"]["total"] == 1
    assert values["members_left"]["gender"] == {"male": 1}


def test_retention_counts_members_still_in_at_month_end(world):
    # At the start of October: stayer, leaver, rejoiner. At the end: stayer and rejoiner.
    assert compute_values(OCT)["retention_rate"]["total"]["total"] == pytest.approx(66.7)


def test_a_month_with_no_members_has_no_retention_rate():
    assert compute_values(OCT)["retention_rate"]["total"]["total"] is None


def test_active_members_and_a_month_with_no_activity(world):
    activity_record(member=world["stayer"], kind=Activity.Kind.LOGIN, occurred_at=at(3))
    activity_record(member=world["stayer"], kind=Activity.Kind.POST, community=world["a"], occurred_at=at(4))
    activity_record(member=world["rejoiner"], kind=Activity.Kind.LOGIN, occurred_at=at(21))
    activity_record(member=world["leaver"], kind=Activity.Kind.LOGIN, occurred_at=at(2, 11))  # November
    active = compute_values(OCT)["active_members"]
    assert active["total"]["total"] == 2
    assert active["country"] == {"MM": 1, NOT_STATED: 1}
    assert active["community"] == {"a": 1, NOT_STATED: 1}
    assert compute_values(date(2026, 9, 1))["active_members"]["total"]["total"] == 0


@pytest.mark.parametrize("code", ["members", "active_members"])
def test_the_parts_add_up_to_the_total(world, code):
    activity_record(member=world["stayer"], kind=Activity.Kind.LOGIN, occurred_at=at(3))
    activity_record(member=world["rejoiner"], kind=Activity.Kind.LOGIN, occurred_at=at(21))
    values = compute_values(OCT)[code]
    for dimension in ("country", "gender"):
        assert sum(values[dimension].values()) == values["total"]["total"], dimension


def test_discussions_replies_and_local_figures(world):
    thread = Thread.objects.create(community=world["a"], title="T", author=world["stayer"], created_at=at(5))
    Post.objects.create(thread=thread, author=world["stayer"], body="q", body_html="q", is_opening=True,
                        created_at=at(5))  # fmt: skip
    for day in (6, 7):
        Post.objects.create(thread=thread, author=world["rejoiner"], body="r", body_html="r", created_at=at(day))
    township = LocalCommunity.objects.create(name="Township", country="MM", population_covered=1000)
    LocalCommunity.objects.create(name="District", country="KH", population_covered=500)
    team = LocalActionTeam.objects.create(community=world["a"], local_community=township, name="Team")
    team.members.add(world["stayer"], world["newcomer"])
    values = compute_values(OCT)
    assert values["discussions_started"]["total"]["total"] == 1
    assert values["replies"]["total"]["total"] == 2
    assert values["population_covered"] == {"total": {"total": 1500}, "country": {"MM": 1000, "KH": 500}}
    assert values["local_team_members"]["location"] == {"Township": 2}
    assert values["local_team_members"]["gender"] == {"female": 1, NOT_STATED: 1}


def test_a_frozen_month_does_not_change_when_later_data_arrives(world):
    snapshot, computed = freeze_month(OCT)
    assert computed
    frozen = dict(
        IndicatorValue.objects.filter(snapshot=snapshot).values_list("code", "value").filter(dimension="total")
    )
    member_in(world["a"], MemberFactory(), at(25))  # late data about October
    again, computed = freeze_month(OCT)
    assert not computed and again.computed_at == snapshot.computed_at
    assert IndicatorValue.objects.get(snapshot=again, code="members", dimension="total").value == frozen["members"]
    recomputed, computed = freeze_month(OCT, recompute=True)
    assert computed and recomputed.computed_at > snapshot.computed_at
    assert (
        IndicatorValue.objects.get(snapshot=recomputed, code="members", dimension="total").value
        == frozen["members"] + 1
    )


def test_the_command_freezes_a_month_and_refuses_a_bad_month(world, capsys):
    call_command("compute_indicators", month="2026-10")
    assert MonthlySnapshot.objects.filter(month=OCT).exists()
    call_command("compute_indicators", month="2026-10")
    assert "use --recompute" in capsys.readouterr().out
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="2026-10"):
        call_command("compute_indicators", month="October")


def test_month_bounds_cover_the_whole_month():
    start, end = month_bounds(date(2026, 2, 14))
    assert (start, end) == (datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC))
    assert end - start == timedelta(days=28)


def test_slicing_the_members_changes_no_figure(world, monkeypatch):
    """The whole-membership aggregates run one slice of member ids at a time (so that no statement runs long
    at 100k members); thin slices, one member each, give the same month as one slice for everybody."""
    whole = compute_values(OCT)
    monkeypatch.setattr("indicators.compute.MEMBER_SLICE", 1)

    assert len(compute.member_slices()) >= 4
    assert compute_values(OCT) == whole


@pytest.mark.parametrize("members", [2, 25])
def test_a_month_is_computed_with_a_fixed_number_of_queries(django_assert_max_num_queries, members):
    community = Community.objects.create(name="C", slug="c")
    for person in MemberFactory.create_batch(members):
        member_in(community, person, at(3))
        activity_record(member=person, kind=Activity.Kind.LOGIN, occurred_at=at(4))
    # Grouped SQL: about two queries per indicator and dimension, whatever the number of members (up to
    # MEMBER_SLICE members; then a few more per slice of members).
    with django_assert_max_num_queries(60):
        compute_values(OCT)
