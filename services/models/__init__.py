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
from services.models.feedback import ErrorReport
from services.models.geography import Boundary, Municipality, PostalArea, WellbeingServicesCounty
from services.models.imports import ImportRun
from services.models.search_index import SearchIndexEntry, SearchIndexVersion
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
    "SearchDemand",
    "SearchIndexEntry",
    "SearchIndexVersion",
    "Source",
    "SupportService",
    "TargetGroup",
    "Tier",
    "WellbeingServicesCounty",
]
