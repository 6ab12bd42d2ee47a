import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from members import roles
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
