import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cop_platform.form_renderer import FilterForm
from members.selectors import language_choices

from .models import Event


class ScheduleFilter(django_filters.FilterSet):
    when = django_filters.ChoiceFilter(
        label=_("When"), choices=[("upcoming", _("Upcoming")), ("past", _("Past"))], method="filter_when",
        empty_label=None,
    )  # fmt: skip
    # Choices are (slug, name) pairs set per viewer in __init__ (community_choices): until then, none.
    # null_value=None: a ChoiceFilter otherwise reads the value "null" as "no community", and "null" is a
    # slug a community may have.
    community = django_filters.ChoiceFilter(
        label=_("Community"),
        field_name="communities__slug",
        choices=[],
        null_value=None,
        empty_label=_("All communities"),
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Event.Kind.choices, empty_label=_("Any kind"))
    language = django_filters.ChoiceFilter(
        label=_("Language"), field_name="language__code", choices=[], null_value=None, empty_label=_("Any language")
    )

    class Meta:
        model = Event
        form = FilterForm
        fields = ["when", "community", "kind", "language"]

    def __init__(self, data=None, *args, communities=None, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("when", "upcoming")
        super().__init__(data, *args, **kwargs)
        # Each FilterSet holds its own copies of the filters: setting their choices here is per request.
        self.filters["community"].extra["choices"] = communities or []
        self.filters["language"].extra["choices"] = language_choices()

    def filter_when(self, queryset, name, value):
        now = timezone.now()
        if value == "past":
            return queryset.filter(ends_at__lte=now).order_by("-starts_at")
        return queryset.filter(Q(ends_at__gt=now))
