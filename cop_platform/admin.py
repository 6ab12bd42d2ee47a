from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag

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
    server is down: beat hands them over again, a failed send 30 s later, then twice as long each time up to
    hourly, twelve tries in all (cop_platform.mail)."""

    list_display = ["created_at", "__str__", "queued_at", "sent_at", "attempts", "next_try_at", "last_error"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter), "created_at"]
    actions = [queue_again]
    readonly_fields = ["payload", "created_at", "queued_at", "claimed_at", "sent_at", "attempts", "next_try_at",
                       "last_error"]  # fmt: skip

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# taggit's own admin lists every use of a tag on the tag's page, a form and two queries each: 1,100 queries and
# 2 s for a tag on a few hundred products and experts, and members' interests use tags too (thousands of uses).
# This one counts the uses instead, and keeps taggit's search and merge action. (taggit is before cop_platform in
# INSTALLED_APPS, so its admin is registered by the time this module runs.)
admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(TaggitTagAdmin):
    inlines = []
    list_display = ["name", "slug", "uses"]
    readonly_fields = ["uses"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_uses=Count("taggit_taggeditem_items"))

    @admin.display(description=_("uses"), ordering="_uses")
    def uses(self, tag):
        return getattr(tag, "_uses", 0)  # 0 on the add form
