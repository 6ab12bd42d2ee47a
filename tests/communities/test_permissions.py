"""Who may do what, for every community view, in an open, a request-to-join and a private community.

Each row of MATRIX reads: for this view in a community of this visibility, what anonymous visitors,
signed-in non-members, members, moderators, leaders and coordinators get. POST rows also check the
database: DONE means the request changed it, every other outcome means it did not.
"""

from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import transaction
from django.test import Client, override_settings
from django.urls import resolve, reverse

from communities.models import Community, Membership, Notification, Post, Report, Thread
from tests.factories import CoordinatorFactory, MemberFactory

from .factories import CommunityFactory, MembershipFactory, PostFactory, ThreadFactory

pytestmark = pytest.mark.django_db

OPEN, REQUEST, PRIVATE = Community.Visibility.OPEN, Community.Visibility.REQUEST, Community.Visibility.PRIVATE
ROLES = ("anonymous", "non_member", "member", "moderator", "leader", "coordinator")

OK = "200"  # the page renders
NOT_FOUND = "404"  # the community, thread or action does not exist for this viewer
LOGIN = "login"  # redirected to the sign-in page
REFUSED = "refused"  # redirected back with an error message (or the page again: 409); nothing changed
DONE = "done"  # redirected after doing it; the database changed


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module, inside a transaction that is rolled back at its end; every test runs in a
    savepoint of it (as Django's setUpTestData does), so what a test changes is undone after it."""
    # Module fixtures run before the autouse MD5 hasher fixture: use the fast hasher here too.
    fast_hashing = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast_hashing, transaction.atomic():
        world = _build_world()
        world.sessions = {role: _session_of(user) for role, user in world.users.items() if user is not None}
        yield world
        transaction.set_rollback(True)


def _session_of(user):
    """Sign in once per module; tests reuse the session cookie instead of signing in again."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def sign_in(client, world, role):
    """Sign `client` in as `role` (nothing for anonymous); returns that user."""
    if role in world.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return world.users[role]


def _build_world():
    """The six roles, and for each visibility a community where `member`, `moderator` and `leader` hold those
    roles, with a thread by another member, a reply, a reported reply and a pending join request."""
    users = {
        "anonymous": None,
        "non_member": MemberFactory(),
        "member": MemberFactory(),
        "moderator": MemberFactory(),
        "leader": MemberFactory(),
        "coordinator": CoordinatorFactory(),
    }
    author, applicant, newcomer = MemberFactory.create_batch(3)
    cops = {}
    for visibility in (OPEN, REQUEST, PRIVATE):
        community = CommunityFactory(visibility=visibility, slug=f"{visibility}-cop")
        for role in Membership.Role:
            MembershipFactory(member=users[role.value], community=community, role=role)
        author_membership = MembershipFactory(member=author, community=community)
        request = MembershipFactory(member=applicant, community=community, status=Membership.Status.PENDING)
        thread = ThreadFactory(community=community, author=author)
        post = PostFactory(thread=thread, author=author)
        reported = PostFactory(thread=thread, author=author)
        Report.objects.create(post=reported, reporter=applicant, reason=Report.Reason.SPAM)
        cops[visibility] = SimpleNamespace(
            community=community,
            thread=thread,
            post=post,
            reported=reported,
            request=request,
            author_membership=author_membership,
        )
    return SimpleNamespace(users=users, cops=cops, author=author, applicant=applicant, newcomer=newcomer)


def _status(membership):
    membership.refresh_from_db()
    return membership.status


# name: (method, url(cop), data(world, cop), snapshot(world, cop, user) of what a successful POST changes)
VIEWS = {
    "list": ("get", lambda c: reverse("communities:list"), None, None),
    "create": ("get", lambda c: reverse("communities:create"), None, None),
    "create (save)": (
        "post",
        lambda c: reverse("communities:create"),
        {"name": "Digital skills", "slug": "digital-skills", "visibility": OPEN, "description": "Learning together."},
        lambda w, c, user: Community.objects.count(),
    ),
    "detail": ("get", lambda c: reverse("communities:detail", args=[c.community.slug]), None, None),
    "join": (
        "post",
        lambda c: reverse("communities:join", args=[c.community.slug]),
        {},
        lambda w, c, user: Membership.objects.filter(community=c.community).count(),
    ),
    "leave": (
        "post",
        lambda c: reverse("communities:leave", args=[c.community.slug]),
        {},
        lambda w, c, user: Membership.objects.filter(community=c.community, status=Membership.Status.LEFT).count(),
    ),
    "members": ("get", lambda c: reverse("communities:members", args=[c.community.slug]), None, None),
    "members (add by email)": (
        "post",
        lambda c: reverse("communities:members", args=[c.community.slug]),
        lambda w, c: {"email": w.newcomer.email, "role": Membership.Role.MEMBER},
        lambda w, c, user: Membership.objects.active().filter(community=c.community).count(),
    ),
    "membership approve": (
        "post",
        lambda c: reverse("communities:membership_action", args=[c.community.slug, c.request.pk]),
        {"action": "approve"},
        lambda w, c, user: _status(c.request),
    ),
    "membership decline": (
        "post",
        lambda c: reverse("communities:membership_action", args=[c.community.slug, c.request.pk]),
        {"action": "decline"},
        lambda w, c, user: _status(c.request),
    ),
    "membership remove": (
        "post",
        lambda c: reverse("communities:membership_action", args=[c.community.slug, c.author_membership.pk]),
        {"action": "remove"},
        lambda w, c, user: _status(c.author_membership),
    ),
    "membership role": (
        "post",
        lambda c: reverse("communities:membership_action", args=[c.community.slug, c.author_membership.pk]),
        {"action": "role", "role": Membership.Role.MODERATOR},
        lambda w, c, user: Membership.objects.get(pk=c.author_membership.pk).role,
    ),
    "moderation": ("get", lambda c: reverse("communities:moderation", args=[c.community.slug]), None, None),
    "moderation (decide)": (
        "post",
        lambda c: reverse("communities:moderation", args=[c.community.slug]),
        lambda w, c: {"post": c.reported.pk, "decision": "dismiss"},
        lambda w, c, user: list(Report.objects.filter(post=c.reported).values_list("status", flat=True)),
    ),
    "thread_new": ("get", lambda c: reverse("communities:thread_new", args=[c.community.slug]), None, None),
    "thread_new (start)": (
        "post",
        lambda c: reverse("communities:thread_new", args=[c.community.slug]),
        {"title": "What works for budget hearings?", "body": "Please share your experience."},
        lambda w, c, user: Thread.objects.filter(community=c.community).count(),
    ),
    "thread": ("get", lambda c: reverse("communities:thread", args=[c.community.slug, c.thread.pk]), None, None),
    "reply": (
        "post",
        lambda c: reverse("communities:reply", args=[c.community.slug, c.thread.pk]),
        {"body": "Here is what we did."},
        lambda w, c, user: Post.objects.filter(thread=c.thread).count(),
    ),
    "follow": (
        "post",
        lambda c: reverse("communities:follow", args=[c.community.slug, c.thread.pk]),
        {},
        lambda w, c, user: c.thread.followers.count(),
    ),
    "moderate": ("get", lambda c: reverse("communities:moderate", args=[c.community.slug, c.thread.pk]), None, None),
    "moderate (pin)": (
        "post",
        lambda c: reverse("communities:moderate", args=[c.community.slug, c.thread.pk]),
        {"action": "pin"},
        lambda w, c, user: Thread.objects.get(pk=c.thread.pk).is_pinned,
    ),
    "post_edit": ("get", lambda c: reverse("communities:post_edit", args=[c.community.slug, c.post.pk]), None, None),
    "post_edit (save)": (
        "post",
        lambda c: reverse("communities:post_edit", args=[c.community.slug, c.post.pk]),
        {"body": "Edited by someone."},
        lambda w, c, user: Post.objects.get(pk=c.post.pk).body,
    ),
    "post_helpful": (
        "post",
        lambda c: reverse("communities:post_helpful", args=[c.community.slug, c.post.pk]),
        {},
        lambda w, c, user: Post.objects.get(pk=c.post.pk).helpful_count,
    ),
    "post_report": (
        "get",
        lambda c: reverse("communities:post_report", args=[c.community.slug, c.post.pk]),
        None,
        None,
    ),
    "post_report (send)": (
        "post",
        lambda c: reverse("communities:post_report", args=[c.community.slug, c.post.pk]),
        {"reason": Report.Reason.OFF_TOPIC, "note": ""},
        lambda w, c, user: Report.objects.filter(post=c.post).count(),
    ),
    "post_hide": (
        "post",
        lambda c: reverse("communities:post_hide", args=[c.community.slug, c.post.pk]),
        {"hidden": "1"},
        lambda w, c, user: Post.objects.get(pk=c.post.pk).is_hidden,
    ),
}

# fmt: off
MATRIX = {
    #                                  anonymous  non-member member     moderator  leader     coordinator
    "list": {
        OPEN:                         (OK,        OK,        OK,        OK,        OK,        OK),
        REQUEST:                      (OK,        OK,        OK,        OK,        OK,        OK),
        PRIVATE:                      (OK,        OK,        OK,        OK,        OK,        OK),
    },
    # Creating a community is not about one community: one row is enough.
    "create": {
        OPEN:                         (LOGIN,     NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK),
    },
    "create (save)": {
        OPEN:                         (LOGIN,     NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, DONE),
    },
    "detail": {
        OPEN:                         (OK,        OK,        OK,        OK,        OK,        OK),
        REQUEST:                      (OK,        OK,        OK,        OK,        OK,        OK),
        PRIVATE:                      (NOT_FOUND, NOT_FOUND, OK,        OK,        OK,        OK),
    },
    "join": {
        OPEN:                         (LOGIN,     DONE,      REFUSED,   REFUSED,   REFUSED,   DONE),
        REQUEST:                      (LOGIN,     DONE,      REFUSED,   REFUSED,   REFUSED,   DONE),
        PRIVATE:                      (LOGIN,     NOT_FOUND, REFUSED,   REFUSED,   REFUSED,   REFUSED),
    },
    # The leader is the community's only leader, so cannot leave; the coordinator is no member.
    "leave": {
        OPEN:                         (LOGIN,     REFUSED,   DONE,      DONE,      REFUSED,   REFUSED),
        REQUEST:                      (LOGIN,     REFUSED,   DONE,      DONE,      REFUSED,   REFUSED),
        PRIVATE:                      (LOGIN,     NOT_FOUND, DONE,      DONE,      REFUSED,   REFUSED),
    },
    "members": {
        OPEN:                         (LOGIN,     OK,        OK,        OK,        OK,        OK),
        REQUEST:                      (LOGIN,     NOT_FOUND, OK,        OK,        OK,        OK),
        PRIVATE:                      (LOGIN,     NOT_FOUND, OK,        OK,        OK,        OK),
    },
    "members (add by email)": {
        OPEN:                         (LOGIN,     NOT_FOUND, NOT_FOUND, NOT_FOUND, DONE,      DONE),
        REQUEST:                      (LOGIN,     NOT_FOUND, NOT_FOUND, NOT_FOUND, DONE,      DONE),
        PRIVATE:                      (LOGIN,     NOT_FOUND, NOT_FOUND, NOT_FOUND, DONE,      DONE),
    },
    **{
        f"membership {action}": {
            OPEN:                     (LOGIN,     NOT_FOUND, NOT_FOUND, NOT_FOUND, DONE,      DONE),
            REQUEST:                  (LOGIN,     NOT_FOUND, NOT_FOUND, NOT_FOUND, DONE,      DONE),
            PRIVATE:                  (LOGIN,     NOT_FOUND, NOT_FOUND, NOT_FOUND, DONE,      DONE),
        }
        for action in ("approve", "decline", "remove", "role")
    },
    "moderation": {
        OPEN:                         (LOGIN,     NOT_FOUND, NOT_FOUND, OK,        OK,        OK),
        REQUEST:                      (LOGIN,     NOT_FOUND, NOT_FOUND, OK,        OK,        OK),
        PRIVATE:                      (LOGIN,     NOT_FOUND, NOT_FOUND, OK,        OK,        OK),
    },
    "moderation (decide)": {
        OPEN:                         (LOGIN,     NOT_FOUND, NOT_FOUND, DONE,      DONE,      DONE),
        REQUEST:                      (LOGIN,     NOT_FOUND, NOT_FOUND, DONE,      DONE,      DONE),
        PRIVATE:                      (LOGIN,     NOT_FOUND, NOT_FOUND, DONE,      DONE,      DONE),
    },
    "thread_new": {
        OPEN:                         (LOGIN,     REFUSED,   OK,        OK,        OK,        OK),
        REQUEST:                      (LOGIN,     NOT_FOUND, OK,        OK,        OK,        OK),
        PRIVATE:                      (LOGIN,     NOT_FOUND, OK,        OK,        OK,        OK),
    },
    "thread_new (start)": {
        OPEN:                         (LOGIN,     REFUSED,   DONE,      DONE,      DONE,      DONE),
        REQUEST:                      (LOGIN,     NOT_FOUND, DONE,      DONE,      DONE,      DONE),
        PRIVATE:                      (LOGIN,     NOT_FOUND, DONE,      DONE,      DONE,      DONE),
    },
    # Discussions are for signed-in members: anonymous visitors are asked to sign in first.
    "thread": {
        OPEN:                         (LOGIN,     OK,        OK,        OK,        OK,        OK),
        REQUEST:                      (LOGIN,     NOT_FOUND, OK,        OK,        OK,        OK),
        PRIVATE:                      (LOGIN,     NOT_FOUND, OK,        OK,        OK,        OK),
    },
    "reply": {
        OPEN:                         (LOGIN,     REFUSED,   DONE,      DONE,      DONE,      DONE),
        REQUEST:                      (LOGIN,     NOT_FOUND, DONE,      DONE,      DONE,      DONE),
        PRIVATE:                      (LOGIN,     NOT_FOUND, DONE,      DONE,      DONE,      DONE),
    },
    "follow": {
        OPEN:                         (LOGIN,     DONE,      DONE,      DONE,      DONE,      DONE),
        REQUEST:                      (LOGIN,     NOT_FOUND, DONE,      DONE,      DONE,      DONE),
        PRIVATE:                      (LOGIN,     NOT_FOUND, DONE,      DONE,      DONE,      DONE),
    },
    "moderate": {
        OPEN:                         (LOGIN,     NOT_FOUND, NOT_FOUND, OK,        OK,        OK),
        REQUEST:                      (LOGIN,     NOT_FOUND, NOT_FOUND, OK,        OK,        OK),
        PRIVATE:                      (LOGIN,     NOT_FOUND, NOT_FOUND, OK,        OK,        OK),
    },
    "moderate (pin)": {
        OPEN:                         (LOGIN,     NOT_FOUND, NOT_FOUND, DONE,      DONE,      DONE),
        REQUEST:                      (LOGIN,     NOT_FOUND, NOT_FOUND, DONE,      DONE,      DONE),
        PRIVATE:                      (LOGIN,     NOT_FOUND, NOT_FOUND, DONE,      DONE,      DONE),
    },
    # The post is by another member: a plain member may not edit it.
    "post_edit": {
        OPEN:                         (LOGIN,     NOT_FOUND, NOT_FOUND, OK,        OK,        OK),
        REQUEST:                      (LOGIN,     NOT_FOUND, NOT_FOUND, OK,        OK,        OK),
        PRIVATE:                      (LOGIN,     NOT_FOUND, NOT_FOUND, OK,        OK,        OK),
    },
    "post_edit (save)": {
        OPEN:                         (LOGIN,     NOT_FOUND, NOT_FOUND, DONE,      DONE,      DONE),
        REQUEST:                      (LOGIN,     NOT_FOUND, NOT_FOUND, DONE,      DONE,      DONE),
        PRIVATE:                      (LOGIN,     NOT_FOUND, NOT_FOUND, DONE,      DONE,      DONE),
    },
    "post_helpful": {
        OPEN:                         (LOGIN,     NOT_FOUND, DONE,      DONE,      DONE,      DONE),
        REQUEST:                      (LOGIN,     NOT_FOUND, DONE,      DONE,      DONE,      DONE),
        PRIVATE:                      (LOGIN,     NOT_FOUND, DONE,      DONE,      DONE,      DONE),
    },
    "post_report": {
        OPEN:                         (LOGIN,     OK,        OK,        OK,        OK,        OK),
        REQUEST:                      (LOGIN,     NOT_FOUND, OK,        OK,        OK,        OK),
        PRIVATE:                      (LOGIN,     NOT_FOUND, OK,        OK,        OK,        OK),
    },
    "post_report (send)": {
        OPEN:                         (LOGIN,     DONE,      DONE,      DONE,      DONE,      DONE),
        REQUEST:                      (LOGIN,     NOT_FOUND, DONE,      DONE,      DONE,      DONE),
        PRIVATE:                      (LOGIN,     NOT_FOUND, DONE,      DONE,      DONE,      DONE),
    },
    "post_hide": {
        OPEN:                         (LOGIN,     NOT_FOUND, NOT_FOUND, DONE,      DONE,      DONE),
        REQUEST:                      (LOGIN,     NOT_FOUND, NOT_FOUND, DONE,      DONE,      DONE),
        PRIVATE:                      (LOGIN,     NOT_FOUND, NOT_FOUND, DONE,      DONE,      DONE),
    },
}
# fmt: on


def _cases():
    for view, rows in MATRIX.items():
        for visibility, outcomes in rows.items():
            for role, expected in zip(ROLES, outcomes, strict=True):
                yield pytest.param(view, visibility, role, expected, id=f"{view}-{visibility}-{role}-{expected}")


def test_it_covers_every_community_view():
    from communities.urls import urlpatterns

    stand_in = SimpleNamespace(
        community=SimpleNamespace(slug="any"), thread=SimpleNamespace(pk=1), post=SimpleNamespace(pk=1),
        request=SimpleNamespace(pk=1), author_membership=SimpleNamespace(pk=1),
    )  # fmt: skip
    tested = {resolve(url(stand_in)).url_name for _method, url, _data, _snapshot in VIEWS.values()}
    assert tested == {pattern.name for pattern in urlpatterns}
    assert set(MATRIX) == set(VIEWS)


@pytest.mark.parametrize(("view", "visibility", "role", "expected"), list(_cases()))
def test_it_allows_each_role_what_the_matrix_says(client, world, view, visibility, role, expected):
    method, url, data, snapshot = VIEWS[view]
    cop = world.cops[visibility]
    user = sign_in(client, world, role)
    if callable(data):
        data = data(world, cop)
    before = snapshot(world, cop, user) if snapshot else None

    response = getattr(client, method)(url(cop), data)

    if expected == OK:
        assert response.status_code == 200
    elif expected == NOT_FOUND:
        assert response.status_code == 404
    elif expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    elif response.status_code == 409:  # refused, the page again with what was written (a reply: to copy)
        assert expected == REFUSED
        assert "error" in [message.level_tag for message in get_messages(response.wsgi_request)]
    else:
        assert response.status_code == 302
        assert not response.url.startswith(reverse("account_login"))
        levels = [message.level_tag for message in get_messages(response.wsgi_request)]
        if expected == REFUSED:
            assert "error" in levels
        else:
            assert "error" not in levels
    if snapshot:
        after = snapshot(world, cop, user)
        if expected == DONE:
            assert after != before, "the request should have changed the database"
        else:
            assert after == before, "the request should not have changed the database"


@pytest.mark.parametrize(
    ("role", "listed"),
    [
        ("anonymous", False),
        ("non_member", False),
        ("member", True),
        ("moderator", True),
        ("leader", True),
        ("coordinator", True),
    ],
)
def test_it_lists_a_private_community_only_to_its_members_and_the_coordinator(client, world, role, listed):
    sign_in(client, world, role)
    response = client.get(reverse("communities:list"))
    names = {community.name for community in response.context["page_obj"].object_list}
    assert world.cops[OPEN].community.name in names
    assert world.cops[REQUEST].community.name in names
    assert (world.cops[PRIVATE].community.name in names) is listed
    assert (world.cops[PRIVATE].community.name in response.content.decode()) is listed


def test_it_hides_a_private_community_from_a_member_who_left_it(client, world):
    member = world.users["member"]
    Membership.objects.filter(member=member, community=world.cops[PRIVATE].community).update(
        status=Membership.Status.LEFT
    )
    client.force_login(member)
    names = {c.name for c in client.get(reverse("communities:list")).context["page_obj"].object_list}
    assert world.cops[PRIVATE].community.name not in names
    assert client.get(world.cops[PRIVATE].community.get_absolute_url()).status_code == 404


# fmt: off
DISCUSSIONS_SHOWN = {
    #          anonymous non-member member moderator leader coordinator
    OPEN:     (False,    True,      True,  True,     True,  True),
    REQUEST:  (False,    False,     True,  True,     True,  True),
    PRIVATE:  (None,     None,      True,  True,     True,  True),  # None: the page is a 404
}
# fmt: on


@pytest.mark.parametrize(
    ("visibility", "role", "shown"),
    [
        pytest.param(visibility, role, shown, id=f"{visibility}-{role}")
        for visibility, row in DISCUSSIONS_SHOWN.items()
        for role, shown in zip(ROLES, row, strict=True)
        if shown is not None
    ],
)
def test_it_shows_a_communitys_discussions_only_to_those_who_may_read_them(client, world, visibility, role, shown):
    sign_in(client, world, role)
    cop = world.cops[visibility]
    response = client.get(cop.community.get_absolute_url())
    assert response.status_code == 200
    assert ("page_obj" in response.context) is shown
    if shown:
        assert list(response.context["page_obj"].object_list) == [cop.thread]
    assert (cop.thread.title in response.content.decode()) is shown


@pytest.mark.parametrize(
    ("role", "manages"),
    [("non_member", False), ("member", False), ("moderator", False), ("leader", True), ("coordinator", True)],
)
def test_it_offers_member_management_only_to_leaders_and_the_coordinator(client, world, role, manages):
    sign_in(client, world, role)
    cop = world.cops[OPEN]
    response = client.get(reverse("communities:members", args=[cop.community.slug]))
    assert response.status_code == 200
    assert (response.context["add_form"] is not None) is manages
    assert list(response.context["pending"]) == ([cop.request] if manages else [])
    assert (world.applicant.display_name in response.content.decode()) is manages


def test_it_lets_a_member_edit_their_own_post(client, world):
    cop = world.cops[PRIVATE]
    client.force_login(world.author)
    url = reverse("communities:post_edit", args=[cop.community.slug, cop.post.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"body": "My corrected advice."})
    assert response.status_code == 302
    assert Post.objects.get(pk=cop.post.pk).body == "My corrected advice."


def test_it_does_not_let_a_moderator_of_another_community_moderate(client, world):
    outsider = MemberFactory()
    MembershipFactory(member=outsider, community=CommunityFactory(), role=Membership.Role.LEADER)
    MembershipFactory(member=outsider, community=world.cops[OPEN].community)
    client.force_login(outsider)
    cop = world.cops[OPEN]
    assert client.get(reverse("communities:moderate", args=[cop.community.slug, cop.thread.pk])).status_code == 404
    assert client.get(reverse("communities:moderation", args=[cop.community.slug])).status_code == 404
    hide = client.post(reverse("communities:post_hide", args=[cop.community.slug, cop.post.pk]), {"hidden": "1"})
    assert hide.status_code == 404
    assert Post.objects.get(pk=cop.post.pk).is_hidden is False


def test_it_refuses_a_pending_applicant_like_a_non_member(client, world):
    client.force_login(world.applicant)
    cop = world.cops[REQUEST]
    assert "page_obj" not in client.get(cop.community.get_absolute_url()).context
    assert client.get(reverse("communities:thread", args=[cop.community.slug, cop.thread.pk])).status_code == 404
    reply = client.post(reverse("communities:reply", args=[cop.community.slug, cop.thread.pk]), {"body": "Hi"})
    assert reply.status_code == 404


# --- Notifications -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_notifications_only_to_their_signed_in_recipient(client, world, role):
    user = world.users[role]
    someone_else = Notification.objects.create(recipient=world.author, kind="reply", text="Not yours", url="/")
    if user is None:
        response = client.get(reverse("notifications"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
        post = client.post(reverse("notifications"))
        assert post.status_code == 302
        assert post.url.startswith(reverse("account_login"))
        assert Notification.objects.get(pk=someone_else.pk).read_at is None
        return
    mine = Notification.objects.create(recipient=user, kind="reply", text="Yours", url="/")
    client.force_login(user)
    response = client.get(reverse("notifications"))
    assert response.status_code == 200
    assert list(response.context["page_obj"].object_list) == [mine]
    client.post(reverse("notifications"))
    assert Notification.objects.get(pk=mine.pk).read_at is not None
    assert Notification.objects.get(pk=someone_else.pk).read_at is None


@pytest.mark.parametrize("role", ROLES)
def test_it_opens_a_notification_only_for_its_recipient(client, world, role):
    cop = world.cops[OPEN]
    notification = Notification.objects.create(
        recipient=world.author, kind="reply", text="A reply", url=cop.thread.get_absolute_url()
    )
    user = sign_in(client, world, role)
    response = client.get(reverse("notification_open", args=[notification.pk]))
    if user is None:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == 404
    assert Notification.objects.get(pk=notification.pk).read_at is None

    client.force_login(world.author)
    response = client.get(reverse("notification_open", args=[notification.pk]))
    assert response.status_code == 302
    assert response.url == cop.thread.get_absolute_url()
    assert Notification.objects.get(pk=notification.pk).read_at is not None
