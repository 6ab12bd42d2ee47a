from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from cop_platform.minutes import to_the_minute

from .registry import MANUAL_CHOICES


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

    snapshot = models.ForeignKey(
        MonthlySnapshot, verbose_name=_("monthly snapshot"), on_delete=models.CASCADE, related_name="values"
    )
    code = models.CharField(_("indicator"), max_length=64)
    # Translators: what a figure is broken down by: a country, a gender, a community…
    dimension = models.CharField(_("breakdown"), max_length=32, default="total")
    # Translators: one group of a breakdown: one country, one gender, one community…
    key = models.CharField(_("group"), max_length=100, default="total")
    value = models.FloatField(_("value"), null=True)

    class Meta:
        ordering = ["code", "dimension", "key"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "code", "dimension", "key"], name="indicator_value_unique")
        ]

    def __str__(self):
        return f"{self.snapshot} {self.code} {self.dimension}={self.key}: {self.value}"


def month_label(month) -> str:
    return f"{month:%Y-%m}"


class FirstOfMonth:
    """For models keyed by a month: whatever day is entered, the first of the month is stored."""

    def save(self, *args, **kwargs):
        self.month = self.month.replace(day=1)
        super().save(*args, **kwargs)

    def clean(self):
        # Before the form's unique check, so "17 October" meets an existing October as a clear error.
        super().clean()
        if self.month:
            self.month = self.month.replace(day=1)


class MonthlyNarrative(FirstOfMonth, models.Model):
    """The coordinator's words for a month; the progress report prints them after the executive summary."""

    month = models.DateField(_("month"), unique=True, help_text=_("Any day in the month; stored as its first day."))
    highlights = models.TextField(
        _("highlights"), blank=True, help_text=_("What went well. Plain text; blank lines separate paragraphs.")
    )
    lessons_learned = models.TextField(_("lessons learned"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )  # fmt: skip

    class Meta:
        ordering = ["-month"]
        verbose_name = _("monthly narrative")
        verbose_name_plural = _("monthly narratives")

    def __str__(self):
        return month_label(self.month)


class ManualFigure(FirstOfMonth, models.Model):
    """A figure the platform cannot know (people reached offline…), entered by the coordinator with its source.
    The month's snapshot adds these up like any other indicator; recompute the month after changing them."""

    month = models.DateField(_("month"), help_text=_("Any day in the month; stored as its first day."))
    code = models.CharField(_("indicator"), max_length=64, choices=MANUAL_CHOICES)
    country = CountryField(_("country"), blank=True, help_text=_("Leave empty when the figure is not for one country."))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    source_note = models.CharField(
        _("source"),
        max_length=300,
        help_text=_("Where the figure comes from: a report, an attendance sheet, a partner…"),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )  # fmt: skip
    entered_at = models.DateTimeField(_("entered"), auto_now=True)

    class Meta:
        ordering = ["-month", "code", "country"]
        verbose_name = _("manually reported figure")
        verbose_name_plural = _("manually reported figures")
        constraints = [
            models.UniqueConstraint(fields=["month", "code", "country"], name="manual_figure_unique"),
        ]

    def __str__(self):
        return f"{month_label(self.month)} {self.get_code_display()} {self.country or ''}: {self.value}"


class ProgressReport(models.Model):
    """A month's PDF progress report in one language (one row per month and language: a Russian reader gets the
    Russian report, whoever asked for another language last). `file` is always a complete PDF (written before it
    is attached), so a render that dies half-way never replaces the last good file; `job` tracks the render in
    progress."""

    class Job(models.TextChoices):
        IDLE = "idle", _("idle")
        QUEUED = "queued", _("queued")
        RENDERING = "rendering", _("rendering")
        FAILED = "failed", _("failed")

    month = models.DateField(_("month"))
    language = models.CharField(
        _("language"), max_length=16, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    file = models.FileField(_("file"), upload_to="reports/", blank=True)
    generated_at = models.DateTimeField(_("generated"), null=True, blank=True)
    snapshot_computed_at = models.DateTimeField(_("figures computed"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    job = models.CharField(_("job"), max_length=12, choices=Job.choices, default=Job.IDLE)
    job_started_at = models.DateTimeField(_("job started"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-month", "language"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [models.UniqueConstraint(fields=["month", "language"], name="progress_report_per_language")]

    def __str__(self):
        return f"{month_label(self.month)} ({self.language})"

    @property
    def is_ready(self) -> bool:
        return bool(self.file) and self.generated_at is not None

    @property
    def in_progress(self) -> bool:
        return self.job in (self.Job.QUEUED, self.Job.RENDERING)


class Survey(models.Model):
    """A short questionnaire for one community's members or for all members; each member answers once.
    It opens and closes on the minute: members are shown the minute (in their own time zone), and a survey shown
    as open until 06:29 must not take answers at 06:29:40."""

    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True, help_text=_("Shown above the questions."))
    community = models.ForeignKey(
        "communities.Community", null=True, blank=True, on_delete=models.CASCADE, related_name="surveys",
        verbose_name=_("community"), help_text=_("Leave empty to ask all members."),
    )  # fmt: skip
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )  # fmt: skip
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="survey_closes_after_opening"
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.opens_at, self.closes_at = to_the_minute(self.opens_at), to_the_minute(self.closes_at)
        super().save(*args, **kwargs)

    def clean(self):
        self.opens_at, self.closes_at = to_the_minute(self.opens_at), to_the_minute(self.closes_at)
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The survey must close after it opens.")})

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at


class SurveyQuestion(models.Model):
    class Kind(models.TextChoices):
        RATING = "rating", _("Rating 1–5")
        SINGLE = "single", _("One choice")
        MULTIPLE = "multiple", _("Several choices")
        TEXT = "text", _("Free text")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.RATING)
    choices = models.TextField(
        _("choices"), blank=True, help_text=_("For one or several choices: one choice per line.")
    )
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        ordering = ["survey", "position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.text

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    def clean(self):
        if self.kind in (self.Kind.SINGLE, self.Kind.MULTIPLE) and len(self.choice_list) < 2:
            raise ValidationError({"choices": _("Give at least two choices, one per line.")})


class SurveyResponse(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="survey_responses"
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)
    # Asked on the form, unticked unless the member ticks it: the progress report leaves the platform (UNDP,
    # partners), and a comment written for a private community's survey was not written for them.
    may_quote = models.BooleanField(
        _("comments may be quoted"),
        default=False,
        help_text=_(
            "The member agreed that their written comments be quoted, without their name, in progress reports."
        ),
    )

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [models.UniqueConstraint(fields=["survey", "member"], name="survey_response_once")]

    def __str__(self):
        return f"{self.survey} — {self.submitted_at:%Y-%m-%d}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    choices = models.JSONField(default=list, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="survey_answer_once")]

    def __str__(self):
        return f"{self.question}: {self.rating or self.choices or self.text[:40]}"
