"""Two leaders leaving at once: the community keeps one of them. Each used to count the other as staying.

Needs real concurrent transactions (PostgreSQL, row locks)."""

import pytest

from communities import services
from communities.models import Membership
from tests.support.together import postgresql_only, together

from .factories import CommunityFactory, MembershipFactory

pytestmark = [postgresql_only, pytest.mark.django_db(transaction=True)]


def _leave_together(community, memberships) -> list[str]:
    """Each membership's member leaves in its own thread, all released at the same moment."""

    def leave(membership):
        try:
            services.community_leave(member=membership.member, community=community)
            return "left"
        except services.CommunityError:
            return "refused"

    return together(*(lambda membership=membership: leave(membership) for membership in memberships))


def test_two_leaders_leaving_at_once_leave_one_behind():
    for _round in range(3):  # a race that loses only sometimes should still show up
        community = CommunityFactory()
        leaders = [MembershipFactory(community=community, role=Membership.Role.LEADER) for _ in range(2)]

        assert sorted(_leave_together(community, leaders)) == ["left", "refused"]
        assert Membership.objects.active().filter(community=community, role=Membership.Role.LEADER).count() == 1
