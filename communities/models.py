import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from taggit.managers import TaggableManager

from . import markdown

MAX_POST_LENGTH = 50_000
REPORTS_TO_AUTO_HIDE = 3


def validate_community_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("This address is reserved by the site. Choose another."))


RESERVED_SLUGS = {"new"}  # /communities/new/ is the creation page


class Community(models.Model):
    """A community of practice: a forum, its members and their roles."""

    class Visibility(models.TextChoices):
        OPEN = "open", _("Open: anyone can join")
        REQUEST = "request", _("Request to join: a leader approves")
        PRIVATE = "private", _("Private: invisible to non-members")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(
        _("slug"), max_length=200, unique=True, validators=[validate_community_slug],
        help_text=_("Used in the community's web address."),
    )  # fmt: skip
    description = models.TextField(_("description"), blank=True, help_text=_("What the community works on."))
    themes = TaggableManager(_("themes"), blank=True, help_text=_("Theme tags, separated by commas."))
    countries = CountryField(_("countries of focus"), multiple=True, blank=True)
    visibility = models.CharField(_("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("community of practice")
        verbose_name_plural = _("communities of practice")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("communities:detail", args=[self.slug])

    @property
    def is_private(self) -> bool:
        return self.visibility == self.Visibility.PRIVATE


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Membership.Status.ACTIVE)

    def current(self):
        """Pending or active: the one row that describes a member's standing now."""
        return self.filter(status__in=Membership.CURRENT_STATUSES)

    def moderating(self):
        """Those that moderate their community (Membership.can_moderate, as a query)."""
        return self.active().filter(role__in=[Membership.Role.MODERATOR, Membership.Role.LEADER])


class Membership(models.Model):
    """One period of a member's standing in a community. Leaving and rejoining starts a new row, so the
    history (and retention) can be read back."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        MODERATOR = "moderator", _("Moderator")
        LEADER = "leader", _("Leader")

    class Status(models.TextChoices):
        PENDING = "pending", _("Requested")
        ACTIVE = "active", _("Active")
        DECLINED = "declined", _("Declined")
        LEFT = "left", _("Left")
        REMOVED = "removed", _("Removed")

    CURRENT_STATUSES = (Status.PENDING, Status.ACTIVE)

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="memberships"
    )
    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    joined_at = models.DateTimeField(_("joined"), null=True, blank=True)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "community"],
                condition=Q(status__in=["pending", "active"]),
                name="membership_one_current_per_member",
            )
        ]
        indexes = [models.Index(fields=["community", "status"], name="membership_community_status")]

    def __str__(self):
        return f"{self.member} in {self.community} ({self.get_status_display()})"

    @property
    def can_moderate(self) -> bool:
        return self.status == self.Status.ACTIVE and self.role in (self.Role.MODERATOR, self.Role.LEADER)

    @property
    def is_leader(self) -> bool:
        return self.status == self.Status.ACTIVE and self.role == self.Role.LEADER


class LocalActionTeam(models.Model):
    """Members of a community who work together in one local community."""

    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.CASCADE, related_name="teams"
    )
    local_community = models.ForeignKey(
        "members.LocalCommunity", verbose_name=_("local community"), on_delete=models.PROTECT, related_name="teams"
    )
    name = models.CharField(_("name"), max_length=200)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("leader"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="led_teams",
    )  # fmt: skip
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True, related_name="local_teams"
    )

    class Meta:
        ordering = ["community", "name"]
        verbose_name = _("local action team")
        verbose_name_plural = _("local action teams")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="team_unique_name")]

    def __str__(self):
        return f"{self.name} ({self.community})"


class Thread(models.Model):
    """A discussion. It belongs to one community and may be linked into others (an inter-practice
    discussion): one canonical thread, one set of replies, shown in each linked community."""

    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.CASCADE, related_name="threads"
    )
    linked_communities = models.ManyToManyField(
        Community, verbose_name=_("also shown in"), blank=True, related_name="linked_threads",
        help_text=_("Makes this an inter-practice discussion that members of these communities also see."),
    )  # fmt: skip
    title = models.CharField(_("title"), max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, on_delete=models.SET_NULL, related_name="threads"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now, db_index=True)
    reply_count = models.PositiveIntegerField(_("replies"), default=0)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_locked = models.BooleanField(_("locked"), default=False, help_text=_("A locked thread takes no replies."))
    is_hidden = models.BooleanField(_("hidden"), default=False, help_text=_("Hidden threads show only to moderators."))
    followers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("followers"), blank=True, related_name="followed_threads"
    )

    class Meta:
        ordering = ["-is_pinned", "-last_activity_at"]
        verbose_name = _("discussion thread")
        verbose_name_plural = _("discussion threads")
        indexes = [
            # In the community page's order (pinned first, then latest activity): the first page is read off the
            # index, where sorting a community's threads made PostgreSQL scan every community's (15 ms at 50k).
            models.Index(
                fields=["community", "is_hidden", "-is_pinned", "-last_activity_at", "-id"], name="thread_listing"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.url_in(self.community)

    def url_in(self, community: Community) -> str:
        return reverse("communities:thread", args=[community.slug, self.pk])

    @property
    def is_inter_practice(self) -> bool:
        return self.linked_communities.exists()


class Post(models.Model):
    """The opening post or a reply. `body` is the member's Markdown; `body_html` is its sanitized rendering."""

    thread = models.ForeignKey(Thread, verbose_name=_("thread"), on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, on_delete=models.SET_NULL, related_name="posts"
    )
    body = models.TextField(_("text"), max_length=MAX_POST_LENGTH)
    body_html = models.TextField(_("rendered text"), editable=False)
    quoted = models.ForeignKey(
        "self", verbose_name=_("quotes"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_opening = models.BooleanField(_("opening post"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.CharField(_("why hidden"), max_length=200, blank=True)
    helpful_count = models.PositiveIntegerField(_("marked helpful"), default=0)
    # What search indexes where it is not `body`: a reply without its quote of a post hidden since (body_as_shown),
    # kept by communities.services whenever either changes; null while it is the body, as for nearly every post.
    # PostgreSQL's search document is computed from it (migration 0012, communities/search_document.py).
    search_text = models.TextField(_("searched text"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        # A thread's posts in page order, ids included: a page's ids (communities.views, IdsFirstPaginator) are
        # read off the index alone, without visiting or sorting the thread's posts (the last page of a 2,000-post
        # thread: 1,982 buffers and 3 ms, then 18 buffers and 0.25 ms).
        indexes = [models.Index(fields=["thread", "created_at", "id"], name="post_thread_page_order")]

    def __str__(self):
        return f"{self.author} on {self.thread}"

    def body_as_shown(self) -> str:
        """The Markdown readers are shown: without the reply's quote of a post a moderator has hidden since (the
        thread's page leaves it out, communities.post_cards), for what copies or indexes a post's words. Reads
        `quoted` (select_related it for many posts)."""
        if self.quoted_id is None or not self.quoted.is_hidden:
            return self.body
        return markdown.leading_quote_dropped(self.body, self.quoted.body)

    def search_text_now(self) -> str | None:
        """The value `search_text` should hold (see there)."""
        shown = self.body_as_shown()
        return None if shown == self.body else shown

    def text_version(self) -> str:
        """A short fingerprint of the text. The edit form carries the one it started from, so a save made over
        someone else's change (author and moderator at once) is refused rather than silently undoing it."""
        return hashlib.sha256(self.body.encode()).hexdigest()[:16]

    def changed_since(self, based_on: str, body: str) -> bool:
        """Whether saving `body`, edited from the text_version() `based_on`, would undo someone else's change.
        No version (a form served before they existed) is not checked; the text already being `body` is the
        same edit sent twice (a double click), not another's change."""
        return bool(based_on) and self.text_version() != based_on and self.body != body


class Reaction(models.Model):
    """'Helpful', one per member per post."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("helpful mark")
        verbose_name_plural = _("helpful marks")
        constraints = [models.UniqueConstraint(fields=["post", "member"], name="reaction_once_per_member")]

    def __str__(self):
        return f"{self.member} found {self.post} helpful"


class Report(models.Model):
    """A member flags a post for the community's moderators."""

    class Reason(models.TextChoices):
        ABUSE = "abuse", _("Abusive or harassing")
        SPAM = "spam", _("Spam or advertising")
        OFF_TOPIC = "off_topic", _("Off topic")
        PRIVACY = "privacy", _("Shares private information")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for review")
        UPHELD = "upheld", _("Upheld: post hidden")
        DISMISSED = "dismissed", _("Dismissed: post kept")

    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    note = models.TextField(_("details"), blank=True, max_length=2000)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("reported"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [models.UniqueConstraint(fields=["post", "reporter"], name="report_once_per_member")]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.post}"


class ModerationAction(models.Model):
    """Append-only log of what moderators did: who, what, when."""

    class Action(models.TextChoices):
        PIN = "pin", _("Pinned thread")
        UNPIN = "unpin", _("Unpinned thread")
        LOCK = "lock", _("Locked thread")
        UNLOCK = "unlock", _("Unlocked thread")
        HIDE_THREAD = "hide_thread", _("Hid thread")
        SHOW_THREAD = "show_thread", _("Showed thread")
        MOVE = "move", _("Moved thread")
        LINK = "link", _("Linked thread to communities")
        HIDE_POST = "hide_post", _("Hid post")
        SHOW_POST = "show_post", _("Showed post")
        AUTO_HIDE = "auto_hide", _("Post hidden after reports")
        UPHOLD = "uphold", _("Upheld reports")
        DISMISS = "dismiss", _("Dismissed reports")
        APPROVE = "approve", _("Approved join request")
        DECLINE = "decline", _("Declined join request")
        REMOVE = "remove", _("Removed member")
        ADD = "add", _("Added member")
        ROLE = "role", _("Changed role")
        EDIT_POST = "edit_post", _("Edited a member's post")

    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.CASCADE, related_name="moderation_actions"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text=_("Empty when the platform acted by itself (automatic hiding)."),
    )  # fmt: skip
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    thread = models.ForeignKey(Thread, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member concerned"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    note = models.CharField(_("note"), max_length=300, blank=True)
    # A post a moderator edited, as its author wrote it: the edit overwrites the post, and this is its only copy.
    previous_text = models.TextField(_("text before the edit"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation log")

    def __str__(self):
        return f"{self.get_action_display()} by {self.actor or 'the platform'}"


class Notification(models.Model):
    """An in-site notification. Email for them arrives with the digest issue."""

    class Kind(models.TextChoices):
        MENTION = "mention", _("Mention")
        REPLY = "reply", _("Reply in a followed thread")
        JOIN_DECISION = "join_decision", _("Join request decision")
        JOIN_REQUEST = "join_request", _("New join request")
        REFERRAL = "referral", _("Question for an expert")
        KNOWLEDGE = "knowledge", _("Knowledge product")
        MODERATION = "moderation", _("A moderator changed your post")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    community = models.ForeignKey(Community, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.text
