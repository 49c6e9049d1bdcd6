from __future__ import annotations

from django.urls import path, register_converter

from services.views import imports, pages, search, sessions, support_lists


class IdConverter:
    """A database id: digits only, and few enough that no database overflows on them."""

    regex = "[0-9]{1,12}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class TokenConverter:
    regex = "[A-Za-z0-9_-]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(IdConverter, "id")
register_converter(TokenConverter, "token")

app_name = "services"

urlpatterns = [
    path("", search.home, name="home"),
    path("search/", search.search, name="search"),
    path("services/<id:pk>/", pages.service_detail, name="service_detail"),
    path("services/<id:pk>/report/", pages.report_error, name="report_error"),
    path("services/<id:pk>/report/thanks/", pages.report_error_thanks, name="report_error_thanks"),
    path("services/<id:pk>/calendar.ics", sessions.service_calendar, name="service_calendar"),
    path("providers/<id:pk>/", pages.organisation_detail, name="organisation_detail"),
    path("sessions/", sessions.session_list, name="session_list"),
    path("sessions/calendar.ics", sessions.session_calendar, name="session_calendar"),
    path("list/", support_lists.support_list, name="support_list"),
    path("list/share/", support_lists.share, name="share_list"),
    path("list/<token:token>/", support_lists.shared_list, name="shared_list"),
    path("accessibility/", pages.accessibility_statement, name="accessibility"),
    path("privacy/", pages.privacy_notice, name="privacy"),
    path("adult-services/", pages.adult_services, name="adult_services"),
    path("staff/imports/", imports.import_list, name="import_list"),
    path("staff/imports/<id:pk>/", imports.import_detail, name="import_detail"),
    path("staff/imports/<id:pk>/run/", imports.import_repeat, name="import_repeat"),
    path("staff/imports/<id:pk>/report.csv", imports.import_report_csv, name="import_report_csv"),
    path(
        "staff/imports/template.csv",
        imports.import_template,
        {"file_format": "csv"},
        name="import_template_csv",
    ),
    path(
        "staff/imports/template.xlsx",
        imports.import_template,
        {"file_format": "xlsx"},
        name="import_template_xlsx",
    ),
]
