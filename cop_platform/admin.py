from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .mail import outbox_enqueue
from .models import OutboxEmail


@admin.action(description=_("Queue again now"))
def queue_again(modeladmin, request, queryset):
    queued = sum(outbox_enqueue(pk) for pk in queryset.filter(sent_at__isnull=True).values_list("pk", flat=True))
    modeladmin.message_user(
        request,
        ngettext("%(count)d email handed to the workers.", "%(count)d emails handed to the workers.", queued)
        % {"count": queued},
    )


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    """Every email the site sent or will send. Unsent rows older than a minute mean the broker or the mail
    server is down; beat retries them every minute (at most 10 attempts)."""

    list_display = ["created_at", "__str__", "queued_at", "sent_at", "attempts", "last_error"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter), "created_at"]
    actions = [queue_again]
    readonly_fields = ["payload", "created_at", "queued_at", "claimed_at", "sent_at", "attempts", "last_error"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
