from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class Frequency(models.TextChoices):
    OFF = "off", _("Off: no digest")
    WEEKLY = "weekly", _("Weekly")
    BIWEEKLY = "biweekly", _("Every two weeks")
    MONTHLY = "monthly", _("Monthly")


PERIOD_EPOCH = date(2026, 1, 5)
FREQUENCY_DAYS = {Frequency.WEEKLY: 7, Frequency.BIWEEKLY: 14, Frequency.MONTHLY: 30}


class DigestPreference(models.Model):
    """A member's digest settings. Created on first use with the default (every two weeks)."""

    member = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_preference")
    frequency = models.CharField(_("frequency"), max_length=16, choices=Frequency.choices, default=Frequency.BIWEEKLY)
    next_digest_at = models.DateTimeField(_("next digest"), default=timezone.now, db_index=True)
    last_sent_at = models.DateTimeField(_("last digest sent"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)

    class Meta:
        verbose_name = _("digest preference")
        verbose_name_plural = _("digest preferences")

    def __str__(self):
        return f"{self.member}: {self.get_frequency_display()}"

    @property
    def period_days(self) -> int:
        return FREQUENCY_DAYS.get(self.frequency, 14)

    def period_key(self, moment) -> str:
        """The period a digest planned at `moment` belongs to (monthly: the calendar month; weekly and every two
        weeks: fixed windows counted from Monday 5 January 2026)."""
        day = moment.date()
        if self.frequency == Frequency.MONTHLY:
            return f"monthly:{day:%Y-%m}"
        days = self.period_days
        start = PERIOD_EPOCH + timedelta(days=((day - PERIOD_EPOCH).days // days) * days)
        return f"{self.frequency}:{start.isoformat()}"


class NewsItem(models.Model):
    """'News and opportunities' the coordinator pins into digests and onto the home page until it expires."""

    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("short text"), max_length=1000)
    link = models.URLField(_("link"), blank=True)
    communities = models.ManyToManyField(
        "communities.Community", verbose_name=_("only for these communities"), blank=True, related_name="+",
        help_text=_("Empty: every member (within the countries below, if any)."),
    )  # fmt: skip
    countries = CountryField(_("only for these countries"), multiple=True, blank=True)
    starts_at = models.DateTimeField(_("show from"), default=timezone.now)
    expires_at = models.DateTimeField(_("show until"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("news item")
        verbose_name_plural = _("news and opportunities")

    def __str__(self):
        return self.title


class DigestRound(models.Model):
    """One run of the planner: which deliveries it queued, for the coordinator's counts."""

    started_at = models.DateTimeField(default=timezone.now)
    planned = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("digest round")
        verbose_name_plural = _("digest rounds")

    def __str__(self):
        return f"Round of {self.started_at:%Y-%m-%d %H:%M}"


class DigestDelivery(models.Model):
    """Exactly one row per member and period: claimed before sending, so a digest goes out once."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED_EMPTY = "skipped_empty", _("Skipped: nothing new")

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_deliveries")
    period = models.CharField(max_length=40)
    round = models.ForeignKey(DigestRound, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    # What the digest contained ({"threads": [ids], ...}): never repeated in a later digest; shown in the browser.
    items = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("digest delivery")
        verbose_name_plural = _("digest deliveries")
        constraints = [models.UniqueConstraint(fields=["member", "period"], name="digest_once_per_period")]
        indexes = [models.Index(fields=["status", "claimed_at"], name="digest_delivery_status")]

    def __str__(self):
        return f"{self.member} · {self.period} · {self.get_status_display()}"
