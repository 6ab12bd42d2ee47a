import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Community
from cop_platform.form_renderer import FilterForm
from members.models import Language

from .models import Event


class ScheduleFilter(django_filters.FilterSet):
    when = django_filters.ChoiceFilter(
        label=_("When"), choices=[("upcoming", _("Upcoming")), ("past", _("Past"))], method="filter_when",
        empty_label=None,
    )  # fmt: skip
    community = django_filters.ModelChoiceFilter(
        label=_("Community"), field_name="communities", queryset=Community.objects.none(), to_field_name="slug",
        empty_label=_("All communities"),
    )  # fmt: skip
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Event.Kind.choices, empty_label=_("Any kind"))
    language = django_filters.ModelChoiceFilter(
        label=_("Language"), queryset=Language.objects.order_by("name"), to_field_name="code",
        empty_label=_("Any language"),
    )  # fmt: skip

    class Meta:
        model = Event
        form = FilterForm
        fields = ["when", "community", "kind", "language"]

    def __init__(self, data=None, *args, communities=None, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("when", "upcoming")
        super().__init__(data, *args, **kwargs)
        self.filters["community"].queryset = communities if communities is not None else Community.objects.none()

    def filter_when(self, queryset, name, value):
        now = timezone.now()
        if value == "past":
            return queryset.filter(ends_at__lte=now).order_by("-starts_at")
        return queryset.filter(Q(ends_at__gt=now))
