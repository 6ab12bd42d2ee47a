"""{% form_field field %}: one form field with its label, help and errors, as templates/includes/form_field.html
writes it.

The include resolves a dozen variables and properties per field through the template engine, about half a
millisecond each time: a library page's eight filters spent 4–6 ms in it, as much as rendering their controls.
The common case (a label and one control) is written here with format_html, the same markup; fieldsets
(choice lists, multi-part widgets) and checkboxes still render through the template.
"""

from django import template
from django.forms import BoundField
from django.template.loader import get_template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()

TEMPLATE = "includes/form_field.html"
REQUIRED_MARK = mark_safe('<span class="required-mark" aria-hidden="true">*</span>')


@register.simple_tag
def form_field(field):
    if not isinstance(field, BoundField):
        return ""  # a field the form does not have (the template engine gives ""): nothing, rather than a 500
    if field.is_hidden:
        return str(field)
    if field.use_fieldset or getattr(field.field.widget, "input_type", None) == "checkbox":
        return get_template(TEMPLATE).render({"field": field})
    errors = field.errors
    auto_id = field.auto_id
    help_text = field.help_text
    return format_html(
        '\n<div class="form-field{}">\n  <label for="{}">{}{}</label>\n  {}\n  {}{}\n</div>\n',
        " has-error" if errors else "",
        field.id_for_label,
        field.label,
        REQUIRED_MARK if field.field.required else "",
        field,
        format_html('<div class="help"{}>{}</div>', _id(auto_id, "_helptext"), mark_safe(help_text))  # noqa: S308 - as |safe
        if help_text
        else "",
        format_html('<p class="field-error"{}>{}</p>', _id(auto_id, "_error"), _joined(errors)) if errors else "",
    )


def _id(auto_id, suffix: str) -> str:
    return format_html(' id="{}{}"', auto_id, suffix) if auto_id else ""


def _joined(errors) -> str:
    """As `errors|join:" "`: each message escaped, joined by a space."""
    return mark_safe(" ".join(conditional_escape(error) for error in errors))  # noqa: S308 - each one escaped
