import pytest

from tests.communities.factories import CommunityFactory, member_of


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files go to a fresh folder per test; tests look there to prove nothing was written."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def open_community(db):
    return CommunityFactory(name="Service delivery", slug="service-delivery")


@pytest.fixture
def private_community(db):
    from communities.models import Community

    return CommunityFactory(name="Leaders circle", slug="leaders-circle", visibility=Community.Visibility.PRIVATE)


@pytest.fixture
def author(open_community):
    """An active member of an open community: may draft knowledge products."""
    return member_of(open_community)
