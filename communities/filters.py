import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cop_platform.form_renderer import FilterForm
from cop_platform.forms import country_filter, country_q

from .models import Community


class CommunityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search communities"), method="filter_text", max_length=100)
    theme = django_filters.CharFilter(label=_("Theme"), field_name="themes__slug", distinct=True, max_length=100)
    country = country_filter(label=_("Country of focus"), empty_label=_("Any country"), method="filter_country")

    class Meta:
        model = Community
        form = FilterForm
        fields = ["q", "theme", "country"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))

    def filter_country(self, queryset, name, value):
        return queryset.filter(country_q("countries", value))
