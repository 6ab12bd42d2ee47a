from django.contrib import admin

from .models import IndicatorValue, MonthlySnapshot


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    extra = 0
    can_delete = False
    fields = ["code", "dimension", "key", "value"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(MonthlySnapshot)
class MonthlySnapshotAdmin(admin.ModelAdmin):
    """Frozen months, read-only: recompute with `python manage.py compute_indicators --month YYYY-MM --recompute`."""

    list_display = ["month", "computed_at"]
    readonly_fields = ["month", "computed_at"]
    inlines = [IndicatorValueInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
