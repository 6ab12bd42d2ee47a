from django import forms
from django.utils.translation import gettext_lazy as _

from cop_platform import forms as shared_fields
from members.models import User

from .models import MAX_POST_LENGTH, Community, Membership, Report

BODY_HELP = _("Markdown works: **bold**, _italic_, lists, > quotes. Mention a colleague with @ and their handle.")


class PostBodyField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Your message"))
        kwargs.setdefault("help_text", BODY_HELP)
        kwargs.setdefault("max_length", MAX_POST_LENGTH)
        kwargs.setdefault("widget", shared_fields.Textarea(attrs={"rows": 8}))
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Write something before posting."),
                "max_length": _("Posts can be at most %(limit_value)d characters; this one has %(show_value)d."),
            },
        )
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value.strip():
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return value


class ThreadForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, error_messages={"required": _("Give the discussion a title.")}
    )
    body = PostBodyField()

    def clean_title(self):
        # One line: titles go into email subjects, where a line break would break the header.
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError(_("Give the discussion a title."))
        return title


class ReplyForm(forms.Form):
    body = PostBodyField(label=_("Your reply"))
    quoted = forms.IntegerField(required=False, widget=forms.HiddenInput)


class PostEditForm(forms.Form):
    body = PostBodyField()
    # Post.text_version() of the text the editor started from (empty from a page served before it existed).
    based_on = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class ReportForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = ["reason", "note"]
        widgets = {"reason": forms.RadioSelect, "note": shared_fields.Textarea(attrs={"rows": 3})}
        labels = {"reason": _("Why are you reporting this post?"), "note": _("Anything the moderators should know")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The reasons only: Django adds a blank choice to a field without a default, a "---------" radio checked.
        self.fields["reason"].choices = Report.Reason.choices


class MoveThreadForm(forms.Form):
    to = forms.ModelChoiceField(label=_("Move to"), queryset=Community.objects.none(), empty_label=None)

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = communities


class LinkThreadForm(forms.Form):
    communities = shared_fields.ModelMultipleChoiceField(
        label=_("Also show this discussion in"),
        queryset=Community.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communities"].queryset = communities


class AddMemberForm(forms.Form):
    email = forms.EmailField(label=_("Email address of the member to add"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER)

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        member = User.objects.filter(email__iexact=email, is_active=True).first()
        if member is None:
            raise forms.ValidationError(_("No active member has this email address. Ask them to sign up first."))
        self.member = member
        return email


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class CommunityForm(forms.ModelForm):
    class Meta:
        model = Community
        fields = ["name", "slug", "description", "themes", "countries", "visibility"]
        field_classes = {"themes": shared_fields.TagField}
        widgets = {"visibility": forms.RadioSelect, "description": shared_fields.Textarea(attrs={"rows": 4})}
        help_texts = {
            "slug": _("Lowercase letters, digits and hyphens, e.g. digital-skills. It becomes the web address.")
        }
        error_messages = {
            "slug": {
                "invalid": _("Use only lowercase letters, digits and hyphens (e.g. digital-skills)."),
                "unique": _("Another community already uses this address. Choose another."),
            },
            "name": {"unique": _("A community with this name already exists.")},
        }
