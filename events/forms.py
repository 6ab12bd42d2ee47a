from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cop_platform import forms as shared_fields

from .models import TIMES_ON_THE_MINUTE, Event, Registration, TopicSuggestion, to_the_minute


class FeedbackForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("Overall, how satisfied were you?"),
        choices=[(5, _("5 — very satisfied")), (4, "4"), (3, "3"), (2, "2"), (1, _("1 — not satisfied"))],
        coerce=int, widget=forms.RadioSelect, error_messages={"required": _("Choose a score from 1 to 5.")},
    )  # fmt: skip
    useful = forms.CharField(
        label=_("What was useful?"), required=False, max_length=2000, widget=shared_fields.Textarea(attrs={"rows": 3})
    )
    suggestions = forms.CharField(
        label=_("What could be better?"),
        required=False,
        max_length=2000,
        widget=shared_fields.Textarea(attrs={"rows": 3}),
    )


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Check-in code"), max_length=12, help_text=_("Shown by the organizers at the event.")
    )


class TopicForm(forms.ModelForm):
    class Meta:
        model = TopicSuggestion
        fields = ["title", "why", "community"]
        widgets = {"why": shared_fields.Textarea(attrs={"rows": 3})}
        labels = {"title": _("Webinar topic"), "why": _("Why it matters"), "community": _("For which community")}

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        self.fields["community"].empty_label = _("Any / the whole network")


class EventAdminForm(forms.ModelForm):
    """Refuses an end before the start with a clear message (the database refuses it too), a draft cancelled, an event
    to come moved into the past, and an event published for the first time with a start in the past."""

    class Meta:
        model = Event
        fields = "__all__"  # noqa: DJ007 (the ModelAdmin chooses the fields)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("ends_at", "registration_deadline"):  # starts_at's, below, says it and more
            if name in self.fields:  # EventAdmin reads and shows them in that zone
                self.fields[name].help_text = _(
                    "In the organizer's time zone (“When and where”). To the minute: seconds are dropped."
                )
        # What saving does beyond the row, said before the coordinator saves: who is emailed.
        consequences = {
            "status": _("Cancelled: everyone registered or waiting is emailed (a draft cannot be cancelled)."),
            "starts_at": _(
                "In the organizer's time zone (“When and where”). To the minute: seconds are dropped. A new start, or "
                "a new time zone, emails everyone registered or waiting the new time."
            ),
            "capacity": _(
                "Empty for no limit. Beyond it, members join a waitlist; raising it moves waiting members up and "
                "emails them."
            ),
        }
        for name, text in consequences.items():
            if name in self.fields:
                self.fields[name].help_text = text

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in {"calendar", "topics", "feed"}:
            raise forms.ValidationError(_("This address is used by the events pages. Choose another."))
        return slug

    def clean(self):
        cleaned = super().clean()
        # As they will be saved (Event.save drops the seconds), so that an end in the start's minute is refused
        # here with a message, not by the database, and a start is compared as it will be stored.
        for name in TIMES_ON_THE_MINUTE:
            if cleaned.get(name):
                cleaned[name] = to_the_minute(cleaned[name])
        # self.instance holds the stored status until after clean(); a new event's is the default, a draft.
        if cleaned.get("status") == Event.Status.CANCELLED and self.instance.status == Event.Status.DRAFT:
            self.add_error(
                "status",
                _(
                    "A draft was never announced, so it cannot be cancelled: a cancelled event is shown to everyone. "
                    "Keep it a draft, or delete it."
                ),
            )
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and starts < timezone.now():
            self._check_a_start_in_the_past(cleaned)
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must be after the start."))
        deadline = cleaned.get("registration_deadline")
        if deadline and starts and deadline > starts:
            self.add_error("registration_deadline", _("Registration must close before the event starts."))
        capacity = cleaned.get("capacity")
        if capacity is not None and self.instance.pk:
            registered = self.instance.registrations.filter(status=Registration.Status.REGISTERED).count()
            if capacity < registered:
                self.add_error(
                    "capacity",
                    ngettext(
                        "%(count)d member is registered: the capacity cannot be lower.",
                        "%(count)d members are registered: the capacity cannot be lower.",
                        registered,
                    )
                    % {"count": registered},
                )
        return cleaned

    def _check_a_start_in_the_past(self, cleaned) -> None:
        """An event to come is not moved into the past, nor published there; one already published and past may
        still be corrected."""
        stored_start = self.instance.starts_at if self.instance.pk else None
        # self.instance holds the stored status until after clean(); a new event's is the default, a draft.
        if cleaned.get("status") == Event.Status.PUBLISHED and self.instance.status == Event.Status.DRAFT:
            # A copy made with "Duplicate" keeps the dates of the event copied, and was published unchanged: an
            # announcement of an event gone, closed to registration.
            self.add_error(
                "starts_at",
                _(
                    "This start is in the past: an event cannot be published with a start in the past. Check the "
                    "date (a copy keeps the dates of the event it was copied from), or keep it a draft."
                ),
            )
        elif stored_start and cleaned["starts_at"] != stored_start and timezone.now() <= stored_start:
            # A slip of the date (a year, a month) moved an event to come into the past, silently: registration
            # closed, and its registrants were told of a time gone. An event already past may still be corrected.
            self.add_error(
                "starts_at",
                _("This start is in the past. An upcoming event cannot be moved into the past: check the date."),
            )
