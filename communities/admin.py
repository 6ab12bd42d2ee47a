from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from cop_platform.admin_deletion import KeptWhenUsed
from cop_platform.forms import ADMIN_TEXT_FIELDS

from . import services
from .models import Community, LocalActionTeam, Membership, ModerationAction, Post, Report, Thread


class LocalActionTeamInline(admin.TabularInline):
    model = LocalActionTeam
    extra = 0
    autocomplete_fields = ["leader", "local_community"]
    fields = ["name", "local_community", "leader"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("community")  # each row's name names it


@admin.register(Community)
class CommunityAdmin(KeptWhenUsed, admin.ModelAdmin):
    formfield_overrides = ADMIN_TEXT_FIELDS
    list_display = ["name", "visibility", "created_at"]
    list_filter = ["visibility", "created_at"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "description", "themes", "countries", "visibility", "created_by"]
    readonly_fields = ["created_by"]
    inlines = [LocalActionTeamInline]

    deleted_along = (Membership,)

    def kept_because(self, community):
        # Deleting took every member's discussions, posts and ratings and the community's history with it (past
        # months' figures). A community made by mistake, with nobody but its creator and nothing written, goes.
        if community.threads.exists() or community.memberships.count() > 1:
            return gettext(
                "members joined it or wrote in it; their posts and its history are kept. Make it private instead."
            )
        return None

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            if "visibility" in form.changed_data:
                services.notifications_forget_outsiders(obj)

    def save_related(self, request, form, formsets, change):
        if not change:  # a new community: saved with its tags, the coordinator as first leader
            services.community_create(form=form, creator=request.user)
            for formset in formsets:
                formset.instance = form.instance
                self.save_formset(request, form, formset, change=change)
            return
        super().save_related(request, form, formsets, change)


def _decide_requests(modeladmin, request, queryset, approve: bool) -> int:
    """Decides the pending requests chosen, and says how many another leader or coordinator decided meanwhile (the
    list was read before; a second click on the action finds them all decided)."""
    decided = already = 0
    for membership in queryset.filter(status=Membership.Status.PENDING).select_related("community", "member"):
        try:
            services.membership_decide(membership=membership, actor=request.user, approve=approve)
            decided += 1
        except services.CommunityError:
            already += 1
    if already:
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d request was decided meanwhile by someone else, and was left as they decided.",
                "%(count)d requests were decided meanwhile by someone else, and were left as they decided.",
                already,
            )
            % {"count": already},
            messages.WARNING,
        )
    return decided


@admin.action(description=_("Approve the selected join requests"))
def approve_requests(modeladmin, request, queryset):
    count = _decide_requests(modeladmin, request, queryset, approve=True)
    message = ngettext(
        "%(count)d request approved; the member was told.", "%(count)d requests approved; the members were told.", count
    ) % {"count": count}
    modeladmin.message_user(request, message, messages.SUCCESS)


@admin.action(description=_("Decline the selected join requests"))
def decline_requests(modeladmin, request, queryset):
    count = _decide_requests(modeladmin, request, queryset, approve=False)
    message = ngettext(
        "%(count)d request declined; the member was told.", "%(count)d requests declined; the members were told.", count
    ) % {"count": count}
    modeladmin.message_user(request, message, messages.SUCCESS)


class MembershipAddForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["member", "community", "role"]

    def clean(self):
        cleaned = super().clean()
        member, community = cleaned.get("member"), cleaned.get("community")
        if member and not member.is_active:
            self.add_error("member", _("This account is deactivated."))
        elif member and community:
            current = Membership.objects.current().filter(member=member, community=community).first()
            if current and current.status == Membership.Status.ACTIVE:
                self.add_error("member", _("%(member)s is already a member.") % {"member": member})
        return cleaned


ROLE_ACTIONS = {
    Membership.Role.LEADER: _("Make the selected members leaders"),
    Membership.Role.MODERATOR: _("Make the selected members moderators"),
    Membership.Role.MEMBER: _("Make the selected members plain members"),
}


def _set_role(role: str):
    @admin.action(description=ROLE_ACTIONS[role])
    def set_role(modeladmin, request, queryset):
        changed, refused = 0, []
        for membership in queryset.filter(status=Membership.Status.ACTIVE).exclude(role=role):
            try:
                services.membership_set_role(membership=membership, role=role, actor=request.user)
                changed += 1
            except services.CommunityError as error:
                refused.append(f"{membership.community}: {error}")
        modeladmin.message_user(
            request,
            ngettext("%(count)d role changed.", "%(count)d roles changed.", changed) % {"count": changed},
            messages.SUCCESS,
        )
        for reason in refused:
            modeladmin.message_user(request, reason, messages.ERROR)

    set_role.__name__ = f"make_{role}"
    return set_role


@admin.action(description=_("Remove the selected members from their communities"))
def remove_members(modeladmin, request, queryset):
    removed = 0
    for membership in queryset.filter(status=Membership.Status.ACTIVE).select_related("community", "member"):
        try:
            services.membership_remove(membership=membership, actor=request.user)
            removed += 1
        except services.CommunityError as error:  # a community's last leader, or one who left meanwhile
            modeladmin.message_user(request, f"{membership.community}: {error}", messages.ERROR)
    modeladmin.message_user(
        request,
        ngettext("%(count)d member removed.", "%(count)d members removed.", removed) % {"count": removed},
        messages.SUCCESS,
    )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["member", "community", "role", "status", "requested_at", "joined_at", "left_at"]
    list_filter = ["status", "role", "community"]
    search_fields = ["member__email", "member__full_name", "community__name"]
    list_select_related = ["member", "community"]
    autocomplete_fields = ["member", "community"]
    readonly_fields = ["decided_by"]
    actions = [approve_requests, decline_requests, *(_set_role(role) for role in ROLE_ACTIONS), remove_members]
    date_hierarchy = "requested_at"

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = MembershipAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ["member", "community", "role"] if obj is None else super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        # A membership is changed through the list's actions, which keep a community's last leader, tell the
        # member and write the moderation and audit logs; a form that saved the row itself did none of that.
        # Its dates are that community's history (the indicators count them): to move someone, end this
        # membership and add another.
        if obj is None:
            return self.readonly_fields
        return [*self.readonly_fields, *(f.name for f in Membership._meta.fields if f.name != "id")]

    def save_model(self, request, obj, form, change):
        if change:
            return  # every field is read-only: the actions change memberships
        try:
            added = services.membership_add(
                community=obj.community, member=obj.member, actor=request.user, role=obj.role
            )
        except services.CommunityError as error:
            # The form found them not yet in, but someone added them meanwhile (a second click on Save, another
            # coordinator): show that membership, and why nothing was added.
            added = Membership.objects.current().filter(member=obj.member, community=obj.community).first()
            if added is None:
                raise
            self.message_user(request, str(error), messages.WARNING)
        obj.pk = added.pk  # the row the service wrote (a waiting request, approved, keeps its own)
        obj.refresh_from_db()

    def has_delete_permission(self, request, obj=None):
        # Ended, not deleted: "Remove" keeps a community's last leader, writes the logs and tidies notifications,
        # and an ended membership stays in the community's history (past months' members count it).
        return False


THREAD_ACTIONS = {
    "pin": _("Pin the selected threads"),
    "unpin": _("Unpin the selected threads"),
    "lock": _("Lock the selected threads"),
    "unlock": _("Unlock the selected threads"),
    "hide": _("Hide the selected threads"),
    "show": _("Show the selected threads again"),
}


def _flag_action(*, name: str, description, rows, change, told):
    """A list action that changes a flag of each selected row not already so through its service (`change`,
    which writes the moderation and audit logs), then says how many changed (`told`: an ngettext_lazy)."""

    @admin.action(description=description)
    def act(modeladmin, request, queryset):
        changed = list(rows(queryset))
        for row in changed:
            change(row, request.user)
        modeladmin.message_user(request, told % {"count": len(changed)}, messages.SUCCESS)

    act.__name__ = name
    return act


def _moderate_threads(action: str):
    field, value, _logged = services.THREAD_FLAGS[action]
    return _flag_action(
        name=f"{action}_threads",
        description=THREAD_ACTIONS[action],
        rows=lambda threads: threads.exclude(**{field: value}).select_related("community"),
        change=lambda thread, actor: services.thread_moderate(thread=thread, actor=actor, action=action),
        told=ngettext_lazy("%(count)d thread changed.", "%(count)d threads changed.", "count"),
    )


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
    exclude = ["followers"]
    # Pinning, locking and hiding are the list's actions, and moving or linking a thread is on its page in the
    # community: each goes through the service that writes the moderation and audit logs. Threads are started
    # on the site, with their first post.
    readonly_fields = [
        "community", "linked_communities", "author", "is_pinned", "is_locked", "is_hidden", "reply_count",
        "created_at",
    ]  # fmt: skip
    actions = [_moderate_threads(action) for action in THREAD_ACTIONS]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Hidden, not deleted: deleting took every member's replies, referrals and ratings with it, left
        # notifications leading to a 404 and the moderation log without its subject. Hiding is logged and undone.
        return False


def _hide_posts(hidden: bool):
    return _flag_action(
        name="hide_posts" if hidden else "show_posts",
        description=_("Hide the selected posts") if hidden else _("Show the selected posts again"),
        rows=lambda posts: posts.exclude(is_hidden=hidden).select_related("thread__community", "author"),
        change=lambda post, actor: services.post_set_hidden(post=post, actor=actor, hidden=hidden),
        told=ngettext_lazy("%(count)d post changed.", "%(count)d posts changed.", "count"),
    )


class _VersionField(forms.CharField):
    """The version a form was opened at: context for the save, never a change of its own (the history would
    say "Changed based_on")."""

    def has_changed(self, initial, data):
        return False


class PostAdminForm(forms.ModelForm):
    """The body, with the version it was opened at: a save over an edit made since (the author's, a
    moderator's) is refused, as on the site (services.post_edit)."""

    based_on = _VersionField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Post
        fields = ["body"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["based_on"].initial = self.instance.text_version()

    def clean(self):
        cleaned = super().clean()
        based_on, body = cleaned.get("based_on"), cleaned.get("body")
        # The instance is read again for this save: it holds the text as it is now.
        if body is not None and self.instance.changed_since(based_on, body):
            raise forms.ValidationError(
                _("This post was changed after you opened it. Open it again to see its text now, then make your "
                  "change.")
            )  # fmt: skip
        return cleaned


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    form = PostAdminForm
    formfield_overrides = ADMIN_TEXT_FIELDS
    list_display = ["__str__", "created_at", "is_hidden", "helpful_count"]
    list_filter = ["is_hidden", "thread__community"]
    search_fields = ["body", "author__email", "author__full_name"]
    list_select_related = ["author", "thread"]
    # Hiding is the list's actions (the moderation and audit logs); posts are written on the site.
    readonly_fields = [
        "thread", "author", "body_html", "quoted", "is_hidden", "hidden_reason", "created_at", "edited_at",
        "helpful_count",
    ]  # fmt: skip
    fields = [
        "thread", "author", "body", "based_on", "is_hidden", "hidden_reason", "created_at", "edited_at",
        "helpful_count",
    ]  # fmt: skip
    actions = [_hide_posts(True), _hide_posts(False)]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # hidden, not deleted (as threads): a deleted reply also left its thread's count wrong

    def save_model(self, request, obj, form, change):
        # The body is the one field edited here; the service writes it alone (a whole-row save would also write
        # back "hidden" as it was when the page was read).
        if "body" in form.changed_data:
            try:  # checked by the form already; this is the locked check, for an edit saved in between
                services.post_edit(
                    post=obj, editor=request.user, body=obj.body, based_on=form.cleaned_data.get("based_on", "")
                )
            except services.PostChangedMeanwhile as error:
                self.message_user(request, str(error), messages.ERROR)


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
    search_fields = ["post__thread__title", "post__author__full_name", "post__author__email", "reporter__email"]
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
    search_fields = ["actor__full_name", "actor__email", "subject__full_name", "subject__email", "note"]
    date_hierarchy = "created_at"
    readonly_fields = ["previous_text"]  # as every field: nothing here is changed (see the permissions below)

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
    list_select_related = ["community", "local_community", "leader"]  # leader may be empty: not joined by default
    search_fields = ["name"]
    autocomplete_fields = ["leader", "local_community", "community", "members"]  # members: looked up as typed
