"""The admin site, which makes every admin page it registers answer a forged query or form with the admin's own
"invalid" answer instead of a 500. Django's pages meet three such values in queries they run:
- a date drill-down year, month or day out of range (year 9999 or 20 digits), in the changelist;
- a selected row that is no key ("abc", 20 digits), in an action;
- an autocomplete field re-rendered with a value that is no key, in a form sent back with errors.

`register` mixes the guards into each ModelAdmin and its inlines, ours and Django's (groups) alike, so a new
admin needs nothing to be covered."""

from functools import cache

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import models

from .forms import small_int


def is_key(field: models.Field, value) -> bool:
    """Whether `value` can be compared with `field` in a query (one that cannot fails it: ValueError, overflow)."""
    if isinstance(field, models.IntegerField):  # AutoField and BigAutoField included
        return small_int(str(value)) is not None
    try:
        field.to_python(value)
    except ValidationError:
        return False
    return True


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


class KeysOnlyAutocomplete:
    """For ModelAdmins and inlines: autocomplete fields get the widgets above (Django leaves a widget it is given)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KeysOnlySelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KeysOnlySelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class BoundedDatesChangeList(ChangeList):
    """Django checks a date drill-down's values with datetime(), then adds a year, a month or a day: year 9999 and
    20-digit values fail past its check. Out of range here is the admin's "invalid lookup" (the list, with ?e=1)."""

    LIMITS = {"year": range(1, 9999), "month": range(1, 13), "day": range(1, 32)}

    def get_filters(self, request):
        if self.date_hierarchy:
            for part, allowed in self.LIMITS.items():
                value = self.params.get(f"{self.date_hierarchy}__{part}")
                if value is not None and small_int(value) not in allowed:
                    raise IncorrectLookupParameters(f"{part} out of range: {value!r}")
        return super().get_filters(request)


class ForgedInputGuard(KeysOnlyAutocomplete):
    def get_changelist(self, request, **kwargs):
        return BoundedDatesChangeList

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
        attributes["inlines"] = [guarded(inline, KeysOnlyAutocomplete) for inline in admin_class.inlines]
    return type(admin_class.__name__, (guard, admin_class), attributes)


class PlatformAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        return super().register(model_or_iterable, guarded(admin_class or admin.ModelAdmin), **options)
