import csv
from zoneinfo import ZoneInfo

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Avg, Count, Q
from django.http import HttpResponse
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.timesince import timesince
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from cop_platform.admin_deletion import KeptWhenUsed
from cop_platform.forms import ADMIN_TEXT_FIELDS, small_int
from cop_platform.slugs import insert_with_a_free_slug
from members.audit import audit_record
from members.models import TIME_ZONE_CHOICES, AuditEntry

from . import services
from .forms import EventAdminForm
from .models import Event, Feedback, Registration, TopicSuggestion

ZONES = {name for name, _label in TIME_ZONE_CHOICES}


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    fields = ["member", "status", "created_at", "attended", "checked_in_at", "reminder_sent_at"]
    # Attendance is marked with the registrations list's actions, which record it as activity (the indicators
    # count it) and refuse a cancelled or waitlisted registration.
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        # Each row is named by its member and event (Registration.__str__): read with the rows, not twice a row
        # (1,000 queries for a webinar's 500 registrants).
        return super().get_queryset(request).select_related("member", "event")

    def has_add_permission(self, request, obj=None):
        return False


def spreadsheet_safe(cells: list) -> list:
    """Members type names and organizations: a cell starting like a formula is kept as text in Excel/LibreOffice."""
    return [f"'{c}" if isinstance(c, str) and c[:1] in ("=", "+", "-", "@", "\t", "\r") else c for c in cells]


@admin.action(description=_("Export attendees as CSV"))
def export_attendees(modeladmin, request, queryset):
    audit_record(
        actor=request.user, action=AuditEntry.Action.EXPORT, target="Attendees CSV",
        detail=", ".join(e.title for e in queryset[:10]),
    )  # fmt: skip
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="attendees.csv"'
    writer = csv.writer(response)
    writer.writerow(["event", "starts_at", "name", "email", "organization", "country", "gender", "status",
                     "registered_at", "attended"])  # fmt: skip
    registrations = (
        Registration.objects.filter(event__in=queryset)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("event", "member")
        .order_by("event__starts_at", "created_at")
    )
    for r in registrations:
        attended = {True: "yes", False: "no"}.get(r.attended, "")
        writer.writerow(spreadsheet_safe([
            r.event.title, r.event.starts_at.isoformat(), r.member.full_name, r.member.email, r.member.organization,
            r.member.country.code, r.member.gender, r.status, r.created_at.isoformat(), attended,
        ]))  # fmt: skip
    return response


@admin.action(description=_("Duplicate as a new draft"))
def duplicate_events(modeladmin, request, queryset):
    copied = 0
    for event in queryset.prefetch_related("communities", "clusters", "speaker_members", "speaker_experts"):
        related = {
            name: list(getattr(event, name).all())
            for name in ("communities", "clusters", "speaker_members", "speaker_experts")
        }
        copy = Event.objects.get(pk=event.pk)
        copy.pk = None
        copy.title = f"{event.title} (copy)"
        copy.status = Event.Status.DRAFT
        copy.recording_url = ""
        copy.checkin_code = Event._meta.get_field("checkin_code").default()
        copy.sequence, copy.revised_at = 0, None  # a new event for calendars (a UID of its own), at its first revision
        with transaction.atomic():  # a copy without its communities would be open to every member
            # Two copies made at once (a double click on the action) found the same address free.
            insert_with_a_free_slug(copy, lambda base=f"{event.slug}-copy": _free_slug(base))
            for name, objects in related.items():
                getattr(copy, name).set(objects)
        copied += 1
    said = ngettext(
        "%(count)d event copied as a draft: adjust its dates before publishing.",
        "%(count)d events copied as drafts: adjust their dates before publishing.",
        copied,
    )
    modeladmin.message_user(request, said % {"count": copied}, messages.SUCCESS)


def _free_slug(base: str) -> str:
    slug, number = slugify(base)[:190], 2
    while Event.objects.filter(slug=slug).exists():
        slug, number = f"{slugify(base)[:185]}-{number}", number + 1
    return slug


@admin.action(description=_("Cancel the events and email registrants"))
def cancel_events(modeladmin, request, queryset):
    drafts = queryset.filter(status=Event.Status.DRAFT).count()
    outcomes = [services.event_cancel(event=event) for event in queryset.exclude(status=Event.Status.DRAFT)]
    told = [count for count in outcomes if count is not None]  # for each event cancelled now, how many were told
    already = len(outcomes) - len(told)  # cancelled before: nobody is told twice
    said = events_cancelled(told, already)
    modeladmin.message_user(request, said, messages.SUCCESS if told else messages.WARNING)
    if drafts:
        modeladmin.message_user(request, drafts_not_cancelled(drafts), messages.WARNING)


def events_cancelled(told: list[int], already: int) -> str:
    """What the cancel action did, as it happened: it said "0 registrants were told." (as a success) when every event
    selected was a draft or cancelled already, and when the events it cancelled had nobody to tell."""
    if not told:
        said = gettext("No event was cancelled.")
    else:
        said = ngettext("%(count)d event was cancelled.", "%(count)d events were cancelled.", len(told)) % {
            "count": len(told)
        }
        said += " " + _registrants_told(sum(told))
    if already:
        said += " " + ngettext(
            "%(count)d event was cancelled already: its registrants were not told again.",
            "%(count)d events were cancelled already: their registrants were not told again.",
            already,
        ) % {"count": already}
    return said


def _registrants_told(count: int) -> str:
    if not count:
        return gettext("There was no registrant to tell.")
    return ngettext("%(count)d registrant was told.", "%(count)d registrants were told.", count) % {"count": count}


def drafts_not_cancelled(count: int) -> str:
    return ngettext(
        "%(count)d draft stays a draft: it was never announced, and a cancelled event is shown to everyone. "
        "Delete it if it will not take place.",
        "%(count)d drafts stay drafts: they were never announced, and a cancelled event is shown to everyone. "
        "Delete them if they will not take place.",
        count,
    ) % {"count": count}


@admin.register(Event)
class EventAdmin(KeptWhenUsed, admin.ModelAdmin):
    formfield_overrides = ADMIN_TEXT_FIELDS
    form = EventAdminForm
    list_display = [
        "title", "kind", "status", "starts_in_its_zone", "capacity", "registered", "waitlisted", "mean_feedback",
    ]  # fmt: skip
    list_filter = ["status", "kind", "language", "communities", "starts_at"]
    search_fields = ["title", "description"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "starts_at"
    # The model's own order, said here: the list's counts group the rows, and a grouped query drops
    # Meta.ordering.
    ordering = ["starts_at", "pk"]
    filter_horizontal = ["communities", "clusters"]
    # Looked up as typed: listing every member and expert made the form 5 MB and 3 s at 100,000 members.
    autocomplete_fields = ["speaker_members", "speaker_experts"]
    inlines = [RegistrationInline]
    actions = [export_attendees, duplicate_events, cancel_events]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "status", "language", "description"]}),
        (_("When and where"), {"fields": ["starts_at", "ends_at", "time_zone", "venue", "join_url"]}),
        (_("Registration"), {"fields": ["capacity", "registration_deadline", "checkin_code"]}),
        (_("Who"), {"fields": ["communities", "clusters", "speaker_members", "speaker_experts"]}),
        (_("After the event"), {"fields": ["recording_url", "materials"]}),
    ]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # An event's times are entered and shown in its organizer's time zone (the form's own field), not in the
        # coordinator's: one without a zone of their own entered 10:00 for a Yangon webinar and stored 10:00 UTC,
        # which members in Yangon saw as 16:30. Rendered here too, inside the zone (a response renders later).
        with timezone.override(self._zone_of_the_form(request, object_id)):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response

    def _zone_of_the_form(self, request, object_id) -> ZoneInfo:
        chosen = request.POST.get("time_zone", "") if request.method == "POST" else ""
        pk = small_int(object_id or "")
        if not chosen and pk is not None:
            chosen = Event.objects.filter(pk=pk).values_list("time_zone", flat=True).first() or ""
        if chosen not in ZONES:
            chosen = Event._meta.get_field("time_zone").default
        return ZoneInfo(chosen)

    def get_queryset(self, request):
        events = super().get_queryset(request)
        match = request.resolver_match
        if not (match and match.url_name == "events_event_changelist"):
            # The counts are the list's columns: a form, or the autocomplete that other forms' event fields ask
            # as one types (20 ms a keystroke for a common word at 5,000 events), reads events without them.
            return events
        return events.annotate(
            _registered=Count("registrations", filter=Q(registrations__status="registered"), distinct=True),
            _waitlisted=Count("registrations", filter=Q(registrations__status="waitlisted"), distinct=True),
            _feedback=Avg("registrations__feedback__satisfaction"),
        )

    @admin.display(description=_("starts"), ordering="starts_at")
    def starts_in_its_zone(self, obj):
        # As the form shows it (the organizer's zone), with the zone named: the list showed the coordinator's time,
        # the form the organizer's, and neither said which.
        zone = ZoneInfo(obj.time_zone) if obj.time_zone in ZONES else timezone.get_current_timezone()
        local = timezone.localtime(obj.starts_at, zone)
        return f"{formats.date_format(local, 'SHORT_DATETIME_FORMAT')} ({local.tzname()}, {zone.key})"

    @admin.display(description=_("registered"), ordering="_registered")
    def registered(self, obj):
        return obj._registered

    @admin.display(description=_("waitlist"), ordering="_waitlisted")
    def waitlisted(self, obj):
        return obj._waitlisted

    @admin.display(description=_("feedback (mean)"), ordering="_feedback")
    def mean_feedback(self, obj):
        return f"{obj._feedback:.1f}" if obj._feedback else "—"

    def kept_because(self, event):
        # Deleting took its registrations (and their feedback) with it: past months' registration, attendance and
        # satisfaction figures. Django's page blamed a missing "permission to delete registration" instead.
        if event.registrations.exists():
            return gettext("members registered for it; the indicators count them. Cancel it instead.")
        return None

    def save_model(self, request, obj, form, change):
        services.event_render(obj)
        if not change:
            super().save_model(request, obj, form, change)
            return
        # Compared with the event as stored, read under the row's lock (the admin's save is one transaction): a second
        # "Save" sent at once (a double click) waits there, finds the event cancelled, and tells nobody a second time.
        # What follows from the change is done in save_related, once the form's other fields are saved too.
        form.event_as_stored = services.event_save_edited(event=obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Here, not in save_model: who is told of a cancellation or a new time, and who moves up from the waitlist,
        # is whoever may see the event, and that depends on its communities, saved only now (save_model runs before
        # them). Decided earlier, an event opened to everyone in the same save as its cancellation told none of the
        # registrants its former private community no longer held, and a member waiting for a seat who could see
        # it only now lost their place instead of taking the seat. The emails are kept in the outbox within the
        # admin's transaction and handed over once it commits (cop_platform.mail.queue_email): none goes out if
        # the save fails.
        stored = getattr(form, "event_as_stored", None)
        if change and stored is not None:  # None: a new event, or one deleted meanwhile and saved anew
            self._follow_up_the_change(request, form.instance, form, stored)

    def _follow_up_the_change(self, request, obj, form, stored):
        """Tell registrants of a cancellation or a new time, fill seats a new capacity opened, and say what was done."""
        if stored.status != Event.Status.CANCELLED and obj.status == Event.Status.CANCELLED:
            told = services.registrants_tell_cancelled(event=obj)
            if told:
                said = ngettext(
                    "%(count)d registrant was told of the cancellation.",
                    "%(count)d registrants were told of the cancellation.",
                    told,
                ) % {"count": told}
            else:  # "0 registrants were told of the cancellation." read as if telling had failed
                said = gettext("There was no registrant to tell of the cancellation.")
            self.message_user(request, said)
        if obj.starts_at != stored.starts_at:
            self._say_moved(request, obj, stored)
            told = services.registrants_tell_moved(event=obj, former_start=stored.starts_at)
            if told:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d registrant was told of the new time.",
                        "%(count)d registrants were told of the new time.",
                        told,
                    )
                    % {"count": told},
                    messages.SUCCESS,
                )
        elif self._deadline_moved_with_the_zone(obj, stored):
            # The start typed again in the new zone, the deadline not: it moved alone.
            self.message_user(request, self._say_deadline_moved(obj, stored), messages.WARNING)
        if "capacity" in form.changed_data:
            promoted = services.waitlist_fill(event=obj)
            if promoted:
                moved = ngettext(
                    "%(count)d member moved from the waitlist and emailed.",
                    "%(count)d members moved from the waitlist and emailed.",
                    len(promoted),
                )
                self.message_user(request, moved % {"count": len(promoted)}, messages.SUCCESS)

    def _say_moved(self, request, event, stored):
        """Where the event now starts, in its zone, and by how much it moved: the form's times are read in the zone
        chosen in it, so changing only the zone moved the event by hours, and nothing said so."""
        zone = ZoneInfo(event.time_zone)
        local, former = timezone.localtime(event.starts_at, zone), timezone.localtime(stored.starts_at, zone)
        parts = {
            "when": formats.date_format(local, "DATETIME_FORMAT"),
            "zone": f"{local.tzname()}, {event.time_zone}",
            # To the minute: a zone's offset may be in half or quarter hours.
            "shift": timesince(min(local, former), max(local, former), depth=3),
        }
        if local > former:
            said = _("The event now starts at %(when)s (%(zone)s): moved %(shift)s later.") % parts
        else:
            said = _("The event now starts at %(when)s (%(zone)s): moved %(shift)s earlier.") % parts
        if event.time_zone == stored.time_zone:
            self.message_user(request, said, messages.SUCCESS)
            return
        # Perhaps not meant (a zone corrected, its times thought to stay): a warning, with the way back.
        hint = _(
            "Its times were read in the new time zone. To keep it at its former time, enter %(former)s as its start."
        ) % {"former": formats.date_format(former, "DATETIME_FORMAT")}
        said = f"{said} {hint}"
        if self._deadline_moved_with_the_zone(event, stored):
            said = f"{said} {self._say_deadline_moved(event, stored)}"
        self.message_user(request, said, messages.WARNING)

    @staticmethod
    def _deadline_moved_with_the_zone(event, stored) -> bool:
        """The registration deadline, read in a new zone like the times, moved (and registration closes then)."""
        return (
            event.time_zone != stored.time_zone
            and event.registration_deadline is not None
            and stored.registration_deadline is not None
            and event.registration_deadline != stored.registration_deadline
        )

    @staticmethod
    def _say_deadline_moved(event, stored) -> str:
        zone = ZoneInfo(event.time_zone)
        return _(
            "Its registration deadline was read in the new time zone too: registration now closes at %(when)s. "
            "To keep it at its former time, enter %(former)s as its deadline."
        ) % {
            "when": formats.date_format(timezone.localtime(event.registration_deadline, zone), "DATETIME_FORMAT"),
            "former": formats.date_format(timezone.localtime(stored.registration_deadline, zone), "DATETIME_FORMAT"),
        }


def _is_id(value: str | None) -> bool:
    return small_int(value or "") is not None


class EventFilter(admin.SimpleListFilter):
    """By event, among the NEAREST events to today (and the one chosen, whenever it is): a list of every event
    ran to thousands of links on every page of the list (700 KB at 5,000 events). Search finds the others by
    title."""

    title = _("event")
    parameter_name = "event"
    event_id = "event_id"  # the event's id as seen from the listed rows
    NEAREST = 20

    def lookups(self, request, model_admin):
        now = timezone.now()
        upcoming = Event.objects.filter(starts_at__gte=now).order_by("starts_at", "pk")[: self.NEAREST // 2]
        past = Event.objects.filter(starts_at__lt=now).order_by("-starts_at", "-pk")[: self.NEAREST // 2]
        events = [*upcoming, *past]
        chosen = self.value()
        if _is_id(chosen) and all(str(event.pk) != chosen for event in events):
            events += Event.objects.filter(pk=chosen)
        return [(str(event.pk), str(event)) for event in events]

    def queryset(self, request, queryset):
        chosen = self.value()
        if chosen is None:
            return queryset
        return queryset.filter(**{self.event_id: chosen}) if _is_id(chosen) else queryset.none()


class FeedbackEventFilter(EventFilter):
    event_id = "registration__event_id"


@admin.action(description=_("Mark as attended"))
def mark_attended(modeladmin, request, queryset):
    outcome = services.attendance_mark(registrations=queryset.select_related("member", "event"), attended=True)
    marked = ngettext(
        "%(count)d registration marked as attended.", "%(count)d registrations marked as attended.", outcome.marked
    )
    _say_attendance(
        modeladmin, request, outcome, marked=marked, none=gettext("No registration was marked as attended.")
    )


@admin.action(description=_("Mark as no-show"))
def mark_no_show(modeladmin, request, queryset):
    outcome = services.attendance_mark(registrations=queryset.select_related("member", "event"), attended=False)
    marked = ngettext(
        "%(count)d registration marked as no-show.", "%(count)d registrations marked as no-show.", outcome.marked
    )
    _say_attendance(modeladmin, request, outcome, marked=marked, none=gettext("No registration was marked as no-show."))


def _say_attendance(modeladmin, request, outcome: services.AttendanceMarked, *, marked: str, none: str) -> None:
    """What an attendance action did: how many it marked (`marked`, with a %(count)d), or that it marked `none` (a
    warning), and why it left the others unchanged. "0 marked as attended." was said as a success."""
    if outcome.marked or outcome.unchanged:
        said = marked % {"count": outcome.marked} if outcome.marked else none
        if outcome.unchanged:
            said += " " + ngettext(
                "%(count)d registration was left unchanged: already marked that way, or holding no seat (on the "
                "waitlist or cancelled).",
                "%(count)d registrations were left unchanged: already marked that way, or holding no seat (on the "
                "waitlist or cancelled).",
                outcome.unchanged,
            ) % {"count": outcome.unchanged}
        modeladmin.message_user(request, said, messages.SUCCESS if outcome.marked else messages.WARNING)
    if outcome.not_started:
        not_started = ngettext(
            "%(count)d registration was left unchanged: its event has not started yet.",
            "%(count)d registrations were left unchanged: their event has not started yet.",
            outcome.not_started,
        )
        modeladmin.message_user(request, not_started % {"count": outcome.not_started}, messages.WARNING)


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["member", "event", "status", "created_at", "attended", "checked_in_at", "reminder_sent_at"]
    list_filter = ["status", "attended", EventFilter]
    search_fields = ["member__email", "member__full_name", "event__title"]
    list_select_related = ["member", "event"]
    readonly_fields = ["event", "member", "status", "created_at", "promoted_at", "cancelled_at", "attended",
                       "checked_in_at", "reminder_sent_at"]  # fmt: skip
    actions = [mark_attended, mark_no_show]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # A registration is cancelled, not deleted: the month's registrations count it, and a freed seat goes
        # to the waitlist (the member cancels on the event's page; a cancelled event tells everyone).
        return False


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["registration", "satisfaction", "created_at"]
    list_filter = ["satisfaction", FeedbackEventFilter]
    list_select_related = ["registration__event", "registration__member"]
    # The event filter lists the events nearest today; the others are found by title here.
    search_fields = ["registration__event__title", "registration__member__full_name", "registration__member__email"]
    readonly_fields = ["registration", "satisfaction", "useful", "suggestions", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # A member's answer, which the satisfaction indicators count (past months' figures with it).
        return False


@admin.action(description=_("Mark as not planned"))
def decline_topics(modeladmin, request, queryset):
    # A scheduled topic keeps its event: "not planned" beside the event it became said two things at once.
    scheduled = queryset.filter(status=TopicSuggestion.Status.SCHEDULED).count()
    already = queryset.filter(status=TopicSuggestion.Status.DECLINED).count()
    declined = queryset.exclude(status__in=[TopicSuggestion.Status.SCHEDULED, TopicSuggestion.Status.DECLINED]).update(
        status=TopicSuggestion.Status.DECLINED
    )
    if declined:
        said = ngettext(
            "%(count)d topic marked as not planned.", "%(count)d topics marked as not planned.", declined
        ) % {"count": declined}
    else:  # "0 topics marked as not planned." said nothing of why
        said = gettext("No topic was marked as not planned.")
    if already:
        said += " " + ngettext(
            "%(count)d topic was not planned already.", "%(count)d topics were not planned already.", already
        ) % {"count": already}
    if scheduled:
        said += " " + ngettext(
            "%(count)d scheduled topic was left as it is.",
            "%(count)d scheduled topics were left as they are.",
            scheduled,
        ) % {"count": scheduled}
    modeladmin.message_user(request, said, messages.SUCCESS if declined else messages.WARNING)


@admin.register(TopicSuggestion)
class TopicSuggestionAdmin(admin.ModelAdmin):
    """Ranked by votes. To schedule one, pick its event and set the status to Scheduled."""

    formfield_overrides = ADMIN_TEXT_FIELDS

    list_display = ["title", "vote_count", "status", "community", "event", "created_at"]
    list_filter = ["status", "community"]
    search_fields = ["title", "why"]
    list_select_related = ["community", "event"]
    autocomplete_fields = ["event"]
    readonly_fields = ["vote_count", "proposed_by", "created_at"]
    actions = [decline_topics]
    ordering = ["-vote_count"]

    def save_model(self, request, obj, form, change):
        changed = set(form.changed_data)
        if obj.event_id and obj.status == TopicSuggestion.Status.OPEN:
            obj.status = TopicSuggestion.Status.SCHEDULED
            changed.add("status")
        if not change:
            super().save_model(request, obj, form, change)
            return
        # Only what the form changed: the row was read at the start of the request, and writing it whole put back
        # the vote count as it was then, losing the votes members cast meanwhile.
        obj.save(update_fields=sorted(changed))
