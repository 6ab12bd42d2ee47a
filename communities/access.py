"""Every permission decision about communities, threads and posts is made here.

Reading: an open community's discussions are readable by any signed-in member; a request-to-join
community shows its description to everyone but its discussions only to members; a private community
does not exist (404) for anyone but its members and coordinators.
Writing: only active members post and react; locked threads take no replies. Moderators and leaders of
a thread's own community moderate it; leaders manage members; coordinators may do everything.
"""

import functools
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.shortcuts import get_object_or_404

from cop_platform.compiled import VIEWER, Compiled, compiled_for_viewer, for_viewer
from members import roles

from .models import Community, Membership, Post, Thread


@dataclass
class CommunityAccess:
    community: Community
    membership: Membership | None  # the viewer's pending or active membership, if any
    is_coordinator: bool
    is_authenticated: bool
    # An expert flagged into a thread of a community they are not a member of reads and answers that thread
    # (and only that one, in a private community).
    is_thread_guest: bool = False

    @property
    def is_member(self) -> bool:
        return self.membership is not None and self.membership.status == Membership.Status.ACTIVE

    @property
    def is_pending(self) -> bool:
        return self.membership is not None and self.membership.status == Membership.Status.PENDING

    @property
    def can_see(self) -> bool:
        return not self.community.is_private or self.is_member or self.is_coordinator or self.is_thread_guest

    @property
    def can_read(self) -> bool:
        if self.is_member or self.is_coordinator or self.is_thread_guest:
            return True
        return self.is_authenticated and self.community.visibility == Community.Visibility.OPEN

    @property
    def can_post(self) -> bool:
        return self.is_member or self.is_coordinator or self.is_thread_guest

    @property
    def can_join(self) -> bool:
        return (
            self.is_authenticated
            and self.membership is None
            and self.community.visibility in (Community.Visibility.OPEN, Community.Visibility.REQUEST)
        )

    @property
    def can_moderate(self) -> bool:
        return self.is_coordinator or (self.membership is not None and self.membership.can_moderate)

    @property
    def can_manage_members(self) -> bool:
        return self.is_coordinator or (self.membership is not None and self.membership.is_leader)


def current_membership(user, community: Community) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.current().filter(member=user, community=community).first()


def community_access(user, community: Community) -> CommunityAccess:
    return CommunityAccess(
        community=community,
        membership=current_membership(user, community),
        is_coordinator=roles.is_coordinator(user),
        is_authenticated=user.is_authenticated,
    )


def get_community_access(user, slug: str) -> CommunityAccess:
    """The community at `slug` as `user` may see it, or 404 (a private one looks like no community)."""
    access = community_access(user, get_object_or_404(Community, slug=slug))
    if not access.can_see:
        raise Http404
    return access


def get_readable_community(user, slug: str) -> CommunityAccess:
    access = get_community_access(user, slug)
    if not access.can_read:
        raise Http404
    return access


def thread_queryset_in(community: Community):
    """Threads shown in `community`: its own and those linked into it (inter-practice discussions)."""
    # Not a join on the links (duplicates, hence DISTINCT over the community's every thread). On PostgreSQL
    # `id = ANY(ARRAY(linked ids))`, which it estimates well: a correlated EXISTS inside an OR is guessed to
    # match half the threads, and the plan then joined every member to sort one page (4x slower at 50k threads).
    links = Thread.linked_communities.through.objects
    if connection.vendor == "postgresql":
        from django.contrib.postgres.expressions import ArraySubquery

        linked_ids = ArraySubquery(links.filter(community=community).values("thread_id"))
        # "id" = ANY(ARRAY(SELECT thread_id …)), written out: Django has no lookup for it.
        linked = Func(
            F("pk"), linked_ids, template="%(expressions)s)", arg_joiner=" = ANY(", output_field=BooleanField()
        )
    else:
        linked = Exists(links.filter(thread_id=OuterRef("pk"), community=community))
    return Thread.objects.filter(Q(community=community) | Q(linked))


def thread_links_to(community: Community) -> dict[int, int]:
    """The threads of other communities linked to `community`: {thread id: the thread's own community id}."""
    links = Thread.linked_communities.through.objects.filter(community=community)
    return dict(links.values_list("thread_id", "thread__community_id"))


def threads_listed_in(community: Community, *, links: dict[int, int]):
    """The threads of thread_queryset_in, for a list of them, given `links` as thread_links_to reads them first
    (one small query): with the linked ids as a list, PostgreSQL reads the community's threads off its index.
    With a subquery in their place it could not know the list was short, and scanned all threads of every
    community (15 ms at 50k threads)."""
    linked_ids = list(links)
    return Thread.objects.filter(
        Q(community=community) | Q(pk__in=linked_ids) if linked_ids else Q(community=community)
    )


def get_thread(user, slug: str, thread_pk: int) -> tuple[CommunityAccess, Thread, CommunityAccess]:
    """The thread as shown in community `slug`, the viewer's access there, and their access in the thread's
    own community (which decides moderation). 404 when the viewer may not read it."""
    access = community_access(user, get_object_or_404(Community, slug=slug))
    if not access.can_post and _is_referred_expert(user, access.community, thread_pk):
        access.is_thread_guest = True
    if not access.can_see or not access.can_read:
        raise Http404
    thread = get_object_or_404(thread_queryset_in(access.community).select_related("community", "author"), pk=thread_pk)
    home = access if thread.community_id == access.community.pk else community_access(user, thread.community)
    if thread.is_hidden and not home.can_moderate:
        raise Http404
    return access, thread, home


def _is_referred_expert(user, community: Community, thread_pk: int) -> bool:
    """An expert asked about this thread in this community, while the question is open or answered (the asker
    may follow up and rate): once it is resolved, or the expert is inactive, the guest access ends."""
    if not user.is_authenticated:
        return False
    from experts.models import Expert, Referral

    return (
        Referral.objects.filter(thread_id=thread_pk, community=community, expert__member=user)
        .exclude(status=Referral.Status.RESOLVED)
        .exclude(expert__status=Expert.Status.INACTIVE)
        .exists()
    )


def thread_still_readable(*, recipient_id: int | None, thread_id: int, community_id: int) -> bool:
    """Whether an email about thread `thread_id`, linking to it in community `community_id`, may still go to its
    recipient: the thread's page decides it now (get_thread), for an email written hours before (the broker was
    down) about a thread hidden since, moved where they may not read it, or a private community they left. Someone
    without an account (`recipient_id` None: an expert a coordinator mapped) opens it once signed up: it is still
    there, not hidden, and shown in that community."""
    from members.models import User

    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        return False
    if recipient_id is None:
        return thread_queryset_in(community).filter(pk=thread_id, is_hidden=False).exists()
    recipient = User.objects.filter(pk=recipient_id, is_active=True).first()
    if recipient is None:
        return False
    try:
        get_thread(recipient, community.slug, thread_id)
    except Http404:
        return False
    return True


def get_post(user, slug: str, post_pk: int) -> tuple[CommunityAccess, Post, CommunityAccess]:
    post = get_object_or_404(Post.objects.select_related("thread", "author"), pk=post_pk)
    access, thread, home = get_thread(user, slug, post.thread_id)
    post.thread = thread
    if not can_read_post(user, post, home):
        raise Http404
    return access, post, home


def can_read_post(user, post: Post, home: CommunityAccess) -> bool:
    """A hidden post is read by the moderators of its thread's community and by its author only."""
    return not post.is_hidden or home.can_moderate or (user.is_authenticated and post.author_id == user.pk)


def can_edit_post(user, post: Post, access: CommunityAccess, home: CommunityAccess) -> bool:
    """Authors edit their posts while they may still post here; moderators of the thread's community always."""
    if home.can_moderate:
        return True
    return user.is_authenticated and post.author_id == user.pk and access.can_post


def communities_visible_to(user):
    """Communities `user` may know exist."""
    if roles.is_coordinator(user):
        return Community.objects.all()
    visible = ~Q(visibility=Community.Visibility.PRIVATE)
    if user.is_authenticated:
        visible |= _in_members_communities(user)
    return Community.objects.filter(visible)


def communities_readable_by(user):
    """Communities whose discussions `user` may read (for search and feeds)."""
    if roles.is_coordinator(user):
        return Community.objects.all()
    if not user.is_authenticated:
        return Community.objects.none()
    return Community.objects.filter(Q(visibility=Community.Visibility.OPEN) | _in_members_communities(user))


def threads_readable_by(user):
    """The ids of the threads `user` may read now, as the thread's page decides (get_thread): shown in a community
    whose discussions they may read (its own, or one it is linked into), a hidden one only where they moderate its
    community. For what is not a page (the member's data export); pages ask get_thread."""
    readable = communities_readable_by(user)
    linked = Thread.linked_communities.through.objects.filter(community__in=readable).values("thread_id")
    shown = Thread.objects.filter(Q(community__in=readable) | Q(pk__in=linked))
    if roles.is_coordinator(user):
        return shown.values("pk")
    moderated = Membership.objects.moderating().filter(member=user).values("community_id")
    return shown.filter(Q(is_hidden=False) | Q(community__in=moderated)).values("pk")


def _in_members_communities(user) -> Q:
    """Communities in which `user` is an active member, as a Q over Community."""
    return Q(pk__in=RawSQL(*for_viewer(_members_communities(connection.vendor), user.pk)))


@functools.cache
def _members_communities(_vendor: str) -> Compiled:
    """The communities of the viewer's active memberships (the viewer a placeholder, cop_platform.compiled),
    written once per process: building the subquery into each list of communities took about 0.5 ms of the
    library's, the schedule's, the directory's and the searches' pages. Keyed by the database's vendor."""
    return compiled_for_viewer(_viewers_communities())


def _viewers_communities():
    """The communities of VIEWER's active memberships, as a subquery to compile (cop_platform.compiled)."""
    return Membership.objects.active().filter(member_id=VIEWER).values("community")


def shared_with_visible_community(model, user) -> Q:
    """The one rule for content shared with communities (events, knowledge products): visible when it has no
    community, or at least one of its communities is not private, or `user` is an active member of one of them.
    Returns a Q over `model`, whose `communities` many-to-many holds the links."""
    with_private, with_open, in_members_communities = _sharing_subqueries(model, connection.vendor)
    visible = ~Q(pk__in=RawSQL(*with_private)) | Q(pk__in=RawSQL(*with_open))
    if user.is_authenticated:
        visible |= Q(pk__in=RawSQL(*for_viewer(in_members_communities, user.pk)))
    return visible


@functools.cache
def _sharing_subqueries(model, _vendor: str) -> tuple[Compiled, ...]:
    """The three subqueries of shared_with_visible_community as SQL and parameters, written once per process:
    building and compiling them took about 0.7 ms of every query that lists events or products (a home page
    has two). In the third, the member is a placeholder the caller replaces with the viewer's pk
    (cop_platform.compiled).

    Uncorrelated IN subqueries (each computed once and hashed) rather than EXISTS per row: PostgreSQL
    estimates correlated ones at their per-row cost over the whole table, which made a page of a large
    library look expensive enough to be JIT-compiled (seconds) and kept it from walking the listing index."""
    links = model.communities.through.objects
    own = f"{model._meta.model_name}_id"
    private = Community.Visibility.PRIVATE
    mine = _viewers_communities()
    # Keyed by the default database's vendor: the project has one database.
    return (
        compiled_for_viewer(links.filter(community__visibility=private).values(own), times=0),
        compiled_for_viewer(links.exclude(community__visibility=private).values(own), times=0),
        compiled_for_viewer(links.filter(community__in=mine).values(own), times=1),
    )
