import django_filters
from django.utils.translation import gettext_lazy as _

from cop_platform.form_renderer import FilterForm
from cop_platform.forms import country_filter, country_q, pair_choice_filter
from members.selectors import language_choices

from .models import KnowledgeProduct

SORTS = [("relevance", _("Relevance")), ("newest", _("Newest")), ("downloads", _("Most downloaded"))]


class LibraryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_nothing", max_length=200)
    type = django_filters.ChoiceFilter(
        label=_("Type"), choices=KnowledgeProduct.Type.choices, empty_label=_("Any type")
    )
    tag = django_filters.CharFilter(label=_("Theme"), field_name="tags__slug", max_length=100)
    country = country_filter(label=_("Country"), empty_label=_("Any country"), method="filter_country")
    community = pair_choice_filter(
        label=_("Community"), field_name="communities__slug", empty_label=_("Any community")
    )  # choices: community_choices(viewer), set in __init__
    language = pair_choice_filter(label=_("Language"), field_name="language__code", empty_label=_("Any language"))
    year = django_filters.NumberFilter(
        label=_("Year"), field_name="published_at", lookup_expr="year", min_value=2000, max_value=2100
    )
    sort = django_filters.ChoiceFilter(label=_("Sort by"), choices=SORTS, method="filter_nothing", empty_label=None)

    class Meta:
        model = KnowledgeProduct
        form = FilterForm
        fields = ["q", "type", "tag", "country", "community", "language", "year", "sort"]

    def __init__(self, *args, communities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["community"].extra["choices"] = communities or []
        self.filters["language"].extra["choices"] = language_choices()

    @property
    def search_text(self) -> str:
        """The words searched for: the cleaned `q`, or "" when there is none or the form is invalid (then nothing
        is searched, and the form says why). The selector searches it, the view highlights it."""
        if not self.is_valid():
            return ""
        return (self.form.cleaned_data.get("q") or "").replace("\x00", "").strip()

    def filter_nothing(self, queryset, name, value):
        return queryset  # search and sorting are applied by the selector, which knows the database

    def filter_country(self, queryset, name, value):
        return queryset.filter(country_q("countries", value))
