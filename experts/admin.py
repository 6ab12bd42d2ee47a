from django.conf import settings
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries as all_countries

from cop_platform.admin_deletion import KeptWhenUsed
from cop_platform.forms import ADMIN_TEXT_FIELDS, country_q
from members.models import User
from members.roles import accounts_changeable_by

from . import csv_import, services
from .forms import ExpertAdminForm, ExpertImportForm
from .models import Expert, ExpertCluster, ExpertStatusChange, Rating, Referral


@admin.register(ExpertCluster)
class ExpertClusterAdmin(admin.ModelAdmin):
    formfield_overrides = ADMIN_TEXT_FIELDS
    list_display = ["theme", "slug"]
    search_fields = ["theme", "description"]
    prepopulated_fields = {"slug": ["theme"]}
    filter_horizontal = ["communities"]
    autocomplete_fields = ["leads"]  # looked up as typed: listing every member made the form 5 MB at 100,000


class StatusHistoryInline(admin.TabularInline):
    model = ExpertStatusChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "from_status", "to_status", "changed_by", "note"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by", "expert")  # two queries a row, else

    def has_add_permission(self, request, obj=None):
        return False


def _status_action(status, label):
    def action(modeladmin, request, queryset):
        # Listed before: a list filtered by status no longer holds them afterwards. Those already so are left out
        # of the count ("5 experts set to Inactive" for five that already were).
        experts = list(queryset.exclude(status=status))
        # Counted as the service reports them, not as listed: a second click (or another coordinator) may have
        # changed some of them between the listing and the write, and the service then leaves them alone.
        count = sum(
            services.expert_set_status(expert=expert, status=status, actor=request.user, note="bulk change in admin")
            for expert in experts
        )
        done = ngettext("%(count)d expert set to “%(status)s”.", "%(count)d experts set to “%(status)s”.", count)
        modeladmin.message_user(request, done % {"count": count, "status": label}, messages.SUCCESS)

    action.__name__ = f"set_status_{status}"
    return admin.action(description=_set_status_description(label))(action)


def _set_status_description_now(label) -> str:
    return gettext("Set status: %(status)s") % {"status": label}


# Written when the action list is shown, in its reader's language: `_("Set status: %(status)s") % …` at import time
# turned the lazy string into the English text for everyone.
_set_status_description = lazy(_set_status_description_now, str)


class CountryFilter(admin.SimpleListFilter):
    title = _("country")
    parameter_name = "country"

    def lookups(self, request, model_admin):
        return [(code, all_countries.name(code)) for code in settings.COUNTRIES_FIRST]

    def queryset(self, request, queryset):
        return queryset.filter(country_q("countries", self.value())) if self.value() else queryset


@admin.register(Expert)
class ExpertAdmin(KeptWhenUsed, admin.ModelAdmin):
    form = ExpertAdminForm
    formfield_overrides = ADMIN_TEXT_FIELDS
    change_list_template = "admin/experts/expert/change_list.html"
    list_display = ["name", "category", "organization", "status", "status_changed_at", "member"]
    list_filter = ["status", "category", "clusters", "gender", CountryFilter]
    search_fields = ["name", "email", "organization"]
    list_select_related = ["member"]
    autocomplete_fields = ["member"]
    filter_horizontal = ["clusters", "languages"]
    readonly_fields = ["status", "status_changed_at", "created_at"]
    inlines = [StatusHistoryInline]
    actions = [_status_action(value, label) for value, label in Expert.Status.choices]
    fieldsets = [
        (None, {"fields": ["name", "category", "organization", "countries", "gender", "bio"]}),
        (_("Expertise"), {"fields": ["clusters", "expertise", "languages", "capacity_per_month"]}),
        (_("Contact (coordinators only)"), {"fields": ["email", "phone", "member"]}),
        (_("Pipeline"), {"description": _("Change the status with the list's actions so the history is kept."),
                         "fields": ["status", "status_changed_at", "created_at"]}),
    ]  # fmt: skip

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.changeable = accounts_changeable_by(request.user, User.objects.all())
        return form

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            services.expert_created(expert=form.instance, actor=request.user)
        if "member" in form.changed_data:
            # Chosen here rather than by the member confirming the address: the same link, role and audit entry;
            # the account chosen before loses the role.
            before = User.objects.filter(pk=form.initial.get("member")).first() if form.initial.get("member") else None
            if before is not None and before != form.instance.member:
                services.expert_unlink_member(expert=form.instance, member=before, actor=request.user)
            if form.instance.member is not None:
                services.expert_link_member(expert=form.instance, member=form.instance.member, actor=request.user)

    def kept_because(self, expert):
        # Deleting took the expert's referrals and members' ratings with it: the answered-referral and
        # satisfaction figures of past months. "Inactive" keeps them and takes the expert off every list.
        if expert.referrals.exists():
            return gettext(
                "members asked this expert and rated the answers; the indicators count them. "
                "Set the status to “Inactive” instead."
            )
        return None

    def delete_model(self, request, obj):
        member = obj.member
        super().delete_model(request, obj)
        if member is not None:
            services.expert_unlink_member(expert=obj, member=member, actor=request.user)  # the role went with it

    def delete_queryset(self, request, queryset):
        for expert in queryset.select_related("member"):
            self.delete_model(request, expert)

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="experts_expert_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload → preview with per-row errors → confirm. Only rows without errors or duplicates import."""
        if not self.has_add_permission(request):
            return redirect("admin:index")
        form = ExpertImportForm(request.POST or None, request.FILES or None)
        preview = None
        if request.method == "POST" and form.is_valid():
            preview = csv_import.preview(form.cleaned_data["content"])
            if "confirm" in request.POST and not preview.file_errors:
                created = csv_import.import_rows(preview, actor=request.user)
                self.message_user(
                    request,
                    ngettext("%(count)d expert imported.", "%(count)d experts imported.", len(created))
                    % {"count": len(created)},
                    messages.SUCCESS,
                )
                if preview.stored_meanwhile:  # a second "Confirm" of the same file
                    already = len(preview.stored_meanwhile)
                    self.message_user(
                        request,
                        ngettext(
                            "%(count)d row was not imported: that expert already exists.",
                            "%(count)d rows were not imported: those experts already exist.",
                            already,
                        )
                        % {"count": already},
                        messages.WARNING,
                    )
                return redirect(reverse("admin:experts_expert_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import mapped experts from CSV"),
            "opts": self.model._meta,
            "form": form,
            "preview": preview,
            "content": form.cleaned_data.get("content", "") if form.is_bound and form.is_valid() else "",
            "columns": csv_import.COLUMNS,
        }
        return TemplateResponse(request, "admin/experts/expert/import.html", context)


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    """Questions are asked of experts on the thread's page ("Ask an expert"), which checks the expert, emails them
    and sets the due date. Here only the due date can be changed; what happened stays as it was recorded (the time
    to a first answer and the answered share are indicators)."""

    list_display = ["thread", "expert", "community", "status", "due_at", "first_answer_at", "reminded_at"]
    list_filter = ["status", "community", "expert__clusters"]
    search_fields = ["thread__title", "expert__name"]
    list_select_related = ["thread", "expert", "community"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "thread", "community", "expert", "asked_by", "flagged_by", "status", "created_at", "first_answer",
        "first_answer_at", "reminded_at", "resolved_at",
    ]  # fmt: skip

    def has_add_permission(self, request):
        # Added here, a referral skipped the service: an inactive expert, a due date past, no email (their first
        # word of it was the overdue reminder).
        return False


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["referral", "score", "rater", "created_at"]
    list_filter = ["score"]
    list_select_related = ["referral__expert", "referral__thread", "rater"]
    search_fields = ["referral__expert__name", "referral__thread__title", "rater__full_name", "rater__email"]
    readonly_fields = ["referral", "rater", "score", "comment", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # A member's rating is theirs, and the month's satisfaction with experts' advice counts it.
        return False
