from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cop_platform import forms as shared_fields

from .models import Expert


class ReferralForm(forms.Form):
    experts = shared_fields.ModelMultipleChoiceField(
        label=_("Experts to ask"),
        queryset=Expert.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one expert.")},
    )
    due_on = forms.DateField(
        label=_("Answer wanted by"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Experts are reminded once if they have not answered by then."),
    )

    def __init__(self, *args, suggestions, **kwargs):
        super().__init__(*args, **kwargs)
        self.suggestions = suggestions
        self.fields["experts"].queryset = Expert.objects.filter(pk__in=[s.expert.pk for s in suggestions])
        self.fields["experts"].label_from_instance = lambda expert: expert.name
        self.fields["due_on"].initial = (timezone.localdate() + timedelta(days=7)).isoformat()

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on <= timezone.localdate():
            raise forms.ValidationError(_("Choose a date after today."))
        if due_on > timezone.localdate() + timedelta(days=365):
            raise forms.ValidationError(_("Choose a date within a year."))
        return due_on


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How useful was the expert's advice?"),
        choices=[(5, _("5 — excellent")), (4, _("4 — good")), (3, _("3 — fair")), (2, _("2 — poor")),
                 (1, _("1 — not useful"))],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a score from 1 to 5.")},
    )  # fmt: skip
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, max_length=2000, widget=shared_fields.Textarea(attrs={"rows": 3})
    )


class ExpertImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        required=False,
        help_text=_("UTF-8 CSV with a header row. Columns: name, email, category, countries, organization, "
                    "expertise, languages, gender, clusters, capacity, status, bio."),
    )  # fmt: skip
    # The preview step carries the file's text to the confirm step, so nothing is stored in between.
    content = forms.CharField(required=False, widget=forms.HiddenInput)

    MAX_BYTES = 2 * 1024 * 1024

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload:
            if upload.size > self.MAX_BYTES:
                raise forms.ValidationError(_("The file is larger than 2 MB. Split it into smaller files."))
            try:
                cleaned["content"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(
                    _("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")
                ) from None
        if "\x00" in cleaned.get("content", ""):
            raise forms.ValidationError(_("The file contains NUL characters: it is not a CSV text file."))
        if not cleaned.get("content") and not self.has_error("content"):
            raise forms.ValidationError(_("Choose a CSV file to import."))
        return cleaned


class ExpertAdminForm(forms.ModelForm):
    """The admin's expert form: the account linked must be one that can be used, and one whose roles the
    coordinator may change: linking gives it the expert role, unlinking takes it (ExpertAdmin.get_form sets
    `changeable`)."""

    changeable = None  # the accounts the admin's user may change (members.roles.accounts_changeable_by)

    class Meta:
        model = Expert
        fields = ["member"]  # the admin's fieldsets give the rest

    def clean_member(self):
        member = self.cleaned_data.get("member")
        # A link made before the account was deactivated may stay; a new one to such an account may not (the
        # list offers every account, so that an expert linked to one can still be saved).
        if member is not None and not member.is_active and member.pk != self.initial.get("member"):
            raise forms.ValidationError(
                _("This account is deactivated or being deleted. Link an active account, or none.")
            )
        # Linking gives the expert role and unlinking takes it away: both change the accounts' roles.
        before, after = self.initial.get("member"), member.pk if member else None
        if after != before and self.changeable is not None:
            if after is not None and not self.changeable.filter(pk=after).exists():
                raise forms.ValidationError(
                    _("Only a superuser may change this account's roles. Link another account, or none.")
                )
            if before is not None and not self.changeable.filter(pk=before).exists():
                raise forms.ValidationError(
                    _("Only a superuser may change the roles of the account linked now, and so unlink it.")
                )
        return member
