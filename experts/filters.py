import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cop_platform.form_renderer import FilterForm
from cop_platform.forms import country_filter, country_q, pair_choice_filter
from members.selectors import language_choices

from .models import Expert


class ExpertDirectoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name, organization or topic"), method="filter_text", max_length=100)
    cluster = pair_choice_filter(
        label=_("Cluster"), field_name="clusters__slug", empty_label=_("All clusters")
    )  # choices: selectors.cluster_choices(), set in __init__
    country = country_filter(label=_("Country"), empty_label=_("Any country"), method="filter_country")
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Expert.Category.choices, empty_label=_("Any"))
    language = pair_choice_filter(label=_("Language"), field_name="languages__code", empty_label=_("Any language"))
    tag = django_filters.CharFilter(label=_("Topic"), field_name="expertise__slug", max_length=100)

    class Meta:
        model = Expert
        form = FilterForm
        fields = ["q", "cluster", "country", "category", "language", "tag"]

    def __init__(self, *args, clusters=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["cluster"].extra["choices"] = clusters or []
        self.filters["language"].extra["choices"] = language_choices()

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(organization__icontains=value) | Q(expertise__name__icontains=value)
        )

    def filter_country(self, queryset, name, value):
        return queryset.filter(country_q("countries", value))

    @property
    def qs(self):
        # Several filters cross many-to-many relations (topics, clusters, languages): keep each expert once. Only
        # then: DISTINCT over every column made the unfiltered directory sort all experts twice (count and page).
        experts = super().qs
        return experts.distinct() if len(experts.query.alias_map) > 1 else experts
