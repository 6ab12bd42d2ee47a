from django.db import models
from django.utils.translation import gettext_lazy as _


class MonthlySnapshot(models.Model):
    """One month's indicators, computed once and frozen: later data does not change it unless it is
    recomputed on purpose (and `computed_at` says when)."""

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month."))
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        ordering = ["-month"]
        verbose_name = _("monthly snapshot")
        verbose_name_plural = _("monthly snapshots")

    def __str__(self):
        return f"{self.month:%Y-%m}"


class IndicatorValue(models.Model):
    """One figure: an indicator, a dimension (total, country, gender…) and a key within it."""

    snapshot = models.ForeignKey(MonthlySnapshot, on_delete=models.CASCADE, related_name="values")
    code = models.CharField(max_length=64)
    dimension = models.CharField(max_length=32, default="total")
    key = models.CharField(max_length=100, default="total")
    value = models.FloatField(null=True)

    class Meta:
        ordering = ["code", "dimension", "key"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "code", "dimension", "key"], name="indicator_value_unique")
        ]

    def __str__(self):
        return f"{self.snapshot} {self.code} {self.dimension}={self.key}: {self.value}"
