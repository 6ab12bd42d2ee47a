from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cop_platform.i18n import MomentInZone
from cop_platform.ratelimit import rate_limited

from .surveys import (
    AlreadyAnswered,
    QuoteConsentForm,
    SurveyClosed,
    SurveyForm,
    asks_for_comments,
    open_surveys_for,
    survey_submit,
    surveys_for,
    with_closing_moment,
)


@login_required
def survey_list(request):
    surveys = [with_closing_moment(survey) for survey in open_surveys_for(request.user)]
    return render(request, "indicators/surveys.html", {"surveys": surveys})


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("survey")
def survey_answer(request, pk):
    survey = surveys_for(request.user).select_related("community").filter(pk=pk).first()
    if survey is None:  # not asked of this member: as if it did not exist
        raise Http404("No such survey")
    answered = survey.responses.filter(member=request.user).exists()
    if answered:
        messages.info(request, _("You have already answered this survey. Thank you!"))
        return redirect("surveys:list")
    now = timezone.now()
    if survey.opens_at > now:
        messages.info(
            request,
            _("This survey opens on %(when)s.") % {"when": MomentInZone(survey.opens_at)},
        )
        return redirect("surveys:list")
    if not survey.is_open(now):
        messages.info(request, _("This survey is closed."))
        return redirect("surveys:list")
    questions = list(survey.questions.all())
    form = SurveyForm(request.POST or None, survey=survey, questions=questions)
    consent = QuoteConsentForm(request.POST or None) if asks_for_comments(questions) else None
    if request.method == "POST" and form.is_valid() and (consent is None or consent.is_valid()):
        may_quote = bool(consent and consent.cleaned_data["may_quote"])
        try:
            survey_submit(
                survey=survey, member=request.user, questions=questions, data=form.cleaned_data, may_quote=may_quote
            )
        except AlreadyAnswered:
            messages.info(request, _("You have already answered this survey. Thank you!"))
        except SurveyClosed:
            messages.error(request, _("This survey closed before your answers arrived; they were not recorded."))
        else:
            messages.success(request, _("Thank you: your answers are recorded."))
        return redirect("surveys:list")
    return render(
        request,
        "indicators/survey_answer.html",
        {"survey": with_closing_moment(survey), "form": form, "consent": consent},
    )
