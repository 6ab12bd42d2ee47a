from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from cop_platform.admin_columns import country_name

from .audit import audit_record, member_label
from .models import Activity, AuditEntry, Language, LocalCommunity, User


class MemberCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


@admin.register(User)
class MemberAdmin(DjangoUserAdmin):
    add_form = MemberCreationForm
    ordering = ["full_name", "email"]
    list_display = [
        "email", "full_name", country_name, "organization", "position_level", "gender",
        "is_active", "is_staff", "date_joined",
    ]  # fmt: skip
    list_filter = [
        "is_active", "is_staff", "groups", "country", "gender", "position_level",
        ("local_community", admin.RelatedOnlyFieldListFilter), "date_joined",
    ]  # fmt: skip
    search_fields = ["email", "full_name", "organization", "city_region"]
    list_select_related = ["local_community"]
    # No year-by-year drill-down (date_hierarchy): it read every member for their years on each page of the list
    # (30-50 ms at 100,000). The "date joined" filter gives the ranges.
    filter_horizontal = ["groups", "user_permissions", "languages"]
    readonly_fields = ["last_login", "date_joined", "profile_completed_at"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Profile"),
            {
                "fields": [
                    "full_name",
                    "country",
                    "organization",
                    "position_level",
                    "gender",
                    "city_region",
                    "local_community",
                    "languages",
                    "interests",
                    "language",
                    "time_zone",
                    "hide_email",
                    "profile_completed_at",
                ]  # fmt: skip
            },
        ),
        (
            _("Roles"),
            {
                "description": _(
                    "Coordinators: tick “staff status” and add the Coordinators group. Report viewers: add the "
                    "Report viewers group. Experts: add the Experts group."
                ),
                "fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"],
            },
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]

    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def get_search_fields(self, request):
        # A form's member field (autocomplete: speakers, authors, leads) is filled by name, or by address when
        # the words typed have an "@": one column, through its trigram index (members 0009 and 0010). The four
        # columns of the list's search took 55-60 ms a keystroke at 100,000 members.
        match = request.resolver_match
        if match and match.url_name == "autocomplete":
            return ["email"] if "@" in request.GET.get("term", "") else ["full_name"]
        return super().get_search_fields(request)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Coordinators manage members and roles (groups); only superusers hand out superuser or raw permissions.
            fields += ["is_superuser", "user_permissions"]
        return fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        # The bulk "delete selected" action checks permission without an object: keep superusers out of it.
        if not request.user.is_superuser:
            queryset = queryset.filter(is_superuser=False)
        super().delete_queryset(request, queryset)

    def save_model(self, request, obj, form, change):
        if change:
            before = type(obj).objects.filter(pk=obj.pk).values("is_staff", "is_superuser", "is_active").first() or {}
            after = {"is_staff": obj.is_staff, "is_superuser": obj.is_superuser, "is_active": obj.is_active}
            changes = [
                f"{name}: {before.get(name)} → {value}" for name, value in after.items() if before.get(name) != value
            ]
            if changes:
                audit_record(
                    actor=request.user, action=AuditEntry.Action.STAFF_CHANGED, target=member_label(obj),
                    detail="; ".join(changes),
                )  # fmt: skip
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        member = form.instance
        before = set(member.groups.values_list("name", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        after = set(member.groups.values_list("name", flat=True))
        for name in sorted(after - before):
            audit_record(
                actor=request.user, action=AuditEntry.Action.ROLE_GRANTED, target=member_label(member), detail=name
            )
        for name in sorted(before - after):
            audit_record(
                actor=request.user, action=AuditEntry.Action.ROLE_REVOKED, target=member_label(member), detail=name
            )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "email" and isinstance(field, forms.EmailField):
            field.help_text = _("Members sign in with this address.")
        return field


@admin.register(LocalCommunity)
class LocalCommunityAdmin(admin.ModelAdmin):
    list_display = ["name", country_name, "region", "population_covered", "population_source"]
    list_filter = ["country"]
    search_fields = ["name", "region"]


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    """Read-only: the record is written by the platform and read by the indicators."""

    list_display = ["occurred_at", "member", "kind", "community"]
    # The table grows by every member's every action (a million rows at the benchmark's scale): its filters list
    # the communities, not the ones found in its rows, and dates by range (today, past 7 days, this month, this
    # year), not a year-by-year drill-down, which read every row for its years (250 ms at a million).
    list_filter = ["kind", "community", "occurred_at"]
    search_fields = ["member__email", "member__full_name"]
    list_select_related = ["member", "community"]
    show_full_result_count = False  # skip the extra COUNT(*) of the whole table when filtered

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Role and membership changes, moderation, exports and deletions: who, what, when. Read-only."""

    list_display = ["occurred_at", "actor_label", "action", "target", "detail"]
    list_filter = ["action", "occurred_at"]
    search_fields = ["actor_label", "target", "detail"]
    date_hierarchy = "occurred_at"
    readonly_fields = ["occurred_at", "actor_label", "action", "target", "detail"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# allauth's email addresses: a coordinator who could change a superuser's sign-in address could then reset
# their password. Superusers' addresses are for superusers only.
from allauth.account.admin import EmailAddressAdmin  # noqa: E402
from allauth.account.models import EmailAddress  # noqa: E402


class GuardedEmailAddressAdmin(EmailAddressAdmin):
    def _protects_superuser(self, request, obj) -> bool:
        return obj is not None and obj.user.is_superuser and not request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return not self._protects_superuser(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._protects_superuser(request, obj) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if obj.user.is_superuser and not request.user.is_superuser:
            raise PermissionDenied("Only a superuser may change a superuser's email addresses.")
        super().save_model(request, obj, form, change)


admin.site.unregister(EmailAddress)
admin.site.register(EmailAddress, GuardedEmailAddressAdmin)
