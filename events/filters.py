import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cop_platform.form_renderer import FilterForm
from cop_platform.forms import pair_choice_filter
from members.selectors import language_choices

from .models import Event


class ScheduleFilter(django_filters.FilterSet):
    when = django_filters.ChoiceFilter(
        label=_("When"), choices=[("upcoming", _("Upcoming")), ("past", _("Past"))], method="filter_when",
        empty_label=None,
    )  # fmt: skip
    community = pair_choice_filter(
        label=_("Community"), field_name="communities__slug", empty_label=_("All communities")
    )  # choices: community_choices(viewer), set in __init__
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Event.Kind.choices, empty_label=_("Any kind"))
    language = pair_choice_filter(label=_("Language"), field_name="language__code", empty_label=_("Any language"))

    class Meta:
        model = Event
        form = FilterForm
        fields = ["when", "community", "kind", "language"]

    def __init__(self, data=None, *args, communities=None, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("when", "upcoming")
        super().__init__(data, *args, **kwargs)
        self.filters["community"].extra["choices"] = communities or []
        self.filters["language"].extra["choices"] = language_choices()

    def filter_when(self, queryset, name, value):
        now = timezone.now()
        if value == "past":
            return queryset.filter(ends_at__lte=now).order_by("-starts_at")
        return queryset.filter(Q(ends_at__gt=now))
