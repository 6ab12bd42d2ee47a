from django.urls import path, register_converter

from . import views
from .converters import MonthConverter

register_converter(MonthConverter, "month")

app_name = "indicators"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("definitions/", views.definitions, name="definitions"),
    path("reports/", views.report_list, name="reports"),
    path("trend.csv", views.export_trend, {"fmt": "csv"}, name="trend_csv"),
    path("trend.xlsx", views.export_trend, {"fmt": "xlsx"}, name="trend_xlsx"),
    path("<month:month>/figures.csv", views.export_month, {"fmt": "csv"}, name="month_csv"),
    path("<month:month>/figures.xlsx", views.export_month, {"fmt": "xlsx"}, name="month_xlsx"),
    path("<month:month>/report/", views.report_status, name="report"),
    path("<month:month>/report.pdf", views.report_pdf, name="report_pdf"),
    path("<slug:code>/", views.indicator_detail, name="indicator"),
]
