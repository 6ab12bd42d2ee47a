"""The directory's member counts (communities.member_counts): active members only, kept in the cache, and
forgotten when a membership changes, at once and again when the change commits."""

import pytest
from django.core.cache import cache

from communities import services
from communities.member_counts import _key, member_counts
from communities.models import Membership
from members import privacy
from tests.factories import MemberFactory

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


def test_a_count_kept_before_the_change_committed_is_forgotten_when_it_commits(
    community, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        MembershipFactory(community=community)
        cache.set(_key(community.pk), 2)  # another request counted before this transaction committed

    assert member_counts([community.pk]) == {community.pk: 3}


def test_a_deleted_account_leaves_the_count_at_once(community, django_capture_on_commit_callbacks):
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
