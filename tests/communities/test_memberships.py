import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from communities import services
from communities.models import Community, Membership, ModerationAction, Notification, Post
from members.models import Activity
from tests.factories import MemberFactory
from tests.support.together import postgresql_only, together

from .factories import CommunityFactory, MembershipFactory, ThreadFactory, member_of

pytestmark = pytest.mark.django_db

OPEN, REQUEST, PRIVATE = Community.Visibility.OPEN, Community.Visibility.REQUEST, Community.Visibility.PRIVATE


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def last_message(response):
    """The message this response added (earlier unread ones are still queued before it)."""
    return messages_of(response)[-1]


def join(client, community):
    return client.post(reverse("communities:join", args=[community.slug]))


def leave(client, community):
    return client.post(reverse("communities:leave", args=[community.slug]))


def act_on(client, membership, action, **data):
    return client.post(
        reverse("communities:membership_action", args=[membership.community.slug, membership.pk]),
        {"action": action, **data},
    )


def test_it_makes_a_member_of_an_open_community_at_once(member_client, member):
    community = CommunityFactory(visibility=OPEN)

    response = join(member_client, community)

    assert response.status_code == 302
    assert response.url == community.get_absolute_url()
    membership = Membership.objects.get(member=member, community=community)
    assert membership.status == Membership.Status.ACTIVE
    assert membership.role == Membership.Role.MEMBER
    assert membership.joined_at is not None
    assert Activity.objects.filter(member=member, kind=Activity.Kind.JOINED_COMMUNITY, community=community).count() == 1
    assert messages_of(response) == [f"Welcome to {community.name}!"]
    assert "page_obj" in member_client.get(community.get_absolute_url()).context


def test_it_sends_a_request_to_join_to_the_leaders(member_client, member):
    community = CommunityFactory(visibility=REQUEST)
    leaders = [member_of(community, Membership.Role.LEADER) for _ in range(2)]
    moderator = member_of(community, Membership.Role.MODERATOR)

    response = join(member_client, community)

    membership = Membership.objects.get(member=member, community=community)
    assert membership.status == Membership.Status.PENDING
    assert membership.joined_at is None
    assert not Activity.objects.filter(member=member, kind=Activity.Kind.JOINED_COMMUNITY).exists()
    requests = Notification.objects.filter(kind=Notification.Kind.JOIN_REQUEST, community=community)
    assert {n.recipient for n in requests} == set(leaders)
    assert not Notification.objects.filter(recipient=moderator).exists()
    assert requests[0].actor == member
    assert requests[0].url == reverse("communities:members", args=[community.slug])
    assert messages_of(response) == ["Your request was sent. A leader of the community will decide on it."]
    assert "page_obj" not in member_client.get(community.get_absolute_url()).context


def test_it_refuses_a_second_request_while_one_waits(member_client, member):
    community = CommunityFactory(visibility=REQUEST)
    join(member_client, community)
    response = join(member_client, community)
    assert Membership.objects.filter(member=member, community=community).count() == 1
    assert last_message(response) == "You are already a member of this community, or your request is waiting."


@pytest.fixture
def request_cop():
    return CommunityFactory(visibility=REQUEST)


@pytest.fixture
def leader(request_cop):
    return member_of(request_cop, Membership.Role.LEADER)


@pytest.fixture
def pending(request_cop, member):
    return services.community_join(member=member, community=request_cop)


def test_it_lets_a_leader_approve_a_request(client, leader, pending, member, request_cop):
    client.force_login(leader)

    response = act_on(client, pending, "approve")

    assert response.status_code == 302
    assert response.url == reverse("communities:members", args=[request_cop.slug])
    pending.refresh_from_db()
    assert pending.status == Membership.Status.ACTIVE
    assert pending.joined_at is not None
    assert pending.decided_by == leader
    decision = Notification.objects.get(recipient=member)
    assert decision.kind == Notification.Kind.JOIN_DECISION
    assert "approved" in decision.text
    assert decision.url == request_cop.get_absolute_url()
    logged = ModerationAction.objects.get(community=request_cop)
    assert (logged.action, logged.actor, logged.subject) == (ModerationAction.Action.APPROVE, leader, member)
    assert Activity.objects.filter(member=member, kind=Activity.Kind.JOINED_COMMUNITY, community=request_cop).exists()


def test_it_lets_a_leader_decline_a_request(client, leader, pending, member, request_cop):
    client.force_login(leader)

    act_on(client, pending, "decline")

    pending.refresh_from_db()
    assert pending.status == Membership.Status.DECLINED
    assert pending.left_at is not None
    decision = Notification.objects.get(recipient=member)
    assert decision.kind == Notification.Kind.JOIN_DECISION
    assert "declined" in decision.text
    assert ModerationAction.objects.get(community=request_cop).action == ModerationAction.Action.DECLINE
    assert not Activity.objects.filter(member=member, kind=Activity.Kind.JOINED_COMMUNITY).exists()


def test_it_does_not_decide_a_request_twice(client, leader, pending, member):
    client.force_login(leader)
    act_on(client, pending, "decline")
    response = act_on(client, pending, "approve")
    assert response.status_code == 404  # a declined request is no longer current
    pending.refresh_from_db()
    assert pending.status == Membership.Status.DECLINED
    assert Notification.objects.filter(recipient=member).count() == 1


def test_it_lets_a_declined_member_ask_again(member_client, leader, pending, member, request_cop):
    services.membership_decide(membership=pending, actor=leader, approve=False)
    join(member_client, request_cop)
    assert sorted(Membership.objects.filter(member=member).values_list("status", flat=True)) == [
        Membership.Status.DECLINED,
        Membership.Status.PENDING,
    ]


def test_it_lets_a_member_withdraw_a_request(member_client, pending, member, request_cop):
    response = leave(member_client, request_cop)
    pending.refresh_from_db()
    assert pending.status == Membership.Status.LEFT
    assert messages_of(response) == ["Your request to join was withdrawn."]


def test_it_keeps_the_history_when_a_member_leaves_and_rejoins(member_client, member):
    community = CommunityFactory(visibility=OPEN)
    first = services.community_join(member=member, community=community)

    response = leave(member_client, community)

    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == Membership.Status.LEFT
    assert first.left_at is not None
    assert messages_of(response) == [f"You left {community.name}."]

    join(member_client, community)

    rows = Membership.objects.filter(member=member, community=community).order_by("pk")
    assert [(m.pk, m.status) for m in rows] == [
        (first.pk, Membership.Status.LEFT),
        (rows[1].pk, Membership.Status.ACTIVE),
    ]
    assert rows[1].pk != first.pk
    first.refresh_from_db()
    assert first.left_at is not None
    assert Activity.objects.filter(member=member, kind=Activity.Kind.JOINED_COMMUNITY).count() == 2


def test_it_sends_a_member_who_leaves_a_private_community_back_to_the_list(member_client, member):
    community = CommunityFactory(visibility=PRIVATE)
    MembershipFactory(member=member, community=community)
    response = leave(member_client, community)
    assert response.url == reverse("communities:list")
    assert member_client.get(community.get_absolute_url()).status_code == 404


def test_it_does_not_take_requests_for_a_private_community(member_client, member):
    community = CommunityFactory(visibility=PRIVATE)
    member_of(community, Membership.Role.LEADER)

    response = join(member_client, community)

    assert response.status_code == 404
    assert not Membership.objects.filter(member=member).exists()
    assert not Notification.objects.exists()
    with pytest.raises(services.CommunityError):
        services.community_join(member=member, community=community)


def test_it_keeps_the_only_leader_from_leaving(client):
    community = CommunityFactory(visibility=OPEN)
    leader = member_of(community, Membership.Role.LEADER)
    client.force_login(leader)

    response = leave(client, community)

    assert Membership.objects.get(member=leader, community=community).status == Membership.Status.ACTIVE
    assert messages_of(response) == ["You are this community's only leader. Ask the coordinator to name another first."]

    member_of(community, Membership.Role.LEADER)
    leave(client, community)
    assert Membership.objects.get(member=leader, community=community).status == Membership.Status.LEFT


def test_it_takes_access_away_from_a_removed_member_of_a_private_community_at_once(client):
    community = CommunityFactory(visibility=PRIVATE)
    leader = member_of(community, Membership.Role.LEADER)
    removed = member_of(community)
    thread = ThreadFactory(community=community)
    client.force_login(removed)
    assert client.get(thread.get_absolute_url()).status_code == 200

    services.membership_remove(membership=Membership.objects.get(member=removed, community=community), actor=leader)

    assert client.get(thread.get_absolute_url()).status_code == 404
    assert client.get(community.get_absolute_url()).status_code == 404
    assert (
        client.post(reverse("communities:reply", args=[community.slug, thread.pk]), {"body": "Hi"}).status_code == 404
    )
    assert Post.objects.filter(author=removed).count() == 0


def test_it_refuses_posts_from_a_removed_member_of_an_open_community_at_once(client):
    community = CommunityFactory(visibility=OPEN)
    leader = member_of(community, Membership.Role.LEADER)
    removed = member_of(community)
    thread = ThreadFactory(community=community)
    client.force_login(leader)
    membership = Membership.objects.get(member=removed, community=community)

    act_on(client, membership, "remove")

    membership.refresh_from_db()
    assert membership.status == Membership.Status.REMOVED
    assert membership.left_at is not None
    logged = ModerationAction.objects.get(community=community)
    assert (logged.action, logged.subject) == (ModerationAction.Action.REMOVE, removed)

    client.force_login(removed)
    response = client.post(reverse("communities:reply", args=[community.slug, thread.pk]), {"body": "Still here?"})
    assert response.status_code == 409
    assert last_message(response) == "Your reply was not posted: join the community to reply."
    assert not Post.objects.filter(author=removed).exists()
    new_thread = client.post(
        reverse("communities:thread_new", args=[community.slug]), {"title": "Back", "body": "Hello again"}
    )
    assert new_thread.status_code == 302
    assert not thread.community.threads.filter(title="Back").exists()


def test_it_does_not_let_a_removed_member_rejoin_an_open_community_by_themselves(client):
    community = CommunityFactory(visibility=OPEN)
    leader = member_of(community, Membership.Role.LEADER)
    removed = member_of(community)
    services.membership_remove(membership=Membership.objects.get(member=removed, community=community), actor=leader)
    client.force_login(removed)

    response = join(client, community)

    assert not Membership.objects.active().filter(member=removed, community=community).exists()
    assert last_message(response) == "You were removed from this community. Ask one of its leaders to add you again."

    client.force_login(leader)
    client.post(reverse("communities:members", args=[community.slug]), {"email": removed.email, "role": "member"})
    assert Membership.objects.active().filter(member=removed, community=community).exists()


def test_it_does_not_let_a_leader_remove_themselves(client):
    community = CommunityFactory()
    leader = member_of(community, Membership.Role.LEADER)
    client.force_login(leader)
    response = act_on(client, Membership.objects.get(member=leader), "remove")
    assert Membership.objects.get(member=leader).status == Membership.Status.ACTIVE
    assert messages_of(response) == ["Unknown action."]


def test_it_lets_a_leader_add_a_member_by_email_to_a_private_community(client):
    community = CommunityFactory(visibility=PRIVATE)
    leader = member_of(community, Membership.Role.LEADER)
    colleague = MemberFactory(email="colleague@ministry.example.org")
    client.force_login(leader)

    response = client.post(
        reverse("communities:members", args=[community.slug]),
        {"email": "Colleague@Ministry.example.org", "role": Membership.Role.MODERATOR},
    )

    assert response.status_code == 302
    membership = Membership.objects.get(member=colleague, community=community)
    assert (membership.status, membership.role, membership.decided_by) == (
        Membership.Status.ACTIVE,
        Membership.Role.MODERATOR,
        leader,
    )
    assert Notification.objects.get(recipient=colleague).kind == Notification.Kind.JOIN_DECISION
    assert ModerationAction.objects.get(community=community).action == ModerationAction.Action.ADD


def test_it_explains_why_a_member_cannot_be_added(client):
    community = CommunityFactory(visibility=PRIVATE)
    leader = member_of(community, Membership.Role.LEADER)
    existing = member_of(community)
    client.force_login(leader)
    url = reverse("communities:members", args=[community.slug])

    unknown = client.post(url, {"email": "nobody@ministry.example.org", "role": Membership.Role.MEMBER})
    assert unknown.status_code == 200
    assert "email" in unknown.context["add_form"].errors

    again = client.post(url, {"email": existing.email, "role": Membership.Role.MEMBER})
    assert messages_of(again) == [f"{existing} is already a member."]
    assert Membership.objects.filter(member=existing, community=community).count() == 1


def test_it_approves_a_waiting_request_when_the_leader_adds_that_member(client, leader, pending, member, request_cop):
    client.force_login(leader)
    client.post(
        reverse("communities:members", args=[request_cop.slug]), {"email": member.email, "role": Membership.Role.MEMBER}
    )
    assert Membership.objects.filter(member=member, community=request_cop).count() == 1
    pending.refresh_from_db()
    assert pending.status == Membership.Status.ACTIVE


def test_it_lets_a_leader_change_a_role(client):
    community = CommunityFactory()
    leader = member_of(community, Membership.Role.LEADER)
    colleague = member_of(community)
    client.force_login(leader)
    membership = Membership.objects.get(member=colleague)

    act_on(client, membership, "role", role=Membership.Role.MODERATOR)

    membership.refresh_from_db()
    assert membership.role == Membership.Role.MODERATOR
    logged = ModerationAction.objects.get(community=community)
    assert (logged.action, logged.subject, logged.note) == (ModerationAction.Action.ROLE, colleague, "Moderator")

    response = act_on(client, membership, "role", role="emperor")
    assert last_message(response) == "Choose a valid role."
    assert Membership.objects.get(pk=membership.pk).role == Membership.Role.MODERATOR


def test_it_approves_join_requests_in_bulk_from_the_admin(client, coordinator):
    community = CommunityFactory(visibility=REQUEST)
    requesters = MemberFactory.create_batch(2)
    requests = [services.community_join(member=m, community=community) for m in requesters]
    active = MembershipFactory(community=community)
    client.force_login(coordinator)

    response = client.post(
        reverse("admin:communities_membership_changelist"),
        {"action": "approve_requests", "_selected_action": [m.pk for m in [*requests, active]]},
        follow=True,
    )

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == ["2 requests approved; the members were told."]
    for membership in requests:
        membership.refresh_from_db()
        assert membership.status == Membership.Status.ACTIVE
        assert membership.decided_by == coordinator
    assert {n.recipient for n in Notification.objects.filter(kind=Notification.Kind.JOIN_DECISION)} == set(requesters)
    assert ModerationAction.objects.filter(action=ModerationAction.Action.APPROVE, actor=coordinator).count() == 2
    active.refresh_from_db()
    assert active.status == Membership.Status.ACTIVE


def test_requests_decided_meanwhile_are_left_as_decided_and_counted_apart(client, coordinator, monkeypatch):
    """The list was read before another leader (or a second click on the action) decided them: a 500."""
    community = CommunityFactory(visibility=REQUEST)
    first, second = (services.community_join(member=m, community=community) for m in MemberFactory.create_batch(2))
    decide, calls = services.membership_decide, []

    def another_leader_declines_the_other_meanwhile(**kwargs):
        if not calls:
            calls.append(kwargs["membership"])
            other = second if kwargs["membership"] == first else first
            decide(membership=other, actor=MemberFactory(), approve=False)
        return decide(**kwargs)

    monkeypatch.setattr(services, "membership_decide", another_leader_declines_the_other_meanwhile)
    client.force_login(coordinator)

    response = client.post(
        reverse("admin:communities_membership_changelist"),
        {"action": "approve_requests", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "1 request was decided meanwhile by someone else, and was left as they decided.",
        "1 request approved; the member was told.",
    ]
    approved = calls[0]
    declined = second if approved == first else first
    assert dict(Membership.objects.filter(pk__in=[first.pk, second.pk]).values_list("pk", "status")) == {
        approved.pk: Membership.Status.ACTIVE,
        declined.pk: Membership.Status.DECLINED,
    }


def test_it_lets_the_coordinator_create_a_community_and_lead_it(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("communities:create"),
        {"name": "Digital skills", "slug": "digital-skills", "visibility": REQUEST, "description": "Learning."},
    )
    community = Community.objects.get(slug="digital-skills")
    assert response.status_code == 302
    assert response.url == community.get_absolute_url()
    assert community.created_by == coordinator
    membership = Membership.objects.get(community=community)
    assert (membership.member, membership.role, membership.status) == (
        coordinator,
        Membership.Role.LEADER,
        Membership.Status.ACTIVE,
    )


def test_it_refuses_a_community_address_the_site_uses(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("communities:create"), {"name": "New", "slug": "new", "visibility": OPEN})
    assert response.status_code == 200
    assert "slug" in response.context["form"].errors
    assert not Community.objects.exists()


def test_it_does_not_let_a_leader_manage_another_communitys_memberships(client):
    community, other = CommunityFactory(), CommunityFactory()
    leader = member_of(community, Membership.Role.LEADER)
    elsewhere = MembershipFactory(community=other)
    client.force_login(leader)
    for slug in (community.slug, other.slug):
        response = client.post(
            reverse("communities:membership_action", args=[slug, elsewhere.pk]), {"action": "remove"}
        )
        assert response.status_code == 404
    assert Membership.objects.get(pk=elsewhere.pk).status == Membership.Status.ACTIVE


def test_it_keeps_the_only_leader_from_giving_up_the_role(client):
    community = CommunityFactory()
    leader = member_of(community, Membership.Role.LEADER)
    client.force_login(leader)
    act_on(client, Membership.objects.get(member=leader), "role", role=Membership.Role.MEMBER)
    assert Membership.objects.get(member=leader).role == Membership.Role.LEADER


def test_the_members_page_names_no_account_being_deleted(client):
    """Until the worker has removed its details (minutes), neither among the members nor the requests."""
    community = CommunityFactory(visibility="request")
    leader = member_of(community, role=Membership.Role.LEADER)
    kept = member_of(community)
    closed = member_of(community)
    asking = MembershipFactory(community=community, status=Membership.Status.PENDING).member
    type(closed).objects.filter(pk__in=[closed.pk, asking.pk]).update(
        is_active=False, deletion_requested_at=timezone.now()
    )
    client.force_login(leader)

    page = client.get(reverse("communities:members", args=[community.slug]))

    assert {m.member for m in page.context["page_obj"]} == {leader, kept}
    assert list(page.context["pending"]) == []


def _meanwhile(monkeypatch, what):
    """`what` happens just before a membership is ended, as another request's commit would. (The service's
    transaction, refused, rolls it back with its own: what is asserted is the refusal.)"""
    end = services._end

    def with_another_request_first(membership, status):
        what()
        return end(membership, status)

    monkeypatch.setattr(services, "_end", with_another_request_first)


def test_leaving_after_a_leader_removed_the_member_meanwhile_is_refused(monkeypatch):
    """Leave wrote over the removal it had not seen: the removed member, "left", could join again at once."""
    membership = MembershipFactory()
    _meanwhile(
        monkeypatch, lambda: Membership.objects.filter(pk=membership.pk).update(status=Membership.Status.REMOVED)
    )

    with pytest.raises(services.CommunityError, match="A leader decided on your membership meanwhile"):
        services.community_leave(member=membership.member, community=membership.community)


def test_withdrawing_a_request_approved_meanwhile_is_refused(monkeypatch):
    """The member was told "approved, welcome", and was then out."""
    community = CommunityFactory(visibility=REQUEST)
    request = services.community_join(member=MemberFactory(), community=community)
    leader = MemberFactory()
    _meanwhile(monkeypatch, lambda: services.membership_decide(membership=request, actor=leader, approve=True))

    with pytest.raises(services.CommunityError, match="A leader decided on your membership meanwhile"):
        services.community_leave(member=request.member, community=community)


def test_removing_a_member_who_left_meanwhile_changes_nothing_and_says_so():
    membership = MembershipFactory(member=MemberFactory(full_name="Thida Aung"))
    read_before = Membership.objects.get(pk=membership.pk)
    services.community_leave(member=membership.member, community=membership.community)

    for read in (read_before, Membership.objects.get(pk=membership.pk)):  # read before, or after, the leaving
        with pytest.raises(services.CommunityError, match="Thida Aung left, or was removed by someone else, meanwhile"):
            services.membership_remove(membership=read, actor=MemberFactory())

    assert Membership.objects.get(pk=membership.pk).status == Membership.Status.LEFT
    assert not ModerationAction.objects.filter(action=ModerationAction.Action.REMOVE).exists()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_removal_and_the_members_leaving_at_once_end_the_membership_once():
    """7 of 30 removals were lost to a leaving at the same moment."""
    for _round in range(10):
        membership = MembershipFactory()
        leader = MemberFactory()

        left, removed = together(
            lambda membership=membership: services.community_leave(
                member=membership.member, community=membership.community
            ),
            lambda membership=membership, leader=leader: services.membership_remove(
                membership=Membership.objects.get(pk=membership.pk), actor=leader
            ),
        )

        succeeded = [outcome for outcome in (left, removed) if isinstance(outcome, Membership)]
        assert len(succeeded) == 1, (left, removed)
        assert Membership.objects.get(pk=membership.pk).status == succeeded[0].status
