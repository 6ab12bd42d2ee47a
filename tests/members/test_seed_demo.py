import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from members import roles
from members.demo import COUNTRY_LANGUAGES
from members.models import LocalCommunity, User

pytestmark = pytest.mark.django_db


def _counts():
    from communities.models import Community, Membership, Post, Report

    return tuple(
        model.objects.count() for model in (User, LocalCommunity, EmailAddress, Community, Membership, Post, Report)
    )


def test_it_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo", members=25, verbosity=0)
    first = _counts()
    call_command("seed_demo", members=25, verbosity=0)
    assert _counts() == first
    assert first[0] == 25 + 5
    assert first[3] >= 5  # communities, with discussions and a report waiting for a moderator
    assert first[5] > 0 and first[6] > 0


def test_it_creates_the_communities_each_demo_role_needs(settings):
    from communities.models import Community, Membership, Report, Thread

    settings.DEBUG = True
    call_command("seed_demo", members=30, verbosity=0)
    member = User.objects.get(email="member@example.org")
    private = Community.objects.get(visibility="private")
    assert not Membership.objects.filter(community=private, member=member).exists()
    assert Community.objects.filter(visibility="request").exists()
    assert Membership.objects.filter(member__email="leader@example.org", role="leader", status="active").exists()
    assert Report.objects.filter(status="open").exists()
    assert Thread.objects.filter(linked_communities__isnull=False).exists()


def test_it_creates_one_verified_demo_account_per_role(settings, client):
    settings.DEBUG = True
    call_command("seed_demo", members=3, verbosity=0)
    for email in [
        "coordinator@example.org",
        "viewer@example.org",
        "leader@example.org",
        "expert@example.org",
        "member@example.org",
    ]:
        assert EmailAddress.objects.get(email=email).verified
        assert client.login(email=email, password="cop-demo-2026")
    assert roles.is_coordinator(User.objects.get(email="coordinator@example.org"))
    assert roles.can_view_indicators(User.objects.get(email="viewer@example.org"))
    assert roles.is_expert(User.objects.get(email="expert@example.org"))


def test_it_scales_up_and_keeps_earlier_members(settings):
    settings.DEBUG = True
    call_command("seed_demo", members=5, verbosity=0)
    before = set(User.objects.values_list("email", "full_name", "country"))
    call_command("seed_demo", members=12, verbosity=0)
    after = set(User.objects.values_list("email", "full_name", "country"))
    assert before < after
    assert len(after) == 12 + 5


def test_demo_members_fill_every_profile_field_the_indicators_use(settings):
    settings.DEBUG = True
    call_command("seed_demo", members=40, verbosity=0)
    demo = User.objects.filter(email__endswith="@demo.example.org")
    assert not demo.filter(country="").exists()
    assert not demo.filter(gender="").exists()
    assert demo.values("country").distinct().count() >= 8
    assert demo.filter(local_community__isnull=False).exists()
    # Some read the site (and get their emails) in Burmese or Russian.
    assert demo.filter(country="MM", language="my").exists() and demo.filter(language="ru").exists()


def test_it_refuses_under_production_settings_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is false"):
        call_command("seed_demo", members=1, verbosity=0)
    assert not User.objects.exists()
    call_command("seed_demo", members=1, force=True, verbosity=0)
    assert User.objects.count() == 6


def test_if_empty_skips_an_already_seeded_database(settings):
    settings.DEBUG = True
    call_command("seed_demo", members=2, verbosity=0)
    call_command("seed_demo", members=10, if_empty=True, verbosity=0)
    assert User.objects.count() == 7


def _demo_members() -> list[tuple]:
    """Every attribute a demo member is made with (but the join date, which is relative to today)."""
    from taggit.models import TaggedItem

    members = User.objects.filter(email__endswith="@demo.example.org").order_by("email")
    interests = {}
    tagged = TaggedItem.objects.filter(content_type__model="user", content_type__app_label="members")
    for member_id, name in tagged.filter(object_id__in=members.values("pk")).values_list("object_id", "tag__name"):
        interests.setdefault(member_id, set()).add(name)
    return [
        (
            member.email,
            member.full_name,
            member.handle,
            member.country.code,
            member.organization,
            member.position_level,
            member.gender,
            member.city_region,
            str(member.local_community),
            member.hide_email,
            member.time_zone,
            sorted(member.languages.values_list("code", flat=True)),
            sorted(interests.get(member.pk, ())),
        )
        for member in members.select_related("local_community")
    ]


def test_demo_members_are_verified_and_complete(settings, client):
    settings.DEBUG = True
    call_command("seed_demo", members=60, verbosity=0)

    members = User.objects.filter(email__endswith="@demo.example.org")
    assert members.count() == 60
    addresses = EmailAddress.objects.filter(user__in=members)
    assert addresses.count() == 60
    assert not addresses.filter(verified=False).exists() and not addresses.filter(primary=False).exists()
    assert all(address.email == address.user.email for address in addresses.select_related("user"))
    handles = list(members.values_list("handle", flat=True))
    assert None not in handles and len(set(handles)) == 60
    for name, country, handle, languages, interests, completed in _profiles(members):
        assert handle.startswith(name.lower().split()[0])
        assert sorted(languages) == sorted({"en", COUNTRY_LANGUAGES[country]})
        assert 1 <= interests <= 3
        assert completed
    assert members.exclude(time_zone="").exists() and members.filter(time_zone="").exists()
    assert client.login(email="member0042@demo.example.org", password="cop-demo-2026")


def _profiles(members):
    for member in members.prefetch_related("languages"):
        yield (
            member.full_name, member.country.code, member.handle, [lang.code for lang in member.languages.all()],
            member.interests.count(), member.profile_completed_at is not None,
        )  # fmt: skip


def test_the_same_number_makes_the_same_members(settings):
    settings.DEBUG = True
    call_command("seed_demo", members=40, verbosity=0)
    first = _demo_members()

    User.objects.filter(email__endswith="@demo.example.org").delete()
    call_command("seed_demo", members=40, verbosity=0)

    assert _demo_members() == first


def test_a_taken_handle_gets_the_next_number(settings):
    from tests.factories import MemberFactory

    settings.DEBUG = True
    call_command("seed_demo", members=1, verbosity=0)
    first = User.objects.get(email="member0001@demo.example.org")
    handle = first.handle
    first.delete()
    MemberFactory(handle=handle)  # someone else took it meanwhile

    call_command("seed_demo", members=1, verbosity=0)

    assert User.objects.get(email="member0001@demo.example.org").handle == f"{handle}-2"


def test_it_creates_members_in_bulk(settings, django_assert_max_num_queries):
    from members import demo

    settings.DEBUG = True
    demo.seed_members(10, demo.default_password())  # local communities and interest tags made once
    # One member at a time took about ten queries each; in bulk, a few per chunk of hundreds (more on SQLite,
    # whose statements hold fewer parameters).
    with django_assert_max_num_queries(60):
        assert demo.seed_members(610, demo.default_password()) == 600
    assert demo.seed_members(610, demo.default_password()) == 0
