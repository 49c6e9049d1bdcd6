from __future__ import annotations

from django.urls import path

from services.views import (
    freshness,
    history,
    imports,
    pages,
    places,
    review,
    search,
    sessions,
    staff,
    support_lists,
)

app_name = "services"

urlpatterns = [
    path("", search.home, name="home"),
    path("search/", search.search, name="search"),
    path("place/nearest/", places.nearest_place, name="nearest_place"),
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
    path("staff/", staff.staff_home, name="staff_home"),
    path("staff/services/new/", staff.service_new, name="staff_service_new"),
    path("staff/services/<id:pk>/", staff.service_edit, name="staff_service_edit"),
    path("staff/services/<id:pk>/preview/", staff.service_preview, name="staff_service_preview"),
    path("staff/services/<id:pk>/confirm/", staff.service_confirm, name="staff_service_confirm"),
    path("staff/services/<id:pk>/submit/", staff.service_submit, name="staff_service_submit"),
    path("staff/services/<id:pk>/withdraw/", staff.service_withdraw, name="staff_service_withdraw"),
    path("staff/queue/", freshness.queue, name="queue"),
    path("staff/reports/<id:pk>/", freshness.report_detail, name="report_detail"),
    path("staff/confirm/<signed:token>/", freshness.confirm_link, name="staff_confirm_link"),
    path("staff/reviews/", review.review_list, name="review_list"),
    path("staff/reviews/<id:pk>/", review.review_detail, name="review_detail"),
    path(
        "staff/services/<id:pk>/history/",
        history.service_history,
        name="staff_service_history",
    ),
    path(
        "staff/services/<id:pk>/history/<id:version>/restore/",
        history.restore_version,
        name="staff_service_restore",
    ),
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
