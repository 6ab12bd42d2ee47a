from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cop_platform.admin_columns import country_name

from . import privacy
from .audit import audit_record, member_label
from .models import Activity, AuditEntry, Language, LocalCommunity, User
from .roles import ROLE_GROUPS, accounts_changeable_by


class MemberCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


def _deletable_accounts(modeladmin, request, queryset) -> list[User]:
    """The chosen accounts this coordinator may delete: not their own (the privacy page is for that), not one
    already deleted or being deleted, not one they may not change (a superuser's, say)."""
    if not modeladmin.has_change_permission(request):
        return []
    return list(modeladmin.changeable_by(request, queryset.exclude(pk=request.user.pk)))


@admin.action(description=_("Delete the selected accounts (as their members would)"), permissions=["change"])
def delete_accounts(modeladmin, request, queryset):
    accounts = _deletable_accounts(modeladmin, request, queryset)
    if request.POST.get("confirmed") != "yes":  # Django's own deletions ask first too
        return TemplateResponse(
            request,
            "admin/members/user/delete_accounts.html",
            {
                **modeladmin.admin_site.each_context(request),
                "opts": modeladmin.model._meta,
                "accounts": accounts,
                "chosen": queryset.values_list("pk", flat=True),
                "title": _("Delete accounts"),
            },
        )
    deleted = 0
    for account in accounts:
        try:
            privacy.account_delete_request(member=account, deleted_by=request.user)
            deleted += 1
        except privacy.PrivacyError as error:
            modeladmin.message_user(request, f"{account}: {error}", messages.ERROR)
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d account deleted: it can no longer be used, and its details are removed in the background "
            "within minutes.",
            "%(count)d accounts deleted: they can no longer be used, and their details are removed in the "
            "background within minutes.",
            deleted,
        )
        % {"count": deleted},
        messages.SUCCESS,
    )
    return None


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
        ("local_community", admin.RelatedOnlyFieldListFilter), "date_joined", "deletion_requested_at",
    ]  # fmt: skip
    search_fields = ["email", "full_name", "organization", "city_region"]
    list_select_related = ["local_community"]
    # No year-by-year drill-down (date_hierarchy): it read every member for their years on each page of the list
    # (30-50 ms at 100,000). The "date joined" filter gives the ranges.
    filter_horizontal = ["groups", "user_permissions", "languages"]
    actions = [delete_accounts]
    readonly_fields = [
        "last_login", "date_joined", "profile_completed_at", "deletion_requested_at", "deletion_requested_by",
        "browser_language",
    ]  # fmt: skip
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
                    "browser_language",
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
                    "Report viewers group. Experts are linked to their account from their expert profile, "
                    "which adds the Experts group."
                ),
                "fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"],
            },
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined", "deletion_requested_at", "deletion_requested_by"]}),
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

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.deletion_requested_at is not None:
            # No password to show or set: it was made unusable, and the page is read-only (a "Set password"
            # link there would be refused).
            fieldsets = [
                (name, {**options, "fields": [f for f in options["fields"] if f != "password"]})
                for name, options in fieldsets
            ]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Coordinators manage members and roles (groups); only superusers hand out superuser or raw permissions.
            fields += ["is_superuser", "user_permissions"]
        return fields

    def changeable_by(self, request, accounts):
        return accounts_changeable_by(request.user, accounts)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not self.changeable_by(request, User.objects.filter(pk=obj.pk)).exists():
            return False
        return super().has_change_permission(request, obj)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            # Coordinators hand out the platform's roles; a group a superuser makes later is theirs to give.
            kwargs["queryset"] = Group.objects.filter(name__in=ROLE_GROUPS).order_by("name")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        # An account is deleted as its member would delete it (the "Delete the selected accounts" action):
        # posts kept as "Former member", personal data gone, memberships ended so past months' indicators stay
        # as they were. Deleting the row took memberships, registrations and reports with it, freed seats
        # without moving waitlists, and left the name in the audit log.
        return False

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


# allauth's email addresses: a coordinator who could change an account's sign-in address could then reset its
# password. Addresses are changed, added, verified or deleted only on accounts the members admin lets them change.
from allauth.account.admin import EmailAddressAdmin  # noqa: E402
from allauth.account.models import EmailAddress  # noqa: E402


class GuardedEmailAddressAdmin(EmailAddressAdmin):
    def _may_change_account_of(self, request, obj) -> bool:
        return obj is None or accounts_changeable_by(request.user, User.objects.filter(pk=obj.user_id)).exists()

    def has_change_permission(self, request, obj=None):
        return self._may_change_account_of(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_change_account_of(request, obj) and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":  # another account's id typed in is refused as "not one of the choices"
            kwargs["queryset"] = accounts_changeable_by(request.user, User.objects.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        before = EmailAddress.objects.filter(pk=obj.pk).values_list("user_id", flat=True).first() if change else None
        owners = User.objects.filter(pk__in={obj.user_id, before} - {None})
        if accounts_changeable_by(request.user, owners).count() != owners.count():
            raise PermissionDenied("This account's addresses are for a superuser to change.")
        super().save_model(request, obj, form, change)

    @admin.action(description=EmailAddressAdmin.make_verified.short_description, permissions=["change"])
    def make_verified(self, request, queryset):
        """allauth's action, on the accounts this coordinator may change, saying what it left undone and that
        verifying an address also linked the expert profile mapped under it (experts.receivers)."""
        changeable = accounts_changeable_by(request.user, User.objects.all()).values("pk")
        unverified = queryset.filter(verified=False)
        allowed = unverified.filter(user__in=changeable)
        owners = list(allowed.values_list("user_id", flat=True))
        left, linked_before = len(unverified) - len(owners), _experts_linked(owners)
        super().make_verified(request, allowed)
        self._say_verified(request, verified=len(owners), left=left, linked=_experts_linked(owners) - linked_before)

    def _say_verified(self, request, *, verified: int, left: int, linked: int) -> None:
        # allauth says each address it marked; not the rest.
        if not verified and not left:
            said = _("No address was marked as verified: those chosen were already.")
            self.message_user(request, said, messages.WARNING)
        if left:
            said = ngettext(
                "%(count)d address was left unverified: its account is for a superuser to change.",
                "%(count)d addresses were left unverified: their accounts are for a superuser to change.",
                left,
            ) % {"count": left}
            self.message_user(request, said, messages.WARNING)
        if linked:
            said = ngettext(
                "%(count)d expert profile mapped under such an address was linked to its account.",
                "%(count)d expert profiles mapped under such addresses were linked to their accounts.",
                linked,
            ) % {"count": linked}
            self.message_user(request, said, messages.INFO)


def _experts_linked(member_ids: list[int]) -> int:
    # By name, not imported: the experts app builds on this one.
    return apps.get_model("experts", "Expert").objects.filter(member__in=member_ids).count()


admin.site.unregister(EmailAddress)
admin.site.register(EmailAddress, GuardedEmailAddressAdmin)
