from __future__ import annotations

from services.models.catalogue import (
    EXAMPLE_SOURCES,
    ContactPoint,
    GroupSession,
    Location,
    Method,
    OpeningHours,
    OpeningHoursException,
    Organisation,
    Source,
    SupportService,
)
from services.models.demand import SearchDemand
from services.models.feedback import ErrorReport, ErrorReportNote
from services.models.geography import Boundary, Municipality, PostalArea, WellbeingServicesCounty
from services.models.imports import ImportRun
from services.models.reminders import ReminderMessage, StaleReminder
from services.models.review import ServiceRevision
from services.models.search_index import (
    SearchIndexChange,
    SearchIndexEntry,
    SearchIndexVersion,
)
from services.models.support_list import SharedList
from services.models.taxonomy import (
    Attribute,
    Channel,
    Language,
    LifeSituation,
    ServiceClass,
    TargetGroup,
    Tier,
)

__all__ = [
    "ImportRun",
    "EXAMPLE_SOURCES",
    "ErrorReport",
    "ErrorReportNote",
    "ReminderMessage",
    "StaleReminder",
    "SharedList",
    "Attribute",
    "Boundary",
    "Channel",
    "ContactPoint",
    "GroupSession",
    "Language",
    "LifeSituation",
    "Location",
    "Method",
    "Municipality",
    "OpeningHours",
    "OpeningHoursException",
    "Organisation",
    "PostalArea",
    "ServiceClass",
    "ServiceRevision",
    "SearchDemand",
    "SearchIndexChange",
    "SearchIndexEntry",
    "SearchIndexVersion",
    "Source",
    "SupportService",
    "TargetGroup",
    "Tier",
    "WellbeingServicesCounty",
]
