from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cop_platform.ratelimit import rate_limited

from .surveys import AlreadyAnswered, SurveyClosed, SurveyForm, open_surveys_for, survey_submit, surveys_for


@login_required
def survey_list(request):
    return render(request, "indicators/surveys.html", {"surveys": list(open_surveys_for(request.user))})


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
            _("This survey opens on %(when)s.")
            % {"when": date_format(timezone.localtime(survey.opens_at), "DATETIME_FORMAT")},
        )
        return redirect("surveys:list")
    if not survey.is_open(now):
        messages.info(request, _("This survey is closed."))
        return redirect("surveys:list")
    questions = list(survey.questions.all())
    form = SurveyForm(request.POST or None, survey=survey, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            survey_submit(survey=survey, member=request.user, questions=questions, data=form.cleaned_data)
        except AlreadyAnswered:
            messages.info(request, _("You have already answered this survey. Thank you!"))
        except SurveyClosed:
            messages.error(request, _("This survey closed before your answers arrived; they were not recorded."))
        else:
            messages.success(request, _("Thank you: your answers are recorded."))
        return redirect("surveys:list")
    return render(request, "indicators/survey_answer.html", {"survey": survey, "form": form})
