"""The directory's member counts (communities.member_counts): active members only, kept in the cache under
their community's generation, which a membership's change moves on at once and again when it commits."""

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.db.models.deletion import Collector

from communities import services
from communities.member_counts import _generation_key, member_counts
from communities.models import Membership
from members import privacy
from tests.factories import CoordinatorFactory, MemberFactory

from .factories import CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    community = CommunityFactory()
    MembershipFactory.create_batch(2, community=community)
    MembershipFactory(community=community, status=Membership.Status.PENDING)
    MembershipFactory(community=community, status=Membership.Status.LEFT)
    return community


def test_active_members_are_counted_once_then_read_from_the_cache(community, django_assert_num_queries):
    empty = CommunityFactory()

    with django_assert_num_queries(1):
        assert member_counts([community.pk, empty.pk]) == {community.pk: 2, empty.pk: 0}
    with django_assert_num_queries(0):
        assert member_counts([community.pk, empty.pk]) == {community.pk: 2, empty.pk: 0}


def test_joining_leaving_and_deciding_change_the_count_at_once(community):
    member_counts([community.pk])
    newcomer = MemberFactory()

    services.community_join(member=newcomer, community=community)
    assert member_counts([community.pk]) == {community.pk: 3}

    services.community_leave(member=newcomer, community=community)
    assert member_counts([community.pk]) == {community.pk: 2}

    pending = Membership.objects.get(community=community, status=Membership.Status.PENDING)
    leader = MembershipFactory(community=community, role=Membership.Role.LEADER).member
    assert member_counts([community.pk]) == {community.pk: 3}
    services.membership_decide(membership=pending, actor=leader, approve=True)
    assert member_counts([community.pk]) == {community.pk: 4}


def test_a_count_kept_before_the_change_committed_is_not_read_after_it(community, django_capture_on_commit_callbacks):
    """Another request reads the generation, counts without the change (not committed yet), and keeps its
    count, even after the commit: the commit moved the community to a generation that count is not under."""
    with django_capture_on_commit_callbacks(execute=True):
        MembershipFactory(community=community)
        generation = cache.get(_generation_key(community.pk))
        cache.set(f"community-members:{community.pk}:{generation}", 2)
    assert member_counts([community.pk]) == {community.pk: 3}

    before = cache.get(_generation_key(community.pk))
    with django_capture_on_commit_callbacks(execute=True):
        MembershipFactory(community=community)
    cache.set(f"community-members:{community.pk}:{before}", 3)  # kept late, by a request that counted before
    assert member_counts([community.pk]) == {community.pk: 4}


def test_the_admin_deletes_and_moves_no_membership(community, rf):
    """Memberships end through the list's actions (test_kept_not_deleted.py): the counts follow those."""
    model_admin = admin.site._registry[Membership]
    request = rf.post("/")
    request.user = CoordinatorFactory()
    membership = Membership.objects.filter(community=community, status=Membership.Status.ACTIVE).first()

    assert not model_admin.has_delete_permission(request, membership)
    assert {"member", "community"} <= set(model_admin.get_readonly_fields(request, membership))
    assert "community" not in model_admin.get_readonly_fields(request, None)  # adding one still names them


def test_deleting_a_community_deletes_its_memberships_in_one_statement(community):
    """No receiver of a membership's deletion: Django would load and signal each one of a large community."""
    assert Collector(using="default").can_fast_delete(Membership.objects.filter(community=community))


def test_a_deleted_account_leaves_the_count_at_once(community):
    member = Membership.objects.filter(community=community, status=Membership.Status.ACTIVE).first().member
    assert member_counts([community.pk]) == {community.pk: 2}

    privacy.account_delete(member=member)  # ends the memberships with an update, which sends no signal

    assert member_counts([community.pk]) == {community.pk: 1}


def test_without_the_cache_every_read_counts(community, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr("communities.member_counts.cache.get_many", lambda keys: {})
    monkeypatch.setattr("communities.member_counts.cache.set_many", lambda data, timeout: [])
    for _ in range(2):
        with django_assert_num_queries(1):
            assert member_counts([community.pk]) == {community.pk: 2}


def test_a_deleted_user_leaves_the_count_at_once(community):
    member = Membership.objects.filter(community=community, status=Membership.Status.ACTIVE).first().member
    assert member_counts([community.pk]) == {community.pk: 2}

    member.delete()  # the admin's or the shell's: their memberships go in one statement, without a signal

    assert member_counts([community.pk]) == {community.pk: 1}
