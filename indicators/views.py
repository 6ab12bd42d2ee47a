from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cop_platform.page_cache import cached_page
from cop_platform.templatetags.months import month_in_sentence
from members import roles
from members.audit import audit_record
from members.models import AuditEntry

from . import exports, selectors
from .access import viewer_required
from .converters import parse_month
from .models import MonthlySnapshot
from .registry import BY_CODE, by_section
from .services import report_request_in_every_language


def _report_language(request) -> str:
    """The language of the report a viewer reads: the page's, unless a link names one (the email announcing the
    report in the reader's language, the admin's list of reports)."""
    asked = request.GET.get("language")
    return asked if asked in dict(settings.LANGUAGES) else request.LANGUAGE_CODE


def _month_name(month) -> str:
    return date_format(month, "YEAR_MONTH_FORMAT")


def _chosen_month(request, months):
    """The month asked for in `?month=` if it is frozen, else the latest (with a message saying so)."""
    asked = request.GET.get("month")
    month = parse_month(asked)
    if asked and month is None:
        messages.error(
            request,
            _("“%(asked)s” is not a month: use YYYY-MM, e.g. 2026-10. Showing the latest month.")
            % {"asked": asked[:20]},
        )
    elif month is not None and month not in months:
        messages.warning(
            request,
            _("%(month)s has no frozen figures yet. Showing the latest month.") % {"month": _month_name(month)},
        )
        month = None
    return month or (months[0] if months else None)


@viewer_required
@cached_page
def dashboard(request):
    months = selectors.frozen_months()
    month = _chosen_month(request, months)
    if month is None:
        return render(request, "indicators/dashboard.html", {"figures": None, "months": []})
    figures = selectors.month_figures(month, breakdowns=False)
    return render(
        request,
        "indicators/dashboard.html",
        {
            "figures": figures,
            "months": months,
            "report": selectors.report_for(month, request.LANGUAGE_CODE),
            "is_coordinator": roles.is_coordinator(request.user),
        },
    )


@viewer_required
@cached_page
def indicator_detail(request, code):
    indicator = BY_CODE.get(code)
    if indicator is None:
        raise Http404("No such indicator")
    months = selectors.frozen_months()
    month = _chosen_month(request, months)
    figures = selectors.month_figures(month, breakdowns=code) if month else None
    return render(
        request,
        "indicators/indicator.html",
        {"indicator": indicator, "item": figures[code] if figures else None, "figures": figures, "months": months},
    )


@viewer_required
def definitions(request):
    return render(request, "indicators/definitions.html", {"sections": by_section()})


@viewer_required
@cached_page
def report_list(request):
    months = selectors.frozen_months()
    reports = selectors.reports_by_month(months, request.LANGUAGE_CODE)
    return render(request, "indicators/reports.html", {"rows": [(m, reports.get(m)) for m in months]})


def _snapshot_or_404(month):
    snapshot = MonthlySnapshot.objects.filter(month=month).first()
    if snapshot is None:
        raise Http404("That month has no frozen figures")
    return snapshot


@viewer_required
def export_month(request, month, fmt):
    snapshot = _snapshot_or_404(month)
    rows = exports.long_rows(snapshot)
    audit_record(actor=request.user, action=AuditEntry.Action.EXPORT, target=f"Indicators {month:%Y-%m}.{fmt}")
    name = f"indicators-{month:%Y-%m}"
    if fmt == "xlsx":
        return exports.xlsx_response(f"{name}.xlsx", f"{month:%Y-%m}", exports.LONG_HEADER, rows)
    return exports.csv_response(f"{name}.csv", exports.LONG_HEADER, rows)


@viewer_required
def export_trend(request, fmt):
    months = selectors.frozen_months()
    month = parse_month(request.GET.get("month")) or (months[0] if months else None)
    if month is None:
        raise Http404("No month has been frozen yet")
    header, rows = exports.wide_table(month)
    audit_record(
        actor=request.user, action=AuditEntry.Action.EXPORT, target=f"Indicators, 12 months to {month:%Y-%m}.{fmt}"
    )
    name = f"indicators-12-months-to-{month:%Y-%m}"
    if fmt == "xlsx":
        return exports.xlsx_response(f"{name}.xlsx", "12 months", header, rows)
    return exports.csv_response(f"{name}.csv", header, rows)


@viewer_required
@require_http_methods(["GET", "POST"])
def report_status(request, month):
    _snapshot_or_404(month)
    language = request.LANGUAGE_CODE  # the page's: a Russian page asks for, and offers, the Russian report
    if request.method == "POST":
        report, queued = report_request_in_every_language(month=month, language=language, requested_by=request.user)
        if queued:
            messages.success(
                request,
                _("The %(month)s report is being prepared. You will get an email when it is ready.")
                % {"month": month_in_sentence(month)},
            )
        else:
            messages.info(request, _("This report is already being prepared; it will be ready in a few minutes."))
        return redirect("indicators:report", month=month)
    return render(
        request,
        "indicators/report_status.html",
        {"month": month, "language": language, "report": selectors.report_for(month, language)},
    )


@viewer_required
def report_pdf(request, month):
    language = _report_language(request)
    report = selectors.report_for(month, language)
    if report is None or not report.is_ready:
        messages.info(
            request, _("The %(month)s report has not been generated yet.") % {"month": month_in_sentence(month)}
        )
        return redirect(reverse("indicators:report", args=[month]))
    try:
        handle = report.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("The report file is missing; generate it again") from error
    audit_record(
        actor=request.user, action=AuditEntry.Action.EXPORT, target=f"Progress report {month:%Y-%m} (PDF, {language})"
    )
    response = FileResponse(handle, as_attachment=True, filename=f"progress-report-{month:%Y-%m}-{language}.pdf",
                            content_type="application/pdf")  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    return response
