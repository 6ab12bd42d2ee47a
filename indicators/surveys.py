"""Community surveys: who may answer (the one access rule), answering once, and result summaries for the
admin and the report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django import forms
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Membership
from cop_platform import forms as shared_fields
from cop_platform.i18n import MomentInZone
from members.models import Activity
from members.services import activity_record

from .compute import month_bounds
from .models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse

# --- Access: one rule -------------------------------------------------------------------------------------


def surveys_for(member):
    """Surveys the member is asked: all-member surveys and those of communities they are an active member of."""
    if not member.is_authenticated:
        return Survey.objects.none()
    mine = Membership.objects.filter(member=member, status=Membership.Status.ACTIVE).values("community")
    return Survey.objects.filter(Q(community__isnull=True) | Q(community__in=mine))


def open_surveys_for(member, now=None):
    return (
        _open_to(member, now)
        .annotate(answered=_answered_by(member))
        .select_related("community")
        .order_by("closes_at", "pk")
    )


def unanswered_open_surveys_for(member, now=None):
    """Open surveys the member has not answered, with what the home page lists of them (title, closing date):
    the home page asks on every visit, and building open_surveys_for's query (its communities' columns, the
    answered flag both selected and filtered on) took 1 ms of Python."""
    return _open_to(member, now).filter(~_answered_by(member)).only("title", "closes_at").order_by("closes_at", "pk")


def _open_to(member, now=None):
    now = now or timezone.now()
    return surveys_for(member).filter(opens_at__lte=now, closes_at__gt=now)


def _answered_by(member) -> Exists:
    return Exists(SurveyResponse.objects.filter(survey=OuterRef("pk"), member=member))


# --- Answering --------------------------------------------------------------------------------------------


class SurveyForm(forms.Form):
    """One field per question, built from the survey."""

    def __init__(self, *args, survey: Survey, questions: list[SurveyQuestion], **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey
        self.questions = questions
        for question in questions:
            name = f"q{question.pk}"
            if question.kind == SurveyQuestion.Kind.RATING:
                field = forms.TypedChoiceField(
                    choices=[(n, str(n)) for n in range(1, 6)], coerce=int, widget=forms.RadioSelect,
                    help_text=_("1 = very poor, 5 = excellent"),
                )  # fmt: skip
            elif question.kind == SurveyQuestion.Kind.SINGLE:
                field = forms.ChoiceField(choices=[(c, c) for c in question.choice_list], widget=forms.RadioSelect)
            elif question.kind == SurveyQuestion.Kind.MULTIPLE:
                field = forms.MultipleChoiceField(
                    choices=[(c, c) for c in question.choice_list], widget=forms.CheckboxSelectMultiple
                )
            else:
                field = forms.CharField(widget=shared_fields.Textarea(attrs={"rows": 4}), max_length=4000)
            field.label = question.text
            field.required = question.required
            self.fields[name] = field


class QuoteConsentForm(forms.Form):
    """Asked below a survey with a free-text question, never assumed: the progress report leaves the platform,
    and a member wrote their comment for their community (a private one, perhaps), not for UNDP."""

    may_quote = forms.BooleanField(
        required=False,
        initial=False,
        label=_("My written comments may be quoted, without my name, in the network's progress reports"),
        help_text=_(
            "Progress reports are shared with UNDP and partners outside the platform. If you leave this "
            "unticked, your comments are read only by the survey's organisers; your other answers are "
            "counted either way."
        ),
    )


def with_closing_moment(survey: Survey) -> Survey:
    """`survey` with `closes`: its closing minute in the reader's time zone, named, when a template writes it. A
    date alone ("open until 11 March") read as the whole of that day to a member east of the server, where the
    survey closed early on it."""
    survey.closes = MomentInZone(survey.closes_at)
    return survey


def asks_for_comments(questions: list[SurveyQuestion]) -> bool:
    return any(question.kind == SurveyQuestion.Kind.TEXT for question in questions)


class AlreadyAnswered(Exception):
    pass


class SurveyClosed(Exception):
    pass


def survey_submit(
    *, survey: Survey, member, questions: list[SurveyQuestion], data: dict, may_quote: bool = False
) -> SurveyResponse:
    """Store one member's answers, and whether their comments may be quoted in progress reports. A second
    submission (double click, two tabs) raises AlreadyAnswered and stores nothing."""
    if not survey.is_open():
        raise SurveyClosed
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(survey=survey, member=member, may_quote=may_quote)
            answers = []
            for question in questions:
                value = data.get(f"q{question.pk}")
                if value in (None, "", []):
                    continue
                answer = SurveyAnswer(response=response, question=question)
                if question.kind == SurveyQuestion.Kind.RATING:
                    answer.rating = int(value)
                elif question.kind == SurveyQuestion.Kind.SINGLE:
                    answer.choices = [value]
                elif question.kind == SurveyQuestion.Kind.MULTIPLE:
                    answer.choices = list(value)
                else:
                    answer.text = value
                answers.append(answer)
            SurveyAnswer.objects.bulk_create(answers)
    except IntegrityError as error:
        raise AlreadyAnswered from error
    activity_record(member=member, kind=Activity.Kind.SURVEY, community=survey.community)
    return response


# --- Results ----------------------------------------------------------------------------------------------


@dataclass
class QuestionResult:
    question: SurveyQuestion
    answered: int = 0
    mean: float | None = None
    distribution: list[tuple[str, int]] = field(default_factory=list)  # (choice or score, count)
    texts: list[str] = field(default_factory=list)


@dataclass
class SurveyResult:
    survey: Survey
    responses: int
    questions: list[QuestionResult]


def survey_results(survey: Survey, *, until=None, text_limit: int = 20, quotable_only: bool = False) -> SurveyResult:
    """Counts, means and distributions per question (two queries). `until` limits to responses before it.
    `quotable_only`: the comments listed are only those their authors agreed may be quoted (for the progress
    report); every answer is counted all the same."""
    questions = list(survey.questions.all())
    responses = survey.responses.all()
    answers = SurveyAnswer.objects.filter(response__survey=survey)
    if until is not None:
        responses = responses.filter(submitted_at__lt=until)
        answers = answers.filter(response__submitted_at__lt=until)
    results = {q.pk: QuestionResult(question=q) for q in questions}
    counters = {q.pk: Counter() for q in questions}
    ratings: dict[int, list[int]] = {q.pk: [] for q in questions}
    rows = answers.values_list("question_id", "rating", "choices", "text", "response__may_quote")
    for question_id, rating, choices, text, may_quote in rows:
        result = results.get(question_id)
        if result is None:
            continue
        result.answered += 1
        if result.question.kind == SurveyQuestion.Kind.RATING and rating is not None:
            ratings[question_id].append(rating)
            counters[question_id][str(rating)] += 1
        elif result.question.kind in (SurveyQuestion.Kind.SINGLE, SurveyQuestion.Kind.MULTIPLE):
            counters[question_id].update(choices or [])
        elif text and len(result.texts) < text_limit and (may_quote or not quotable_only):
            result.texts.append(text)
    for question in questions:
        result = results[question.pk]
        if question.kind == SurveyQuestion.Kind.RATING:
            scores = ratings[question.pk]
            result.mean = round(sum(scores) / len(scores), 2) if scores else None
            result.distribution = [(str(n), counters[question.pk][str(n)]) for n in range(1, 6)]
        elif question.kind != SurveyQuestion.Kind.TEXT:
            result.distribution = [(c, counters[question.pk][c]) for c in question.choice_list]
    return SurveyResult(survey=survey, responses=responses.count(), questions=[results[q.pk] for q in questions])


def surveys_for_month(month: date) -> list[SurveyResult]:
    """Surveys open during the month that have answers, with results as they stood at its end, for the progress
    report: the comments are only those their authors agreed may be quoted."""
    start, end = month_bounds(month)
    surveys = (
        Survey.objects.filter(opens_at__lt=end, closes_at__gt=start, responses__submitted_at__lt=end)
        .distinct()
        .select_related("community")
        .order_by("opens_at")
    )
    return [survey_results(survey, until=end, quotable_only=True) for survey in surveys]
