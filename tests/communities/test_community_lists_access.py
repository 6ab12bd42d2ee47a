"""Which communities a viewer may know of and read (communities.access.communities_visible_to and
communities_readable_by): their "active member of" part is SQL written once per process, with the viewer
as its one varying parameter, so each viewer must still get their own."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from communities import access
from communities.models import Community, Membership
from cop_platform.compiled import VIEWER
from tests.factories import CoordinatorFactory, MemberFactory

from .factories import CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db

OPEN, REQUEST, PRIVATE = Community.Visibility.OPEN, Community.Visibility.REQUEST, Community.Visibility.PRIVATE


def names(communities) -> set[str]:
    return set(communities.values_list("name", flat=True))


def test_each_viewer_sees_their_own_private_communities_and_reads_their_own_gated_ones():
    CommunityFactory(name="Open", visibility=OPEN)
    CommunityFactory(name="Gated", visibility=REQUEST)
    ann, bo, cy, dee = (MemberFactory() for _ in range(4))
    MembershipFactory(member=ann, community=CommunityFactory(name="Ann's", visibility=PRIVATE))
    MembershipFactory(member=bo, community=CommunityFactory(name="Bo's", visibility=PRIVATE))
    MembershipFactory(member=bo, community=Community.objects.get(name="Gated"))
    left = CommunityFactory(name="Left", visibility=PRIVATE)
    MembershipFactory(member=cy, community=left, status=Membership.Status.LEFT)
    MembershipFactory(member=dee, community=left, status=Membership.Status.PENDING)

    assert names(access.communities_visible_to(ann)) == {"Open", "Gated", "Ann's"}
    assert names(access.communities_visible_to(bo)) == {"Open", "Gated", "Bo's"}
    assert names(access.communities_visible_to(cy)) == names(access.communities_visible_to(dee)) == {"Open", "Gated"}
    assert names(access.communities_visible_to(AnonymousUser())) == {"Open", "Gated"}
    assert names(access.communities_visible_to(CoordinatorFactory())) == {"Open", "Gated", "Ann's", "Bo's", "Left"}

    assert names(access.communities_readable_by(ann)) == {"Open", "Ann's"}
    assert names(access.communities_readable_by(bo)) == {"Open", "Gated", "Bo's"}
    assert names(access.communities_readable_by(dee)) == {"Open"}
    assert names(access.communities_readable_by(AnonymousUser())) == set()


def test_the_members_part_is_written_once_per_process(monkeypatch):
    access.communities_visible_to(MemberFactory())  # written here, if no earlier test did
    written = []
    monkeypatch.setattr(access, "compiled_for_viewer", lambda *args, **kwargs: written.append(args))

    for viewer in (MemberFactory(), MemberFactory()):
        list(access.communities_visible_to(viewer))
        list(access.communities_readable_by(viewer))

    assert written == []
    assert list(access._members_communities(connection.vendor).params).count(VIEWER) == 1
