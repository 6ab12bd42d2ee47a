"""A deactivated account (one being deleted, say) is named nowhere and its profile is not found (User.public_name):
not on a discussion summary, an expert's page, a product's authors, an event's speakers or a team's leader."""

import pytest
from django.urls import reverse

from communities.models import LocalActionTeam, Membership
from experts.models import Expert
from knowledge.models import KnowledgeProduct
from tests.communities.factories import CommunityFactory, PostFactory, ThreadFactory, member_of
from tests.events.factories import EventFactory
from tests.experts.factories import ExpertFactory
from tests.factories import LocalCommunityFactory, MemberFactory
from tests.knowledge.factories import KnowledgeProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed():
    return MemberFactory(full_name="Zarni Closed", is_active=False)


def test_a_discussion_summary_counts_a_deactivated_participant_without_naming_them(client, closed):
    community = CommunityFactory()
    leader = member_of(community, role=Membership.Role.LEADER, member=MemberFactory(full_name="Aye Leader"))
    thread = ThreadFactory(community=community, title="Floods", author=leader)
    PostFactory(thread=thread, author=closed, body="My advice.")
    PostFactory(thread=thread, author=leader, body="Thanks.")
    client.force_login(leader)

    client.post(reverse("knowledge:summarize", args=[community.slug, thread.pk]))

    product = KnowledgeProduct.objects.get()
    assert "Zarni" not in product.body and "Zarni" not in product.summary
    assert "Aye Leader, 1 former member\n" in product.body
    assert "> My advice.\n> — former member" in product.body
    assert "with 2 participants" in product.summary


def test_an_experts_page_does_not_name_or_link_a_deactivated_account(client, member, closed):
    expert = ExpertFactory(name="Dr Zarni", status=Expert.Status.ACTIVE, member=closed)
    client.force_login(member)

    page = client.get(reverse("experts:detail", args=[expert.pk])).content.decode()

    assert "Dr Zarni" in page
    assert "Zarni Closed" not in page and reverse("members:detail", args=[closed.pk]) not in page


def test_a_products_authors_and_an_events_speakers_leave_a_deactivated_account_out(client, member, closed):
    author = MemberFactory(full_name="Thida Author")
    product = KnowledgeProductFactory(authors=[author, closed])
    alone = KnowledgeProductFactory(authors=[closed])
    speaker = MemberFactory(full_name="Min Speaker")
    event = EventFactory(speaker_members=[speaker, closed], speaker_experts=[ExpertFactory(name="Dr Hla")])
    client.force_login(member)

    product_page = client.get(product.get_absolute_url()).content.decode()
    alone_page = client.get(alone.get_absolute_url()).content.decode()
    event_page = client.get(event.get_absolute_url()).content.decode()

    assert "Thida Author" in product_page and "Zarni" not in product_page
    assert "Zarni" not in alone_page and "Authors" not in alone_page
    speaker_url = reverse("members:detail", args=[speaker.pk])
    assert f'<a href="{speaker_url}">Min Speaker</a>, <a href="' in event_page and ">Dr Hla</a>" in event_page
    assert "Zarni" not in event_page and reverse("members:detail", args=[closed.pk]) not in event_page


def test_a_teams_deactivated_leader_is_not_named(client, closed):
    community = CommunityFactory()
    viewer = member_of(community)
    LocalActionTeam.objects.create(
        community=community, local_community=LocalCommunityFactory(), name="Delta team", leader=closed
    )
    client.force_login(viewer)

    page = client.get(reverse("communities:members", args=[community.slug])).content.decode()

    assert "Delta team" in page and "Zarni" not in page


def test_a_communitys_members_and_moderation_pages_say_former_member(client, closed):
    from communities import services

    community = CommunityFactory()
    leader = member_of(community, role=Membership.Role.LEADER)
    colleague = member_of(community, member=MemberFactory(full_name="Thida Colleague"))
    gone_member = member_of(community, member=MemberFactory(full_name="Zarni Gone"))
    member_of(community, member=closed)  # deactivated, and still counted as a member
    post = PostFactory(thread=ThreadFactory(community=community), author=colleague)
    services.post_report(post=post, reporter=gone_member, reason="spam")
    services.membership_set_role(
        membership=Membership.objects.get(member=colleague), role=Membership.Role.MODERATOR, actor=gone_member
    )
    services.membership_remove(membership=Membership.objects.get(member=gone_member), actor=leader)
    gone_member.is_active = False
    gone_member.save()
    client.force_login(leader)

    members_page = client.get(reverse("communities:members", args=[community.slug])).content.decode()
    moderation_page = client.get(reverse("communities:moderation", args=[community.slug])).content.decode()

    assert "Thida Colleague" in members_page and "Zarni" not in members_page
    assert "Thida Colleague" in moderation_page and "Zarni" not in moderation_page
    assert moderation_page.count("Former member") >= 3  # the reporter, the log's actor and its subject
