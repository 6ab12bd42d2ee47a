from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxEmail(models.Model):
    """Every email the site sends is first a row here, written in the same transaction as the change that
    caused it. A worker claims and sends it; if the broker was down when it was queued, the sweeper (beat,
    every minute) hands it to a worker when the broker is back. Nothing that must go out is lost."""

    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    queued_at = models.DateTimeField(null=True, blank=True, help_text=_("Last handed to the broker."))
    claimed_at = models.DateTimeField(null=True, blank=True, help_text=_("A worker is sending it."))
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_try_at = models.DateTimeField(
        null=True, blank=True, help_text=_("After a failed send: when it is tried again.")
    )
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outbox")
        indexes = [models.Index(fields=["sent_at", "queued_at"], name="outbox_pending")]

    def __str__(self):
        return f"{self.payload.get('subject', '')} → {', '.join(self.payload.get('to', []))}"
