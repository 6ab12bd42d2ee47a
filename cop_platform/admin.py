from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag

from .forms import TAG_MAX_LENGTH
from .mail import outbox_enqueue
from .models import OutboxEmail
from .tagging import tagged_objects, tags_changed, tags_merge


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


class MergeTagsForm(forms.Form):
    into = forms.CharField(
        label=_("Merge into the tag"), max_length=TAG_MAX_LENGTH,
        help_text=_("A new name, or the name of one of these tags or of another tag (in any case)."),
    )  # fmt: skip
    # The tags this page listed: another tab may have chosen others since (the choice is kept in the session).
    chosen = forms.CharField(widget=forms.HiddenInput)


MERGE_SESSION_KEY = "tags_to_merge"


@admin.register(Tag)
class TagAdmin(TaggitTagAdmin):
    inlines = []
    list_display = ["name", "slug", "uses"]
    readonly_fields = ["uses"]
    # taggit's merge deleted the uses of a chosen tag named as the target, and answered a 500 without a choice.
    actions = ["merge_tags"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_uses=Count("taggit_taggeditem_items"))

    @admin.display(description=_("uses"), ordering="_uses")
    def uses(self, tag):
        return getattr(tag, "_uses", 0)  # 0 on the add form

    @admin.action(description=_("Merge the selected tags"), permissions=["change", "delete"])
    def merge_tags(self, request, queryset):
        request.session[MERGE_SESSION_KEY] = list(queryset.values_list("pk", flat=True))
        return redirect("admin:taggit_tag_merge_tags")

    def merge_tags_view(self, request):
        """taggit's address, this platform's page: the chosen tags, their uses, and the name to merge them into."""
        if not (self.has_change_permission(request) and self.has_delete_permission(request)):
            raise PermissionDenied  # merging deletes the merged tags
        chosen = Tag.objects.filter(pk__in=request.session.get(MERGE_SESSION_KEY, []))
        tags = list(chosen.annotate(use_count=Count("taggit_taggeditem_items")).order_by("name"))
        if not tags:
            self.message_user(request, _("Choose the tags to merge in the list first."), messages.WARNING)
            return redirect("admin:taggit_tag_changelist")
        listed = ",".join(str(tag.pk) for tag in sorted(tags, key=lambda tag: tag.pk))
        form = MergeTagsForm(request.POST or None, initial={"chosen": listed})
        if request.method == "POST" and form.is_valid() and form.cleaned_data["chosen"] != listed:
            self.message_user(
                request,
                _("Other tags were chosen in another tab since: these are the ones chosen now."),
                messages.WARNING,
            )
            form = MergeTagsForm(initial={"chosen": listed, "into": form.cleaned_data["into"]})
        if request.method == "POST" and form.is_bound and form.is_valid():
            target, moved = tags_merge(tag_ids=[tag.pk for tag in tags], into=form.cleaned_data["into"])
            request.session.pop(MERGE_SESSION_KEY, None)
            self.message_user(
                request,
                ngettext(
                    "Merged into “%(tag)s”, which %(count)d more object carries now.",
                    "Merged into “%(tag)s”, which %(count)d more objects carry now.",
                    moved,
                )
                % {"tag": target.name, "count": moved},
                messages.SUCCESS,
            )
            return redirect("admin:taggit_tag_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Merge tags"),
            "tags": tags,
            "form": form,
        }
        return TemplateResponse(request, "admin/taggit/tag/merge.html", context)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "name" in form.changed_data:
            _tags_changed(tagged_objects([obj]))

    def delete_model(self, request, obj):
        objects = tagged_objects([obj])
        super().delete_model(request, obj)
        _tags_changed(objects)

    def delete_queryset(self, request, queryset):
        objects = tagged_objects(queryset)
        super().delete_queryset(request, queryset)
        _tags_changed(objects)


def _tags_changed(objects: dict[int, set[int]]) -> None:
    transaction.on_commit(lambda: tags_changed.send(sender=Tag, objects=objects))
