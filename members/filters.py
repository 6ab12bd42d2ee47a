import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cop_platform.form_renderer import FilterForm
from cop_platform.forms import country_filter

from .models import User


class MemberDirectoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Name or organization"),
        method="filter_text",
        max_length=100,
    )
    country = country_filter(label=_("Country"), empty_label=_("All countries"))

    class Meta:
        model = User
        form = FilterForm
        fields = ["q", "country"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(full_name__icontains=value) | Q(organization__icontains=value))
