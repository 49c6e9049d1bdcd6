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
from services.models.geography import Boundary, Municipality, PostalArea, WellbeingServicesCounty
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
    "EXAMPLE_SOURCES",
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
    "Source",
    "SupportService",
    "TargetGroup",
    "Tier",
    "WellbeingServicesCounty",
]
