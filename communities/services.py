"""Writes for communities, memberships, discussions and moderation. Views and the admin call these."""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Value, prefetch_related_objects
from django.db.models.functions import Replace
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cop_platform.i18n import in_language_of, language_for
from members.audit import audit_record, member_label
from members.models import Activity, AuditEntry, User
from members.services import activity_record

from . import markdown, selectors
from .member_counts import member_counts_forget
from .models import (
    REPORTS_TO_AUTO_HIDE,
    Community,
    Membership,
    ModerationAction,
    Notification,
    Post,
    Reaction,
    Report,
    Thread,
)


class CommunityError(Exception):
    """A request that cannot be carried out; the message is shown to the member as it is."""


# --- Notifications -----------------------------------------------------------------------------------------


def notification_text(text: str) -> str:
    """`text` cut to fit the column (names and titles of 200 characters each make longer sentences)."""
    return Truncator(text).chars(Notification._meta.get_field("text").max_length)


def worded(message, **params) -> Callable[[User], str]:
    """A notification's text for each recipient, in their language: `message` is a gettext_lazy string. Worded
    once, in the language of whoever acted, a Burmese member approved by a Russian-reading leader read Russian."""

    fallback = translation.get_language()  # for a member who never chose one: the language they were sent in

    def text_for(recipient: User) -> str:
        with in_language_of(recipient, fallback=fallback):
            return notification_text(str(message) % params)

    return text_for


def notify(*, recipients, kind: str, text: Callable[[User], str], url: str, actor: User | None = None,
           community=None) -> None:  # fmt: skip
    """`text`: what `worded` gives, the text for each recipient."""
    Notification.objects.bulk_create(
        Notification(recipient=recipient, kind=kind, actor=actor, community=community, text=text(recipient), url=url)
        for recipient in {r.pk: r for r in recipients if r is not None and r != actor}.values()
    )


def notifications_mark_read(*, member: User, pk: int | None = None) -> int:
    unread = Notification.objects.filter(recipient=member, read_at__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    return unread.update(read_at=timezone.now())


# A notification names its discussion ("… replied in “<title>”"). Once its recipient may no longer read the
# discussion where it leads (the thread's page would be a 404 to them), it goes: the notifications page showed the
# title of a thread its reader could no longer open. Each case is one or two statements, whatever the number of
# notifications: asking the thread's page's question per notification was 300 queries for a hidden thread with 100
# followers, under the leaders' locks.


def _notifications_into(thread: Thread, communities):
    """The notifications that lead into `thread` as shown in any of `communities`."""
    into = Q()
    for community in communities:
        into |= Q(url__startswith=thread.url_in(community))
    return Notification.objects.filter(into)


def _notifications_forget_hidden(thread: Thread) -> int:
    """A hidden thread is read by its community's moderators and the coordinators only (communities.access)."""
    from members.roles import coordinators

    unreadable = (
        _notifications_into(thread, [thread.community, *thread.linked_communities.all()])
        .exclude(recipient__in=Membership.objects.moderating().filter(community=thread.community).values("member"))
        .exclude(recipient__in=coordinators().values("pk"))
    )
    return unreadable.delete()[0]


def _notifications_follow_move(thread: Thread, source: Community) -> None:
    """After `thread` moved out of `source`: what led into it there leads to its new community for whoever may read
    it there, and goes for the others."""
    from members.roles import coordinators

    to = thread.community
    old, new = thread.url_in(source), thread.url_in(to)
    notifications = Notification.objects.filter(url__startswith=old)
    readers = notifications
    if thread.is_hidden:  # its new community's moderators (those of the old kept theirs when it was hidden)
        moderators = Membership.objects.moderating().filter(community=to).values("member")
        may = Q(recipient__in=moderators) | Q(recipient__in=coordinators().values("pk"))
        readers = notifications.filter(may)
    elif to.visibility != Community.Visibility.OPEN:  # an open community's threads are read by every member
        members = Membership.objects.active().filter(community=to).values("member")
        readers = notifications.filter(Q(recipient__in=members) | Q(recipient__in=coordinators().values("pk")))
    if readers is not notifications:
        notifications.exclude(pk__in=readers.values("pk")).delete()
    readers.update(url=Replace(F("url"), Value(old), Value(new)), community=to)


def _guests(community: Community, member: User | None = None) -> Q:
    """The notifications of experts asked into a thread of `community` (an open referral), who read it as guests
    however the community is closed to them (communities.access._is_referred_expert)."""
    from experts.models import Expert, Referral

    referrals = (
        Referral.objects.filter(community=community, expert__member__isnull=False)
        .exclude(status=Referral.Status.RESOLVED)
        .exclude(expert__status=Expert.Status.INACTIVE)
    )
    if member is not None:
        referrals = referrals.filter(expert__member=member)
    guests = Q(pk__in=[])
    for member_id, thread_id in referrals.values_list("expert__member_id", "thread_id"):
        guests |= Q(
            recipient_id=member_id, url__startswith=reverse("communities:thread", args=[community.slug, thread_id])
        )
    return guests


def notifications_forget_outsiders(community: Community) -> int:
    """After `community` stopped being open (its discussions are read by its members, the coordinators and the
    experts asked into one): what leads into them goes for everyone else."""
    from members.roles import coordinators

    if community.visibility == Community.Visibility.OPEN:
        return 0
    members = Membership.objects.active().filter(community=community).values("member")
    return (
        Notification.objects.filter(community=community, url__startswith=f"{community.get_absolute_url()}threads/")
        .exclude(recipient__in=members)
        .exclude(recipient__in=coordinators().values("pk"))
        .exclude(_guests(community))
        .delete()[0]
    )


def _notifications_forget_left(member: User, community: Community) -> int:
    """After `member` left, or was removed from, `community`: what leads into its discussions goes, unless they may
    still read them there (an open community, a coordinator, or an expert asked into a thread of it)."""
    from .access import community_access

    if community_access(member, community).can_read:
        return 0
    threads = f"{community.get_absolute_url()}threads/"
    left = Notification.objects.filter(recipient=member, community=community, url__startswith=threads)
    return left.exclude(_guests(community, member)).delete()[0]


# --- Communities -------------------------------------------------------------------------------------------


@transaction.atomic
def community_create(*, form, creator: User) -> Community:
    """Save a validated community form (site or admin); the creator becomes its first leader so someone
    can approve requests. Raises IntegrityError when a community of the same name or address was created since
    the form was validated (a double click)."""
    community = form.save(commit=False)
    community.created_by = creator
    community.save()
    form.save_m2m()
    now = timezone.now()
    Membership.objects.create(
        member=creator, community=community, role=Membership.Role.LEADER, status=Membership.Status.ACTIVE,
        requested_at=now, joined_at=now,
    )  # fmt: skip
    _audit_own_membership(creator, community, "Created the community, as its leader")
    return community


# --- Memberships -------------------------------------------------------------------------------------------


MEMBERSHIP_ACTIONS = {
    ModerationAction.Action.APPROVE, ModerationAction.Action.DECLINE, ModerationAction.Action.REMOVE,
    ModerationAction.Action.ADD, ModerationAction.Action.ROLE,
}  # fmt: skip


def _in_log_language():
    """The moderation and audit logs store their notes in the site's language, as they stored "3 reports":
    worded in whoever acted's, a log read by moderators of several languages mixed them."""
    return translation.override(settings.LANGUAGE_CODE)


def _log(
    community, actor, action, *, thread=None, post=None, subject=None, note="", audit_note="", previous_text=""
) -> None:
    """The community's moderation log, and the platform's audit log (which the coordinator reads; `audit_note`,
    when given, is the note there: the community's log may not name what its moderators may not see)."""
    entry = ModerationAction.objects.create(
        community=community, actor=actor, action=action, thread=thread, post=post, subject=subject, note=note[:300],
        previous_text=previous_text,
    )  # fmt: skip
    about = (
        member_label(subject) if subject else (f"“{thread.title}”" if thread else (f"post #{post.pk}" if post else ""))
    )
    audit_record(
        actor=actor,
        action=AuditEntry.Action.MEMBERSHIP if action in MEMBERSHIP_ACTIONS else AuditEntry.Action.MODERATION,
        target=f"{community.name}: {about}".rstrip(": "),
        detail=f"{entry.get_action_display()}{' — ' + (audit_note or note) if (audit_note or note) else ''}",
    )


def _leaders(community: Community):
    return [
        m.member
        for m in Membership.objects.active()
        .filter(community=community, role=Membership.Role.LEADER)
        .select_related("member")
    ]


def _leaders_locked(community: Community) -> int:
    """How many leaders the community has, their memberships locked until the transaction ends: two leaders
    leaving (or demoting each other) at once each saw the other stay, and the community was left with none.
    The second waits, then counts again without the first."""
    leaders = Membership.objects.active().filter(community=community, role=Membership.Role.LEADER)
    return len(leaders.select_for_update().values_list("pk", flat=True))


def _membership_new(already: str, **fields) -> Membership:
    """A new membership row. Two at once for the same member (a double click on Join or Add) both found none
    before; the database keeps one current membership per member and community, and the second is told
    `already` instead of an error page."""
    try:
        with transaction.atomic():
            return Membership.objects.create(**fields)
    except IntegrityError:
        raise CommunityError(already) from None


def _audit_own_membership(member: User, community: Community, what: str) -> None:
    """A member's own step in or out of a community (the audit log; the moderation log is for decisions)."""
    audit_record(
        actor=member, action=AuditEntry.Action.MEMBERSHIP, target=f"{community.name}: {member_label(member)}",
        detail=what,
    )  # fmt: skip


@transaction.atomic
def community_join(*, member: User, community: Community) -> Membership:
    """Join an open community, or ask to join a request-to-join one. Private communities take no requests."""
    if community.visibility == Community.Visibility.PRIVATE:
        raise CommunityError(_("This community is by invitation only."))
    already = _("You are already a member of this community, or your request is waiting.")
    latest = Membership.objects.filter(member=member, community=community).order_by("-requested_at", "-pk").first()
    if latest is not None and latest.status in Membership.CURRENT_STATUSES:
        raise CommunityError(already)
    if latest is not None and latest.status == Membership.Status.REMOVED:
        # Removal is a moderation decision: only a leader can let the member back in.
        raise CommunityError(_("You were removed from this community. Ask one of its leaders to add you again."))
    now = timezone.now()
    if community.visibility == Community.Visibility.OPEN:
        membership = _membership_new(
            already, member=member, community=community, status=Membership.Status.ACTIVE, requested_at=now,
            joined_at=now,
        )  # fmt: skip
        activity_record(member=member, kind=Activity.Kind.JOINED_COMMUNITY, community=community)
        _audit_own_membership(member, community, "Joined")
        return membership
    membership = _membership_new(
        already, member=member, community=community, status=Membership.Status.PENDING, requested_at=now
    )
    _audit_own_membership(member, community, "Asked to join")
    notify(
        recipients=_leaders(community),
        kind=Notification.Kind.JOIN_REQUEST,
        actor=member,
        community=community,
        text=worded(gettext_lazy("%(member)s asks to join %(community)s"), member=member, community=community),
        url=f"{community.get_absolute_url()}members/",
    )
    return membership


@transaction.atomic
def membership_decide(*, membership: Membership, actor: User, approve: bool) -> Membership:
    """A leader approves or declines a pending request; the requester is told either way."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != Membership.Status.PENDING:
        raise CommunityError(_("This request was already decided."))
    community = membership.community
    membership.decided_by = actor
    if approve:
        membership.status = Membership.Status.ACTIVE
        membership.joined_at = timezone.now()
        text = gettext_lazy("Your request to join %(community)s was approved. Welcome!")
    else:
        membership.status = Membership.Status.DECLINED
        membership.left_at = timezone.now()
        text = gettext_lazy("Your request to join %(community)s was declined.")
    membership.save()
    _log(community, actor, ModerationAction.Action.APPROVE if approve else ModerationAction.Action.DECLINE,
         subject=membership.member)  # fmt: skip
    notify(
        recipients=[membership.member],
        kind=Notification.Kind.JOIN_DECISION,
        actor=actor,
        community=community,
        text=worded(text, community=community),
        url=community.get_absolute_url(),
    )
    if approve:
        activity_record(member=membership.member, kind=Activity.Kind.JOINED_COMMUNITY, community=community)
    return membership


def _end(membership: Membership, status: str) -> bool:
    """Ends `membership` if it still has the status it was read with, and says whether it did. A leader's removal
    and the member's leaving at once both read it current: the second wrote over the first (a removed member, left,
    could join again). Checked by the UPDATE itself, which waits for the other's commit and then finds no row."""
    now = timezone.now()
    ended = Membership.objects.filter(pk=membership.pk, status=membership.status).update(status=status, left_at=now)
    if ended:
        membership.status, membership.left_at = status, now
        member_counts_forget([membership.community_id])  # an update sends no signal (communities.receivers)
    return bool(ended)


@transaction.atomic
def community_leave(*, member: User, community: Community) -> Membership:
    membership = Membership.objects.current().filter(member=member, community=community).first()
    if membership is None:
        raise CommunityError(_("You are not a member of this community."))
    if membership.is_leader and _leaders_locked(community) == 1:
        raise CommunityError(_("You are this community's only leader. Ask the coordinator to name another first."))
    was = membership.status
    if not _end(membership, Membership.Status.LEFT):
        raise CommunityError(
            _("A leader decided on your membership meanwhile, so nothing was done. Look at the page again first.")
        )
    _audit_own_membership(member, community, "Left" if was == Membership.Status.ACTIVE else "Withdrew")
    _notifications_forget_left(member, community)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User) -> Membership:
    """Removal takes effect at once: access is checked against the current membership on every request."""
    if membership.is_leader and _leaders_locked(membership.community) == 1:
        raise CommunityError(_("A community needs at least one leader. Name another leader first."))
    if membership.status not in Membership.CURRENT_STATUSES or not _end(membership, Membership.Status.REMOVED):
        raise CommunityError(
            _("%(member)s left, or was removed by someone else, meanwhile.") % {"member": membership.member}
        )
    _log(membership.community, actor, ModerationAction.Action.REMOVE, subject=membership.member)
    _notifications_forget_left(membership.member, membership.community)
    return membership


@transaction.atomic
def membership_add(*, community: Community, member: User, actor: User, role: str = Membership.Role.MEMBER):
    """A leader or the coordinator adds a member directly (the way into a private community)."""
    current = Membership.objects.current().filter(member=member, community=community).first()
    now = timezone.now()
    if current and current.status == Membership.Status.ACTIVE:
        raise CommunityError(_("%(member)s is already a member.") % {"member": member})
    if current:  # a pending request: adding approves it, in the role chosen
        membership = membership_decide(membership=current, actor=actor, approve=True)
        return (
            membership
            if role == membership.role
            else membership_set_role(membership=membership, role=role, actor=actor)
        )
    membership = _membership_new(
        _("%(member)s is already a member.") % {"member": member},
        member=member, community=community, role=role, status=Membership.Status.ACTIVE,
        requested_at=now, joined_at=now, decided_by=actor,
    )  # fmt: skip
    with _in_log_language():
        role = membership.get_role_display()
    _log(community, actor, ModerationAction.Action.ADD, subject=member, note=role)
    notify(
        recipients=[member], kind=Notification.Kind.JOIN_DECISION, actor=actor, community=community,
        text=worded(gettext_lazy("You were added to %(community)s."), community=community),
        url=community.get_absolute_url(),
    )  # fmt: skip
    return membership


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str, actor: User) -> Membership:
    if membership.is_leader and role != Membership.Role.LEADER and _leaders_locked(membership.community) == 1:
        raise CommunityError(_("A community needs at least one leader. Name another leader first."))
    membership.role = role
    membership.save(update_fields=["role"])
    with _in_log_language():
        role = membership.get_role_display()
    _log(membership.community, actor, ModerationAction.Action.ROLE, subject=membership.member,
         note=role)  # fmt: skip
    return membership


# --- Threads and posts -------------------------------------------------------------------------------------


def _forgotten_mentions_replaced(text: str, language: Callable[[], str]) -> str:
    """`text` saying "Former member", in `language()`, where it mentions a deleted account's @handle, as the
    deletion made of the text written before it (members.forgotten_handles). Two queries when `text` mentions
    anyone; none otherwise."""
    from members.forgotten_handles import handles_forgotten
    from members.privacy import FORMER_MEMBER_IN_ADDRESS, former_member_in

    written = markdown.written_handles(text)
    if not written:
        return text
    # A handle given again before handles were remembered is its new member's.
    written -= set(User.objects.filter(handle__in=written).values_list("handle", flat=True))
    for handle in handles_forgotten(written):
        text = markdown.mention_replaced(
            text, handle, former_member_in(language()), in_address=FORMER_MEMBER_IN_ADDRESS
        )
    return text


def _render_with_mentions(body: str) -> tuple[str, list[User]]:
    handles = markdown.mentioned_handles(body)
    candidates = list(User.objects.filter(handle__in=handles, is_active=True)) if handles else []
    html = markdown.render(body, {m.handle: m.pk for m in candidates})
    # Only mentions that became links count: "@name" inside code or a link's text notifies nobody.
    mentioned = [m for m in candidates if f'href="{reverse("members:detail", args=[m.pk])}"' in html]
    return html, mentioned


def _notify_readers(
    *, thread: Thread, members, kind: str, actor: User, text: Callable[[User], str], preferred: Community,
    anchor: str = "",
) -> None:  # fmt: skip
    """Notify those of `members` who may read `thread`, each with a link into a community they can read
    (`preferred` when they can, else the thread's own or another linked one). Nobody learns of a
    discussion, or a community, they may not see."""
    from .access import communities_readable_by, community_access

    communities = [thread.community, *thread.linked_communities.all()]
    by_id = {c.pk: c for c in communities}
    notifications = []
    for member in {m.pk: m for m in members if m is not None and m != actor}.values():
        readable = set(communities_readable_by(member).filter(pk__in=by_id).values_list("pk", flat=True))
        if thread.is_hidden:
            # A hidden thread is for its community's moderators (and coordinators) only: not even its title
            # reaches anyone else.
            readable = {thread.community.pk} if community_access(member, thread.community).can_moderate else set()
        if not readable:
            continue
        target = preferred if preferred.pk in readable else next(c for c in communities if c.pk in readable)
        notifications.append(
            Notification(
                recipient=member,
                kind=kind,
                actor=actor,
                community=target,
                text=text(member),
                url=thread.url_in(target) + anchor,
            )  # fmt: skip
        )
    Notification.objects.bulk_create(notifications)


def _notify_mentions(post: Post, mentioned: list[User], community: Community, anchor: str = "") -> None:
    _notify_readers(
        thread=post.thread,
        members=mentioned,
        kind=Notification.Kind.MENTION,
        actor=post.author,
        text=worded(gettext_lazy("%(member)s mentioned you in “%(thread)s”"), member=post.author, thread=post.thread),
        preferred=community,
        anchor=anchor,
    )


# The same message sent again this soon by the same member is one message sent twice (a double click, or a
# slow connection's browser retrying): the first stands, and the second is not posted again.
DOUBLE_SUBMIT_WINDOW = timedelta(minutes=2)


@transaction.atomic
def thread_create(*, community: Community, author: User, title: str, body: str) -> Thread:
    """Start a discussion. The same one sent twice in a row (DOUBLE_SUBMIT_WINDOW) is the first one."""
    User.objects.select_for_update().filter(pk=author.pk).first()  # a member's two submissions, one at a time
    title = _forgotten_mentions_replaced(title, lambda: language_for(author))
    body = _forgotten_mentions_replaced(body, lambda: language_for(author))
    now = timezone.now()
    twin = (
        Thread.objects.filter(
            community=community, author=author, title=title.strip(), created_at__gte=now - DOUBLE_SUBMIT_WINDOW
        )
        .filter(posts__is_opening=True, posts__body=body)
        .first()
    )
    if twin is not None:
        return twin
    thread = Thread.objects.create(
        community=community, author=author, title=title.strip(), created_at=now, last_activity_at=now
    )
    html, mentioned = _render_with_mentions(body)
    post = Post.objects.create(thread=thread, author=author, body=body, body_html=html, is_opening=True, created_at=now)
    thread.followers.add(author)
    activity_record(member=author, kind=Activity.Kind.POST, community=community)
    _notify_mentions(post, mentioned, community)
    return thread


@transaction.atomic
def post_reply(*, thread: Thread, author: User, body: str, shown_in: Community, quoted: Post | None = None) -> Post:
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    if thread.is_locked:
        raise CommunityError(_("This thread is locked and takes no more replies."))
    body = _forgotten_mentions_replaced(body, lambda: language_for(author))
    now = timezone.now()
    twin = _same_reply_just_posted(thread=thread, author=author, body=body, quoted=quoted, now=now)
    if twin is not None:
        return twin
    html, mentioned = _render_with_mentions(body)
    post = Post(thread=thread, author=author, body=body, body_html=html, quoted=quoted, created_at=now)
    post.search_text = post.search_text_now()  # a form kept from before its quoted post was hidden
    post.save(force_insert=True)
    Thread.objects.filter(pk=thread.pk).update(reply_count=F("reply_count") + 1, last_activity_at=now)
    activity_record(member=author, kind=Activity.Kind.REPLY, community=shown_in)
    anchor = selectors.post_anchor(post)  # the page it stays on
    _notify_readers(
        thread=thread,
        members=[f for f in thread.followers.all() if f not in mentioned],
        kind=Notification.Kind.REPLY,
        actor=author,
        text=worded(gettext_lazy("%(member)s replied in “%(thread)s”"), member=author, thread=thread),
        preferred=shown_in,
        anchor=anchor,
    )
    _notify_mentions(post, mentioned, shown_in, anchor)
    from experts.services import referral_record_answer  # experts build on communities, not the reverse

    referral_record_answer(post=post)
    thread.followers.add(author)
    return post


def _same_reply_just_posted(*, thread: Thread, author: User, body: str, quoted: Post | None, now: datetime):
    """The thread's last post, if it is this reply by this author sent within DOUBLE_SUBMIT_WINDOW (the caller
    holds the thread's lock, so a second submission waits for the first and finds it here). Only the last: the
    same "Thanks!" after someone else's answer is meant."""
    last = thread.posts.order_by("-created_at", "-pk").first()
    if (
        last is not None
        and not last.is_opening
        and last.author_id == author.pk
        and last.created_at >= now - DOUBLE_SUBMIT_WINDOW
        and last.body == body
        and last.quoted_id == (quoted.pk if quoted else None)
    ):
        return last
    return None


class PostChangedMeanwhile(CommunityError):
    """The post's text changed after the editor opened it: saving would undo that change unseen."""


@transaction.atomic
def post_edit(*, post: Post, editor: User, body: str, based_on: str = "", anchor: str | None = None) -> Post:
    """Save `body` as the post's text. `based_on` is the text_version() the editor started from: when the text
    changed since (another editor saved first), nothing is written and PostChangedMeanwhile says so. `anchor`
    is selectors.post_anchor(post) when the caller has it already (an edit leaves the post on its page): a
    moderator's edit tells the author where to find it."""
    current = Post.objects.select_for_update().only("body", "author").get(pk=post.pk)
    # In the author's language, as the rest of their post (and as account deletion writes it). Read only when
    # needed, and not joined above: PostgreSQL locks no row on the nullable side of an outer join.
    body = _forgotten_mentions_replaced(
        body,
        lambda: language_for(User.objects.filter(pk=current.author_id).only("language", "browser_language").first()),
    )
    if current.changed_since(based_on, body):
        raise PostChangedMeanwhile(
            _("This post was changed while you were editing it. Nothing was saved: its text now is shown above "
              "yours. Copy into your text what you want to keep, then save again.")
        )  # fmt: skip
    post.body = body
    post.body_html, _mentioned = _render_with_mentions(body)
    post.edited_at = timezone.now()
    post.search_text = post.search_text_now()
    post.save(update_fields=["body", "body_html", "edited_at", "search_text"])
    if post.is_hidden:  # the replies' quotes are compared with its text anew
        _quoting_replies_reindex(post)
    if editor.pk != current.author_id and current.body != body:
        _moderator_edit_recorded(post, editor=editor, previous_text=current.body, anchor=anchor)
    return post


def _moderator_edit_recorded(post: Post, *, editor: User, previous_text: str, anchor: str | None) -> None:
    """A moderator (or the coordinator, in the admin) rewrote a member's post: the text it replaced is kept in the
    moderation log, and its author is told. Overwritten silently, the author's words were gone, and nobody could
    tell who changed them."""
    thread = post.thread
    author = User.objects.filter(pk=post.author_id).first()
    _log(thread.community, editor, ModerationAction.Action.EDIT_POST, thread=thread, post=post, subject=author,
         previous_text=previous_text)  # fmt: skip
    if author is not None and author.is_active:
        notify(
            recipients=[author], kind=Notification.Kind.MODERATION, actor=editor, community=thread.community,
            text=worded(gettext_lazy("A moderator edited your post in “%(thread)s”."), thread=thread.title),
            url=thread.url_in(thread.community) + (anchor or selectors.post_anchor(post)),
        )  # fmt: skip


@transaction.atomic
def posts_mention_forget(
    *, handle: str, replacement: Callable[[str], str], in_address: str, since: datetime | None = None
) -> int:
    """Posts that mention @`handle` say `replacement(language)` there instead, in their author's language ("" when
    they chose none), or `in_address` inside a link's address, and no longer link to its member; returns how
    many changed. For account deletion: a handle is made from the name. Not an edit: `edited_at` stays, and the
    post's other mentions keep the links they were written with (a member deactivated since keeps theirs).

    A full pass over the posts' text, without an index: deletion is rare. The search is for the handle's first
    word, which an escaped spelling (`@hnin\\-wai`, rendered as the handle) keeps too. The posts are locked
    until the deletion commits, so that an edit made meanwhile waits rather than being overwritten."""
    first_word = handle.split("-")[0]
    candidates = Post.objects.select_for_update().filter(body__icontains=f"@{first_word}")
    if since is not None:  # only those written or edited since
        candidates = candidates.filter(Q(created_at__gte=since) | Q(edited_at__gte=since))
    posts = list(candidates.only("body", "body_html", "author", "quoted"))
    authors = User.objects.filter(pk__in={p.author_id for p in posts}).only("language", "browser_language")
    languages = {author.pk: language_for(author) for author in authors}
    bodies = {
        post.pk: markdown.mention_replaced(
            post.body, handle, replacement(languages.get(post.author_id, "")), in_address=in_address
        )
        for post in posts
    }
    # Not when a post only mentions a longer handle (@hnin-wai-2 for @hnin-wai).
    changed = [post for post in posts if bodies[post.pk] != post.body]
    linked = {post.pk: markdown.linked_mentions(post.body_html) for post in changed}
    # Each linked member's handle now, read once for all the posts (see _mentions_kept).
    handles = dict(
        User.objects.filter(pk__in={pk for pairs in linked.values() for _h, pk in pairs}).values_list("pk", "handle")
    )
    # Not joined above: PostgreSQL locks no row on the nullable side of an outer join.
    prefetch_related_objects([post for post in changed if post.quoted_id], "quoted")
    for post in changed:
        post.body = bodies[post.pk]
        post.body_html = markdown.render(post.body, _mentions_kept(linked[post.pk], handles, handle))
        post.search_text = post.search_text_now()
    Post.objects.bulk_update(changed, ["body", "body_html", "search_text"], batch_size=200)
    return len(changed)


def _mentions_kept(linked: set[tuple[str, int]], handles: dict[int, str], forgotten: str) -> dict[str, int]:
    """The (handle, member id) links a post had, but `forgotten`'s, as `markdown.render` takes them: each only while
    the handle is still that member's (a link an author wrote to a profile, with another "@name" as its text, is
    no mention)."""
    return {h: pk for h, pk in linked if h != forgotten.lower() and handles.get(pk) == h}


@transaction.atomic
def post_toggle_helpful(*, post: Post, member: User, community: Community, helpful: bool | None = None) -> bool:
    """Mark (`helpful`) or unmark a post as helpful, or with None turn the mark over; returns whether it is
    marked now. The button says which it asks for: a double click that turned it over twice unmarked what the
    member had just marked. Own posts cannot be marked."""
    if post.author_id == member.pk:
        raise CommunityError(_("You cannot mark your own post as helpful."))
    if helpful is None:
        helpful = not Reaction.objects.filter(post=post, member=member).exists()
    if not helpful:
        deleted, _detail = Reaction.objects.filter(post=post, member=member).delete()
        if deleted:
            Post.objects.filter(pk=post.pk).update(helpful_count=F("helpful_count") - 1)
        return False
    try:
        with transaction.atomic():
            Reaction.objects.create(post=post, member=member)
    except IntegrityError:  # a double click raced us; it is marked either way
        return True
    Post.objects.filter(pk=post.pk).update(helpful_count=F("helpful_count") + 1)
    activity_record(member=member, kind=Activity.Kind.REACTION, community=community)
    return True


def thread_toggle_follow(*, thread: Thread, member: User, follow: bool | None = None) -> bool:
    """Follow (`follow`) or stop following, or with None turn it over; returns whether they follow now."""
    if follow is None:
        follow = not thread.followers.filter(pk=member.pk).exists()
    if follow:
        thread.followers.add(member)  # adding twice keeps one row
    else:
        thread.followers.remove(member)
    return follow


# --- Reports and moderation --------------------------------------------------------------------------------


@transaction.atomic
def post_report(*, post: Post, reporter: User, reason: str, note: str = "") -> Report:
    """File a report; the third distinct member reporting a post hides it until a moderator reviews it."""
    if post.author_id == reporter.pk:
        raise CommunityError(_("You cannot report your own post."))
    # Lock the post so concurrent reports count one after the other (the third always hides it).
    Post.objects.select_for_update().filter(pk=post.pk).first()
    report, created = Report.objects.get_or_create(
        post=post, reporter=reporter, defaults={"reason": reason, "note": note.strip()}
    )
    if not created:
        raise CommunityError(_("You have already reported this post. The moderators will review it."))
    open_reports = Report.objects.filter(post=post, status=Report.Status.OPEN).count()
    if open_reports >= REPORTS_TO_AUTO_HIDE and not post.is_hidden:
        Post.objects.filter(pk=post.pk).update(is_hidden=True, hidden_reason=_("Hidden after reports, until reviewed"))
        post.is_hidden = True
        _quoting_replies_reindex(post)
        with _in_log_language():
            reports = ngettext("%(count)d report", "%(count)d reports", open_reports) % {"count": open_reports}
        _log(post.thread.community, None, ModerationAction.Action.AUTO_HIDE, thread=post.thread, post=post,
             subject=post.author, note=reports)  # fmt: skip
    return report


@transaction.atomic
def reports_review(*, post: Post, actor: User, uphold: bool) -> int:
    """Decide every open report on a post: uphold hides it, dismiss shows it again. With none open (another
    moderator decided them meanwhile, from a queue page loaded earlier) nothing changes: a stale "Dismiss"
    showed again a post the other had just hidden."""
    status = Report.Status.UPHELD if uphold else Report.Status.DISMISSED
    post = Post.objects.select_for_update(of=("self",)).select_related("thread__community", "author").get(pk=post.pk)
    count = Report.objects.filter(post=post, status=Report.Status.OPEN).update(
        status=status, reviewed_by=actor, reviewed_at=timezone.now()
    )
    if not count:
        return 0
    post.is_hidden = uphold
    post.hidden_reason = _("Hidden by a moderator") if uphold else ""
    post.save(update_fields=["is_hidden", "hidden_reason"])
    _quoting_replies_reindex(post)
    with _in_log_language():
        reports = ngettext("%(count)d report", "%(count)d reports", count) % {"count": count}
    _log(post.thread.community, actor, ModerationAction.Action.UPHOLD if uphold else ModerationAction.Action.DISMISS,
         thread=post.thread, post=post, subject=post.author,
         note=reports)  # fmt: skip
    return count


@transaction.atomic
def post_set_hidden(*, post: Post, actor: User, hidden: bool) -> Post:
    post.is_hidden = hidden
    post.hidden_reason = _("Hidden by a moderator") if hidden else ""
    post.save(update_fields=["is_hidden", "hidden_reason"])
    _quoting_replies_reindex(post)
    _log(post.thread.community, actor,
         ModerationAction.Action.HIDE_POST if hidden else ModerationAction.Action.SHOW_POST,
         thread=post.thread, post=post, subject=post.author)  # fmt: skip
    return post


def _quoting_replies_reindex(quoted: Post) -> int:
    """The replies that quote `quoted` are searched as readers see them: without its words while it is hidden,
    with them once it is shown again (Post.search_text, from which PostgreSQL computes each one's search document
    when the row is written). Few: a post is quoted a handful of times at most. Returns how many changed."""
    replies = list(Post.objects.filter(quoted=quoted).only("body", "search_text", "quoted"))
    changed = []
    for reply in replies:
        reply.quoted = quoted
        text = reply.search_text_now()
        if text != reply.search_text:
            reply.search_text = text
            changed.append(reply)
    Post.objects.bulk_update(changed, ["search_text"])
    return len(changed)


THREAD_FLAGS = {
    "pin": ("is_pinned", True, ModerationAction.Action.PIN),
    "unpin": ("is_pinned", False, ModerationAction.Action.UNPIN),
    "lock": ("is_locked", True, ModerationAction.Action.LOCK),
    "unlock": ("is_locked", False, ModerationAction.Action.UNLOCK),
    "hide": ("is_hidden", True, ModerationAction.Action.HIDE_THREAD),
    "show": ("is_hidden", False, ModerationAction.Action.SHOW_THREAD),
}


@transaction.atomic
def thread_moderate(*, thread: Thread, actor: User, action: str) -> Thread:
    field, value, logged = THREAD_FLAGS[action]
    setattr(thread, field, value)
    thread.save(update_fields=[field])
    _log(thread.community, actor, logged, thread=thread)
    if action == "hide":
        _notifications_forget_hidden(thread)
    return thread


@transaction.atomic
def thread_move(*, thread: Thread, actor: User, to: Community) -> Thread:
    source = thread.community
    if to.pk == source.pk:
        raise CommunityError(_("The thread is already in %(community)s.") % {"community": to})
    thread.community = to
    thread.save(update_fields=["community"])
    thread.linked_communities.remove(to)
    for log in (source, to):
        with _in_log_language():
            note = f"{_named_in_log_of(log, [source])} → {_named_in_log_of(log, [to])}"
        _log(
            log, actor, ModerationAction.Action.MOVE, thread=thread, note=note, audit_note=f"{source.name} → {to.name}"
        )
    _notifications_follow_move(thread, source)
    return thread


def _named_in_log_of(log: Community, communities) -> str:
    """`communities` as the moderation log of `log` names them. Its moderators need not be members of the
    others: a private one other than `log` is counted, not named."""
    named = [c.name for c in communities if c.pk == log.pk or not c.is_private]
    hidden = len(communities) - len(named)
    if hidden:
        named.append(
            ngettext("%(count)d private community", "%(count)d private communities", hidden) % {"count": hidden}
        )
    return ", ".join(named)


@transaction.atomic
def thread_link(*, thread: Thread, actor: User, communities, allowed=None) -> Thread:
    """Make an inter-practice discussion: the thread also shows in `communities` (replacing earlier links)."""
    targets = [c for c in communities if c.pk != thread.community_id]
    if allowed is not None:
        # Links the actor could not choose from (another leader's, the coordinator's) stay as they are.
        targets += list(thread.linked_communities.exclude(pk__in=[c.pk for c in allowed]))
    thread.linked_communities.set(targets)
    with _in_log_language():
        linked = _named_in_log_of(thread.community, targets) or _("no other community")
    _log(thread.community, actor, ModerationAction.Action.LINK, thread=thread,
         note=linked,
         audit_note=", ".join(c.name for c in targets))  # fmt: skip
    return thread
