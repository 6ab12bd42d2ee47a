from django import forms
from django.utils.translation import gettext_lazy as _

from cop_platform import forms as shared_fields

from . import uploads
from .models import KnowledgeProduct
from .services import RESERVED_SLUGS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ProductForm(forms.ModelForm):
    new_files = MultipleFileField(
        label=_("Files"),
        required=False,
        help_text=_("PDF, DOCX, XLSX, PPTX, CSV, ODT, PNG or JPEG; each file up to the size limit."),
    )

    class Meta:
        model = KnowledgeProduct
        fields = ["type", "title", "summary", "body", "language", "countries", "communities", "tags", "version_note"]
        field_classes = {"communities": shared_fields.ModelMultipleChoiceField, "tags": shared_fields.TagField}
        widgets = {
            "summary": shared_fields.Textarea(attrs={"rows": 3}),
            "body": shared_fields.Textarea(attrs={"rows": 14}),
        }

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communities"].queryset = communities
        self.fields["communities"].widget = forms.CheckboxSelectMultiple()
        self.fields["communities"].widget.choices = self.fields["communities"].choices
        shared_fields.choices_in_reading_order(self.fields["language"])
        self.fields["new_files"].help_text = _(
            "PDF, DOCX, XLSX, PPTX, CSV, ODT, PNG or JPEG, up to %(limit)d MB each."
        ) % {"limit": uploads.max_upload_bytes() // 1024 // 1024}

    def clean_new_files(self):
        files = self.cleaned_data.get("new_files") or []
        errors = []
        self.refused_names = []  # for the view, which asks for the others again (knowledge.views._edit)
        for upload in files:
            try:
                uploads.check_upload(upload)
            except forms.ValidationError as error:
                errors.extend(error.messages)
                self.refused_names.append(upload.name)
        if errors:
            raise forms.ValidationError(errors)
        return files


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("What should the authors change?"),
        max_length=500,
        widget=shared_fields.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Write a note for the authors."),
            "max_length": _("The note can be at most %(limit_value)d characters; this one has %(show_value)d."),
        },
    )


class ProductAdminForm(forms.ModelForm):
    """The admin's product form: the address is typed (or filled from the title) there, so it is checked there.
    "new", "drafts" or "faq" opened the library's own pages instead of the product."""

    class Meta:
        model = KnowledgeProduct
        fields = ["slug"]  # the admin's fieldsets give the others

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("This address is used by the library's own pages. Choose another."))
        return slug
