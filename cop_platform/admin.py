from django.contrib import admin

from .mail import outbox_enqueue
from .models import OutboxEmail


@admin.action(description="Queue again now")
def queue_again(modeladmin, request, queryset):
    queued = sum(outbox_enqueue(pk) for pk in queryset.filter(sent_at__isnull=True).values_list("pk", flat=True))
    modeladmin.message_user(request, f"{queued} email(s) handed to the workers.")


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
