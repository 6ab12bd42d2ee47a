from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cop_platform.forms import ADMIN_TEXT_FIELDS
from members.models import User

from . import services
from .models import DigestDelivery, DigestPreference, DigestRound, NewsItem


@admin.register(NewsItem)
class NewsItemAdmin(admin.ModelAdmin):
    formfield_overrides = ADMIN_TEXT_FIELDS
    list_display = ["title", "starts_at", "expires_at"]
    list_filter = ["communities", "expires_at"]
    search_fields = ["title", "text"]
    filter_horizontal = ["communities"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        # "Show from / until" said nothing of email: the item goes into every matching member's digest then.
        if "starts_at" in form.base_fields:
            form.base_fields["starts_at"].help_text = _(
                "From then until it expires, the item is in the email digests of the members it is for, and on "
                "their home page."
            )
        return form


@admin.register(DigestRound)
class DigestRoundAdmin(admin.ModelAdmin):
    """Delivery counts per planner round."""

    list_display = ["started_at", "planned", "sent", "skipped", "failed", "waiting"]
    date_hierarchy = "started_at"

    def get_queryset(self, request):
        counts = {
            name: Count("deliveries", filter=Q(deliveries__status__in=statuses))
            for name, statuses in {
                "_sent": ["sent"], "_skipped": ["skipped_empty"], "_failed": ["failed"],
                "_waiting": ["queued", "sending"],
            }.items()
        }  # fmt: skip
        return super().get_queryset(request).annotate(**counts)

    @admin.display(description=_("sent"))
    def sent(self, obj):
        return obj._sent

    @admin.display(description=_("skipped (nothing new)"))
    def skipped(self, obj):
        return obj._skipped

    @admin.display(description=_("failed"))
    def failed(self, obj):
        return obj._failed

    @admin.display(description=_("waiting"))
    def waiting(self, obj):
        return obj._waiting

    def has_add_permission(self, request):
        return False


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(admin.ModelAdmin):
    list_display = ["member", "period", "status", "attempts", "sent_at", "error"]
    list_filter = ["status", "round"]
    search_fields = ["member__email", "member__full_name"]
    list_select_related = ["member"]
    readonly_fields = ["member", "period", "round", "status", "attempts", "claimed_at", "sent_at", "error", "items",
                       "created_at"]  # fmt: skip

    def has_add_permission(self, request):
        return False


@admin.register(DigestPreference)
class DigestPreferenceAdmin(admin.ModelAdmin):
    list_display = ["member", "frequency", "next_digest_at", "last_sent_at", "preview_link"]
    list_filter = ["frequency"]
    search_fields = ["member__email", "member__full_name"]
    list_select_related = ["member"]
    readonly_fields = ["member", "last_sent_at", "unsubscribed_at"]

    def has_add_permission(self, request):
        return False  # made for a member when first needed; a form without its member could only fail (a 500)

    def has_delete_permission(self, request, obj=None):
        # A member's choice: deleted, the next round made a new one with the default, and a member who had
        # unsubscribed got digests again. Change the frequency instead.
        return False

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in ("frequency", "next_digest_at"):
            # The page carries the values it showed, and "changed" means changed from those: compared with the row
            # read again on saving, a round's new date, or the member's own "off" chosen meanwhile, read as the
            # coordinator's change, and the values on their screen were written back over them.
            field.show_hidden_initial = True
        return field

    def save_model(self, request, obj, form, change):
        # Only what the coordinator changed (see formfield_for_dbfield), each through its own write: a whole-row
        # save put back last_sent_at and next_digest_at as the page had read them.
        if not change:
            super().save_model(request, obj, form, change)
            return
        if "frequency" in form.changed_data:
            # As the member's own choice: "off" records when they were unsubscribed, another the next date.
            services.preference_set(member=obj.member, frequency=obj.frequency)
        if "next_digest_at" in form.changed_data:
            type(obj).objects.filter(pk=obj.pk).update(next_digest_at=obj.next_digest_at)

    @admin.display(description=_("next digest"))
    def preview_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:digests_preview", args=[obj.member_id]), _("Preview"))

    def get_urls(self):
        return [
            path("preview/<int:member_id>/", self.admin_site.admin_view(self.preview_view), name="digests_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request, member_id):
        # A member's digest shows what they may see (private communities included): coordinators only.
        if not self.has_view_permission(request):
            raise PermissionDenied
        member = get_object_or_404(User, pk=member_id)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Next digest of %(member)s") % {"member": member},
            "digest": services.preview(member),
            "member": member,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/digests/preview.html", context)
