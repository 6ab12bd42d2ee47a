import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cop_platform.minutes import to_the_minute
from members.models import TIME_ZONE_CHOICES


def new_checkin_code() -> str:
    return secrets.token_hex(3).upper()


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class Event(models.Model):
    """A webinar, meeting or training. Times are stored in UTC and shown in each viewer's time zone.

    Its start, end and registration deadline are on the minute (save() drops seconds): members are shown the minute,
    and a page is kept for up to a minute (cop_platform.page_cache, keyed by the minute), so an event starting at
    10:00:40 was offered "Register" by a page kept from 10:00 after registration had closed."""

    class Kind(models.TextChoices):
        WEBINAR = "webinar", _("Webinar")
        IN_PERSON = "in_person", _("In person")
        HYBRID = "hybrid", _("Hybrid")
        WORKSHOP = "workshop", _("Workshop")
        TRAINING = "training", _("Training")
        CONSULTATION = "consultation", _("Consultation")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.WEBINAR)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    communities = models.ManyToManyField(
        "communities.Community", verbose_name=_("communities"), blank=True, related_name="events",
        help_text=_("Leave empty for an event open to every member. An event of a private community is shown "
                    "only to its members."),
    )  # fmt: skip
    clusters = models.ManyToManyField(
        "experts.ExpertCluster", verbose_name=_("expert clusters"), blank=True, related_name="events"
    )
    speaker_members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("speakers (members)"), blank=True, related_name="events_speaking"
    )
    speaker_experts = models.ManyToManyField(
        "experts.Expert", verbose_name=_("speakers (experts)"), blank=True, related_name="events_speaking"
    )
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    description_html = models.TextField(editable=False, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(
        _("organizer's time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="Asia/Yangon",
        help_text=_("Calendar files carry this zone; members see times in their own."),
    )  # fmt: skip
    venue = models.CharField(_("venue"), max_length=300, blank=True, help_text=_("Address, for in-person events."))
    join_url = models.URLField(
        _("online join link"), blank=True, help_text=_("Shown only to registered members, never in public pages.")
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty for no limit. Beyond it, members join a waitlist.")
    )
    registration_deadline = models.DateTimeField(
        _("registration deadline"), null=True, blank=True, help_text=_("Registration always closes at the start.")
    )
    language = models.ForeignKey(
        "members.Language", verbose_name=_("language"), null=True, blank=True, on_delete=models.SET_NULL
    )
    recording_url = models.URLField(_("recording"), blank=True)
    materials = models.TextField(_("materials"), blank=True, help_text=_("Links and notes after the event (Markdown)."))
    materials_html = models.TextField(editable=False, blank=True)
    checkin_code = models.CharField(
        _("check-in code"), max_length=12, default=new_checkin_code,
        help_text=_("Shown at the event; members enter it to record their attendance."),
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    # The calendar file's revision (SEQUENCE) and when it was made (DTSTAMP): a calendar that imported the event
    # takes a new copy only with a higher number, so it kept the old time of a moved or cancelled event. Counted by
    # the services that change its time, place, link or status (events.services.CALENDAR_FIELDS).
    sequence = models.PositiveIntegerField(default=0, editable=False)
    revised_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start")]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="event_schedule"),
            # The schedule's default filter: published or cancelled events that have not ended yet.
            models.Index(fields=["status", "ends_at"], name="event_upcoming"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.keep_to_the_minute()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("events:detail", args=[self.slug])

    def keep_to_the_minute(self) -> None:
        """Drop the seconds of its times (see the class's docstring)."""
        for name in TIMES_ON_THE_MINUTE:
            setattr(self, name, to_the_minute(getattr(self, name)))

    def revise(self) -> None:
        """A new revision of what calendars hold of the event (its time, place, link or status); saved by the caller."""
        self.sequence += 1
        self.revised_at = timezone.now()

    def named_speakers(self) -> list[tuple[str, str]]:
        """(name, link or "") for each speaker a page names, from the prefetched speakers: members, but not a
        deactivated account (named nowhere, its profile not found), then experts, linked when listed."""
        members = [(m.public_name, reverse("members:detail", args=[m.pk])) for m in self.speaker_members.all()]
        experts = [(e.name, e.get_absolute_url() if e.is_listed else "") for e in self.speaker_experts.all()]
        return [(name, url) for name, url in members if name] + experts

    @property
    def is_past(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def registration_open(self) -> bool:
        now = timezone.now()
        if self.status != self.Status.PUBLISHED or self.starts_at <= now:
            return False
        return self.registration_deadline is None or now < self.registration_deadline


# The times Event.save keeps to the minute.
TIMES_ON_THE_MINUTE = ("starts_at", "ends_at", "registration_deadline")


class Registration(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="registrations"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.REGISTERED)
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    promoted_at = models.DateTimeField(_("promoted from the waitlist"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True, help_text=_("Empty until marked."))
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    # Reminder outbox: claimed before sending, marked sent after; a stale claim is retried.
    reminder_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "member"], condition=~Q(status="cancelled"), name="registration_one_live_per_member"
            )
        ]
        indexes = [models.Index(fields=["event", "status", "created_at"], name="registration_queue")]

    def __str__(self):
        return f"{self.member} · {self.event} ({self.get_status_display()})"


class Feedback(models.Model):
    """The short survey after an event: once per attendee."""

    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="feedback")
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), choices=[(n, str(n)) for n in range(1, 6)])
    useful = models.TextField(_("what was useful"), blank=True, max_length=2000)
    suggestions = models.TextField(_("suggestions"), blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.CheckConstraint(condition=Q(satisfaction__gte=1, satisfaction__lte=5), name="feedback_score_1_to_5")
        ]

    def __str__(self):
        return f"{self.satisfaction}/5 · {self.registration.event}"


class CalendarFeed(models.Model):
    """A member's personal calendar feed: a secret URL listing the events they registered for."""

    member = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Calendar feed of {self.member}"


class TopicSuggestion(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        SCHEDULED = "scheduled", _("Scheduled")
        DECLINED = "declined", _("Not planned")

    title = models.CharField(_("topic"), max_length=200)
    why = models.TextField(_("why it matters"), blank=True, max_length=2000)
    community = models.ForeignKey(
        "communities.Community", verbose_name=_("community"), null=True, blank=True, on_delete=models.SET_NULL
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    event = models.ForeignKey(
        Event, verbose_name=_("scheduled as"), null=True, blank=True, on_delete=models.SET_NULL, related_name="topics"
    )
    vote_count = models.PositiveIntegerField(_("votes"), default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-vote_count", "-created_at"]
        verbose_name = _("webinar topic suggestion")
        verbose_name_plural = _("webinar topic suggestions")

    def __str__(self):
        return self.title


class TopicVote(models.Model):
    suggestion = models.ForeignKey(TopicSuggestion, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["suggestion", "member"], name="topic_vote_once")]

    def __str__(self):
        return f"{self.member} → {self.suggestion}"
