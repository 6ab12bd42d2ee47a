import pytest
from django.urls import reverse

from communities import services
from communities.models import Community, Membership, ModerationAction, Notification, Post, Thread
from tests.factories import MemberFactory

from .factories import CommunityFactory, MembershipFactory, ThreadFactory, member_of

pytestmark = pytest.mark.django_db

PRIVATE = Community.Visibility.PRIVATE


@pytest.fixture
def cop_a():
    return CommunityFactory(name="Public finance", slug="public-finance")


@pytest.fixture
def cop_b():
    return CommunityFactory(name="Local government", slug="local-government")


@pytest.fixture
def cop_c():
    return CommunityFactory(name="Health services", slug="health-services")


@pytest.fixture
def thread(cop_a):
    return ThreadFactory(community=cop_a, title="Budgeting with municipalities")


@pytest.fixture
def linked(thread, cop_b, coordinator):
    services.thread_link(thread=thread, actor=coordinator, communities=[cop_b])
    return thread


def thread_url(community, thread):
    return reverse("communities:thread", args=[community.slug, thread.pk])


def listed(client, community):
    return list(client.get(community.get_absolute_url()).context["page_obj"].object_list)


def test_it_lets_the_coordinator_link_a_thread_into_another_community(client, coordinator, thread, cop_a, cop_b):
    client.force_login(coordinator)
    url = reverse("communities:moderate", args=[cop_a.slug, thread.pk])
    form = client.get(url).context["link_form"]
    assert cop_b in form.fields["communities"].queryset
    assert cop_a not in form.fields["communities"].queryset

    response = client.post(url, {"action": "link", "communities": [cop_b.pk]})

    assert response.status_code == 302
    assert response.url == thread_url(cop_a, thread)
    assert list(thread.linked_communities.all()) == [cop_b]
    assert thread.is_inter_practice
    logged = ModerationAction.objects.get(action=ModerationAction.Action.LINK)
    assert (logged.community, logged.actor, logged.thread, logged.note) == (cop_a, coordinator, thread, cop_b.name)


def test_it_lists_a_linked_thread_in_both_communities_but_no_other(member_client, linked, cop_a, cop_b, cop_c):
    assert listed(member_client, cop_a) == [linked]
    assert listed(member_client, cop_b) == [linked]
    assert listed(member_client, cop_c) == []
    assert member_client.get(thread_url(cop_b, linked)).status_code == 200
    assert member_client.get(thread_url(cop_c, linked)).status_code == 404


def test_it_keeps_one_set_of_posts_for_a_linked_thread(client, linked, cop_a, cop_b):
    replier = member_of(cop_b)
    client.force_login(replier)

    response = client.post(
        reverse("communities:reply", args=[cop_b.slug, linked.pk]), {"body": "Same in our district."}
    )

    assert response.status_code == 302
    assert response.url.startswith(thread_url(cop_b, linked))
    reply = Post.objects.get(author=replier)
    assert reply.thread == linked
    from_a = client.get(thread_url(cop_a, linked))
    from_b = client.get(thread_url(cop_b, linked))
    assert list(from_a.context["page_obj"].object_list) == list(from_b.context["page_obj"].object_list)
    assert reply in from_a.context["page_obj"].object_list
    assert from_a.context["thread"].reply_count == from_b.context["thread"].reply_count == 1
    assert Thread.objects.get(pk=linked.pk).posts.count() == 2
    assert [t.reply_count for t in listed(client, cop_a)] == [t.reply_count for t in listed(client, cop_b)] == [1]


def test_it_leaves_moderation_of_a_linked_thread_to_its_own_community(client, linked, cop_a, cop_b):
    client.force_login(member_of(cop_b, Membership.Role.LEADER))
    assert client.get(reverse("communities:moderate", args=[cop_b.slug, linked.pk])).status_code == 404
    page = client.get(thread_url(cop_b, linked))
    assert page.context["home"].can_moderate is False

    client.force_login(member_of(cop_a, Membership.Role.MODERATOR))
    assert client.get(reverse("communities:moderate", args=[cop_b.slug, linked.pk])).status_code == 200


def test_it_lets_a_leader_link_only_into_communities_they_moderate(client, thread, cop_a, cop_b, cop_c):
    leader = member_of(cop_a, Membership.Role.LEADER)
    MembershipFactory(member=leader, community=cop_b, role=Membership.Role.MODERATOR)
    MembershipFactory(member=leader, community=cop_c)
    client.force_login(leader)
    url = reverse("communities:moderate", args=[cop_a.slug, thread.pk])

    assert list(client.get(url).context["link_form"].fields["communities"].queryset) == [cop_b]
    refused = client.post(url, {"action": "link", "communities": [cop_c.pk]})

    assert refused.status_code == 200
    assert "communities" in refused.context["link_form"].errors
    assert not thread.linked_communities.exists()
    client.post(url, {"action": "link", "communities": [cop_b.pk]})
    assert list(thread.linked_communities.all()) == [cop_b]


def test_it_unlinks_a_thread_when_no_community_is_chosen(client, coordinator, linked, cop_a, cop_b):
    client.force_login(coordinator)
    client.post(reverse("communities:moderate", args=[cop_a.slug, linked.pk]), {"action": "link"})
    assert not linked.linked_communities.exists()
    assert client.get(thread_url(cop_b, linked)).status_code == 404


def test_it_moves_a_thread_to_another_community(client, coordinator, thread, cop_a, cop_c):
    client.force_login(coordinator)
    response = client.post(
        reverse("communities:moderate", args=[cop_a.slug, thread.pk]), {"action": "move", "to": cop_c.pk}
    )
    assert response.status_code == 302
    assert response.url == thread_url(cop_c, thread)
    assert Thread.objects.get(pk=thread.pk).community == cop_c
    assert client.get(thread_url(cop_a, thread)).status_code == 404
    assert listed(client, cop_c) == [thread]
    assert set(ModerationAction.objects.filter(action="move").values_list("community", flat=True)) == {
        cop_a.pk,
        cop_c.pk,
    }


@pytest.fixture
def private_cop():
    return CommunityFactory(name="Inspectors general", slug="inspectors-general", visibility=PRIVATE)


def test_it_does_not_open_a_private_community_to_non_members_by_linking(client, coordinator, thread, private_cop):
    services.thread_link(thread=thread, actor=coordinator, communities=[private_cop])
    outsider = MemberFactory()
    client.force_login(outsider)

    assert client.get(thread_url(private_cop, thread)).status_code == 404
    assert client.get(private_cop.get_absolute_url()).status_code == 404
    assert private_cop not in client.get(reverse("communities:list")).context["page_obj"].object_list


def test_it_lets_members_of_a_private_community_read_a_thread_linked_into_it(client, coordinator, private_cop):
    other_private = CommunityFactory(visibility=PRIVATE)
    thread = ThreadFactory(community=other_private)
    services.thread_link(thread=thread, actor=coordinator, communities=[private_cop])
    insider = member_of(private_cop)
    client.force_login(insider)

    assert listed(client, private_cop) == [thread]
    assert client.get(thread_url(private_cop, thread)).status_code == 200
    assert client.get(thread_url(other_private, thread)).status_code == 404  # its home stays closed to them
    client.post(reverse("communities:reply", args=[private_cop.slug, thread.pk]), {"body": "We saw this too."})
    assert thread.posts.filter(author=insider).exists()


def test_it_does_not_name_a_private_community_on_a_linked_threads_page(
    client, coordinator, thread, cop_a, cop_b, private_cop
):
    services.thread_link(thread=thread, actor=coordinator, communities=[cop_b, private_cop])
    client.force_login(MemberFactory())
    response = client.get(thread.get_absolute_url())
    assert response.status_code == 200
    assert response.context["homes"][0] == cop_a  # the thread's own community first
    assert set(response.context["homes"]) == {cop_a, cop_b}
    assert private_cop.name not in response.content.decode()

    client.force_login(member_of(private_cop))
    response = client.get(thread.get_absolute_url())
    assert set(response.context["homes"]) == {cop_a, cop_b, private_cop}
    assert private_cop.name in response.content.decode()


def test_it_sends_followers_a_reply_link_they_can_open(client, coordinator, cop_a, private_cop):
    thread = services.thread_create(community=cop_a, author=member_of(cop_a), title="Audits", body="How often?")
    services.thread_link(thread=thread, actor=coordinator, communities=[private_cop])
    insider = member_of(private_cop)
    services.post_reply(thread=thread, author=insider, body="From our side.", shown_in=private_cop)

    notification = Notification.objects.get(recipient=thread.author, kind=Notification.Kind.REPLY)
    client.force_login(thread.author)
    response = client.get(reverse("notification_open", args=[notification.pk]), follow=True)
    assert response.status_code == 200
    assert private_cop.slug not in notification.url


def test_it_does_not_list_a_hidden_linked_thread_to_moderators_who_cannot_open_it(client, linked, cop_a, cop_b):
    services.thread_moderate(thread=linked, actor=member_of(cop_a, Membership.Role.MODERATOR), action="hide")
    client.force_login(member_of(cop_b, Membership.Role.MODERATOR))
    assert client.get(thread_url(cop_b, linked)).status_code == 404
    assert listed(client, cop_b) == []


def test_it_does_not_name_a_private_home_in_the_list_of_a_community_it_is_linked_into(client, coordinator, cop_b):
    private_home = CommunityFactory(name="Inspectors general", visibility=PRIVATE)
    thread = ThreadFactory(community=private_home, title="Audit findings")
    services.thread_link(thread=thread, actor=coordinator, communities=[cop_b])
    client.force_login(MemberFactory())
    response = client.get(cop_b.get_absolute_url())
    assert listed(client, cop_b) == [thread]
    assert "Audit findings" in response.content.decode()
    assert private_home.name not in response.content.decode()
    page = client.get(thread_url(cop_b, thread))
    assert page.status_code == 200
    assert private_home not in page.context["homes"]
    assert private_home.name not in page.content.decode()


def test_the_moderation_log_counts_but_does_not_name_a_private_community_a_thread_went_to(db):
    """A leader of the open community need not be a member of the private one: the log says "1 private
    community", as the thread's page does not name it either. The audit log, the coordinator's, names it."""
    from communities import services
    from communities.models import Community, ModerationAction
    from members.models import AuditEntry
    from tests.factories import CoordinatorFactory

    from .factories import CommunityFactory, ThreadFactory

    coordinator = CoordinatorFactory()
    open_one = CommunityFactory(name="Budget practice")
    closed = CommunityFactory(name="Closed circle", visibility=Community.Visibility.PRIVATE)
    linked, moved = ThreadFactory(community=open_one), ThreadFactory(community=open_one)

    services.thread_link(thread=linked, actor=coordinator, communities=[closed])
    services.thread_move(thread=moved, actor=coordinator, to=closed)

    notes = dict(ModerationAction.objects.filter(community=open_one).values_list("action", "note"))
    assert notes == {"link": "1 private community", "move": "Budget practice → 1 private community"}
    assert ModerationAction.objects.get(community=closed).note == "Budget practice → Closed circle"
    details = set(AuditEntry.objects.values_list("detail", flat=True))
    assert any(d.endswith("— Closed circle") for d in details)
    assert any(d.endswith("— Budget practice → Closed circle") for d in details)
