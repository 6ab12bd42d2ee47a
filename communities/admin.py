from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .member_counts import member_counts_forget
from .models import Community, LocalActionTeam, Membership, ModerationAction, Post, Report, Thread


class LocalActionTeamInline(admin.TabularInline):
    model = LocalActionTeam
    extra = 0
    autocomplete_fields = ["leader", "local_community"]
    fields = ["name", "local_community", "leader"]


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "visibility", "created_at"]
    list_filter = ["visibility", "created_at"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "description", "themes", "countries", "visibility", "created_by"]
    readonly_fields = ["created_by"]
    inlines = [LocalActionTeamInline]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if not change:  # a new community: saved with its tags, the coordinator as first leader
            services.community_create(form=form, creator=request.user)
            for formset in formsets:
                formset.instance = form.instance
                self.save_formset(request, form, formset, change=change)
            return
        super().save_related(request, form, formsets, change)


def _decide_requests(request, queryset, approve: bool) -> int:
    pending = queryset.filter(status=Membership.Status.PENDING).select_related("community", "member")
    for membership in pending:
        services.membership_decide(membership=membership, actor=request.user, approve=approve)
    return len(pending)


@admin.action(description=_("Approve the selected join requests"))
def approve_requests(modeladmin, request, queryset):
    count = _decide_requests(request, queryset, approve=True)
    message = ngettext(
        "%(count)d request approved; the member was told.", "%(count)d requests approved; the members were told.", count
    ) % {"count": count}
    modeladmin.message_user(request, message, messages.SUCCESS)


@admin.action(description=_("Decline the selected join requests"))
def decline_requests(modeladmin, request, queryset):
    count = _decide_requests(request, queryset, approve=False)
    message = ngettext(
        "%(count)d request declined; the member was told.", "%(count)d requests declined; the members were told.", count
    ) % {"count": count}
    modeladmin.message_user(request, message, messages.SUCCESS)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["member", "community", "role", "status", "requested_at", "joined_at", "left_at"]
    list_filter = ["status", "role", "community"]
    search_fields = ["member__email", "member__full_name", "community__name"]
    list_select_related = ["member", "community"]
    autocomplete_fields = ["member", "community"]
    readonly_fields = ["decided_by"]
    actions = [approve_requests, decline_requests]
    date_hierarchy = "requested_at"

    def get_readonly_fields(self, request, obj=None):
        # A membership stays the same member's in the same community: its dates are that community's history
        # (the indicators count them). To move someone, end this membership and add another.
        return [*self.readonly_fields, "member", "community"] if obj else self.readonly_fields

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        member_counts_forget([obj.community_id])

    def delete_queryset(self, request, queryset):
        communities = set(queryset.values_list("community_id", flat=True))
        super().delete_queryset(request, queryset)
        member_counts_forget(communities)


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "community",
        "author",
        "reply_count",
        "is_pinned",
        "is_locked",
        "is_hidden",
        "last_activity_at",
    ]
    list_filter = ["is_pinned", "is_locked", "is_hidden", "community"]
    search_fields = ["title"]
    list_select_related = ["community", "author"]
    autocomplete_fields = ["author", "community"]
    filter_horizontal = ["linked_communities"]
    exclude = ["followers"]
    readonly_fields = ["reply_count", "created_at"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["__str__", "created_at", "is_hidden", "helpful_count"]
    list_filter = ["is_hidden", "thread__community"]
    search_fields = ["body", "author__email", "author__full_name"]
    list_select_related = ["author", "thread"]
    readonly_fields = ["thread", "author", "body_html", "quoted", "created_at", "edited_at", "helpful_count"]
    fields = ["thread", "author", "body", "is_hidden", "hidden_reason", "created_at", "edited_at", "helpful_count"]

    def save_model(self, request, obj, form, change):
        if "body" in form.changed_data:
            services.post_edit(post=obj, editor=request.user, body=obj.body)
        super().save_model(request, obj, form, change)


def _review(request, queryset, uphold: bool) -> int:
    posts = {report.post for report in queryset.filter(status=Report.Status.OPEN).select_related("post__thread")}
    for post in posts:
        services.reports_review(post=post, actor=request.user, uphold=uphold)
    return len(posts)


@admin.action(description=_("Uphold: hide the reported posts"))
def uphold_reports(modeladmin, request, queryset):
    count = _review(request, queryset, uphold=True)
    modeladmin.message_user(
        request,
        ngettext("%(count)d post hidden.", "%(count)d posts hidden.", count) % {"count": count},
        messages.SUCCESS,
    )


@admin.action(description=_("Dismiss: keep the reported posts"))
def dismiss_reports(modeladmin, request, queryset):
    count = _review(request, queryset, uphold=False)
    modeladmin.message_user(
        request,
        ngettext("%(count)d post kept visible.", "%(count)d posts kept visible.", count) % {"count": count},
        messages.SUCCESS,
    )


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Reports are decided with the actions (or in the community's moderation queue), so the decision is logged."""

    list_display = ["post", "reason", "reporter", "status", "created_at"]
    list_filter = ["status", "reason", "post__thread__community"]
    list_select_related = ["post__thread", "post__author", "reporter"]
    readonly_fields = ["post", "reporter", "reason", "note", "status", "created_at", "reviewed_by", "reviewed_at"]
    actions = [uphold_reports, dismiss_reports]

    def has_add_permission(self, request):
        return False


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    """Append-only: the log is written by the platform."""

    list_display = ["created_at", "community", "actor", "action", "subject", "note"]
    list_filter = ["action", "community"]
    list_select_related = ["community", "actor", "subject"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LocalActionTeam)
class LocalActionTeamAdmin(admin.ModelAdmin):
    list_display = ["name", "community", "local_community", "leader"]
    list_filter = ["community", "local_community__country"]
    search_fields = ["name"]
    autocomplete_fields = ["leader", "local_community", "community", "members"]  # members: looked up as typed
