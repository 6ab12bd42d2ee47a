"""The admin site, which makes every admin page it registers answer a forged query or form with the admin's own
"invalid" answer instead of a 500. Django's pages meet such values in queries they run, or in Python:
- a date part out of range (year 9999, 20 digits), or text or 20 digits against an integer column, in the
  changelist's filters (its date drill-down included);
- a selected row that is no key ("abc", 20 digits), in an action;
- an autocomplete field re-rendered with a value that is no key, in a form sent back with errors;
- a many-to-many field of 20 digits (SQLite), a tag longer than its column (PostgreSQL), a date at year 1 or
  9999 (outside datetime's range once moved into UTC), in a form; a list edit of rows that are not all there (those
  still there are saved); a form saved twice at once, whose second save finds its unique values taken.

`register` mixes the guards into each ModelAdmin and its inlines, ours and Django's (groups) alike, so a new
admin needs nothing to be covered."""

import re
from functools import cache

from django.contrib import admin, messages
from django.contrib.admin import SimpleListFilter
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG, IGNORED_PARAMS, PAGE_VAR
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import FieldDoesNotExist, FieldError, ValidationError
from django.db import IntegrityError, models
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpResponseRedirect, QueryDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from taggit.managers import TaggableManager

from .forms import ModelMultipleChoiceField, TagField, is_key


class _KeysOnly:
    """An autocomplete widget that looks up only the values that can be keys: Django filters by every value sent."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        target = remote.model._meta.get_field(getattr(remote, "field_name", None) or remote.model._meta.pk.name)
        return super().optgroups(name, [v for v in value if is_key(target, v)], attr)


class KeysOnlySelect(_KeysOnly, AutocompleteSelect):
    pass


class KeysOnlySelectMultiple(_KeysOnly, AutocompleteSelectMultiple):
    pass


# Dates a coordinator may type: outside them, year 1 or 9999 moved into UTC leaves datetime's range, and the row
# saved (PostgreSQL takes it) failed every page that read it, the admin's own included.
YEARS = range(1900, 2200)


def within_years(value) -> None:
    if value is not None and value.year not in YEARS:
        raise ValidationError(
            _("Enter a date between the years %(first)d and %(last)d."),
            code="year_out_of_range",
            params={"first": YEARS.start, "last": YEARS.stop - 1},
        )


class FormFieldGuard:
    """For ModelAdmins and inlines alike: autocomplete fields get the widgets above (Django leaves a widget it is
    given), many-to-many fields refuse values that are no key, tags are the site's TagField (refusing a tag
    too long for its column with taggit's suffix: a 500 on PostgreSQL), and dates stay within YEARS."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, TaggableManager):
            kwargs.setdefault("form_class", TagField)
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.DateField) and formfield is not None:  # DateTimeField included
            formfield.validators.append(within_years)
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KeysOnlySelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KeysOnlySelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        kwargs.setdefault("form_class", ModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


# A date part's values that make sense; outside them the query fails before or in the database (datetime()
# overflows: Django turns a year into the bounds of that year in the current time zone, so 1 and 9999 overflow
# too; a 20-digit value overflows any integer column).
DATE_PARTS = {
    "year": range(2, 9999), "iso_year": range(2, 9999), "month": range(1, 13), "day": range(1, 32),
    "week": range(1, 54), "week_day": range(1, 8), "iso_week_day": range(1, 8), "quarter": range(1, 5),
    "hour": range(24), "minute": range(60), "second": range(60),
}  # fmt: skip
INTEGER = re.compile(r"-?[0-9]{1,18}")
SPLIT_LOOKUPS = {"in", "range"}  # the admin reads their values as a comma-separated list


def lookup_target(model, path: str) -> tuple[models.Field | None, list[str]]:
    """The field a changelist's query parameter compares with (for a relation, the key it points at) and the
    lookups and transforms after it; (None, []) when the parameter names no field (a list filter's own)."""
    parts = path.split(LOOKUP_SEP)
    opts, field = model._meta, None
    for index, part in enumerate(parts):
        if field is not None and not _is_relation(field):
            return field, parts[index:]  # "created_at__year": lookups and transforms from here on
        try:
            field = opts.get_field(part)
        except FieldDoesNotExist:
            return (_compared(field), parts[index:]) if field is not None else (None, [])
        if _is_relation(field):
            opts = field.related_model._meta
    return _compared(field), []


def _is_relation(field) -> bool:
    return field.is_relation and field.related_model is not None


def _compared(field):
    if not _is_relation(field):
        return field
    try:
        return field.target_field
    except (AttributeError, FieldError):  # a reverse many-to-many, a generic relation: the other side's key
        return field.related_model._meta.pk


def is_sane_lookup(model, path: str, values: list[str]) -> bool:
    """Whether a changelist may run a query with `path` = `values`: a date part in range, an integer where an
    integer column is compared. Anything else is Django's to judge, which it does before the query runs."""
    field, lookups = lookup_target(model, path)
    if field is None or "isnull" in lookups:
        return True
    if lookups and lookups[-1] in SPLIT_LOOKUPS:
        values = [item for value in values for item in value.split(",")]
    for part in lookups:
        if part in DATE_PARTS:
            allowed = DATE_PARTS[part]
            return all(INTEGER.fullmatch(value) and int(value) in allowed for value in values)
    if isinstance(field, models.IntegerField):  # AutoField and BigAutoField included
        return all(INTEGER.fullmatch(value) for value in values)
    return True


class SaneLookupsChangeList:
    """Django checks a lookup's value when the filter is built, but some fail only as the query is compiled or
    run: a year out of range (datetime()), 20 digits (SQLite), text against a generic relation's integer
    column (PostgreSQL). Such a value is the admin's "invalid lookup" here (the list again, with ?e=1)."""

    def get_filters(self, request):
        # A list filter of our own reads its parameter itself, and judges its values (EventFilter: "not an id").
        own = {entry.parameter_name for entry in self.list_filter if _is_simple_filter(entry)}
        for name, values in request.GET.lists():
            if name not in {*IGNORED_PARAMS, PAGE_VAR, ERROR_FLAG, *own}:
                if not is_sane_lookup(self.model, name, values):
                    raise IncorrectLookupParameters(f"{name}: {values!r}")
        return super().get_filters(request)


def _is_simple_filter(entry) -> bool:
    return isinstance(entry, type) and issubclass(entry, SimpleListFilter)


@cache
def sane_lookups(changelist_class: type) -> type:
    return type(changelist_class.__name__, (SaneLookupsChangeList, changelist_class), {})


ROWS_NOT_LISTED = _("Some of these rows are not on the list, so nothing was saved. This is the list as it is now.")


def rows_gone(count: int) -> str:
    return ngettext(
        "%(count)d of the rows you edited was deleted meanwhile by someone else, so its changes could not be saved.",
        "%(count)d of the rows you edited were deleted meanwhile by someone else, so their changes could not be saved.",
        count,
    ) % {"count": count}


def without_forms_of(data: QueryDict, prefix: str, pk_name: str, gone: set[str]) -> QueryDict:
    """A list edit's POST without the forms of the rows in `gone`, the others numbered from 0 again.

    Django refuses the whole list edit when one row is gone, by an error on that row's hidden id field, and shows
    the same rows again, so saving again fails the same way until the page is reloaded and the changes typed again.
    Files are not renumbered: no list edit here has a file column (one that did would need request.FILES too).
    """
    form_key = re.compile(rf"^{re.escape(prefix)}-(\d+)-(.+)$")
    indexes, dropped = set(), set()
    for key in data:
        if match := form_key.match(key):
            indexes.add(int(match[1]))
            if match[2] == pk_name and data[key] in gone:
                dropped.add(int(match[1]))
    renumbered = {old: new for new, old in enumerate(sorted(indexes - dropped))}
    result = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        if match := form_key.match(key):
            if int(match[1]) in dropped:
                continue
            key = f"{prefix}-{renumbered[int(match[1])]}-{match[2]}"
        elif key in (f"{prefix}-TOTAL_FORMS", f"{prefix}-INITIAL_FORMS") and values[-1].isdigit():
            values = [str(max(int(values[-1]) - len(dropped), 0))]
        result.setlist(key, values)
    result._mutable = False
    return result


def _messages_queued(request) -> tuple[list, int] | None:
    """The messages this request has added so far (Django's storage keeps them in a list until the response), and
    how many there are now; None without the messages framework."""
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", None)
    return None if queued is None else (queued, len(queued))


class ForgedInputGuard(FormFieldGuard):
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        before = _messages_queued(request)
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except IntegrityError:
            if request.method != "POST":
                raise
            # Another request saved the same unique values after this form was validated (a double click on "Save",
            # two coordinators): the form (its transaction rolled back) is validated again, and now says which
            # value is taken. A second failure is not that, and is raised. What the failed save said it had done
            # ("3 members moved from the waitlist") was rolled back with it, and is not said.
            if before is not None:
                queued, count = before
                del queued[count:]
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_changelist(self, request, **kwargs):
        return sane_lookups(super().get_changelist(request, **kwargs))

    def to_field_allowed(self, request, to_field):
        try:
            return super().to_field_allowed(request, to_field)
        except AttributeError:  # Django reads `primary_key` off a reverse many-to-many, which has none
            return False

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and self.list_editable and "_save" in request.POST:
            if self.has_change_permission(request):
                prefix = self.get_changelist_formset(request).get_default_prefix()
                ids = set(self._get_edited_object_pks(request, prefix))
                if not all(is_key(self.opts.pk, pk) for pk in ids):
                    # Django made a new object of such a row's few fields, and saving it failed (a 500).
                    self.message_user(request, ROWS_NOT_LISTED, messages.ERROR)
                    return HttpResponseRedirect(request.get_full_path())
                present = set(self.get_queryset(request).filter(pk__in=ids).values_list("pk", flat=True))
                gone = {pk for pk in ids if self.opts.pk.to_python(pk) not in present}
                if gone:
                    # Another coordinator deleted them: the other rows' changes are saved, as if these were not listed.
                    request.POST = without_forms_of(request.POST, prefix, self.opts.pk.name, gone)
                    self.message_user(request, rows_gone(len(gone)), messages.WARNING)
        return super().changelist_view(request, extra_context)

    def response_action(self, request, queryset):
        # Rows that are no key are not selected: Django filters by them as sent.
        selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
        keys = [value for value in selected if is_key(self.model._meta.pk, value)]
        if keys != selected:
            request.POST = request.POST.copy()
            request.POST.setlist(ACTION_CHECKBOX_NAME, keys)
        return super().response_action(request, queryset)


@cache
def guarded(admin_class: type, guard: type = ForgedInputGuard) -> type:
    attributes = {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__}
    if guard is ForgedInputGuard:
        attributes["inlines"] = [guarded(inline, FormFieldGuard) for inline in admin_class.inlines]
    return type(admin_class.__name__, (guard, admin_class), attributes)


class PlatformAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        return super().register(model_or_iterable, guarded(admin_class or admin.ModelAdmin), **options)
