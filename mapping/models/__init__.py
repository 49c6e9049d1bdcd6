from __future__ import annotations

from mapping.models.coverage import CoverageSnapshot, CoverageState
from mapping.models.plan import Action

__all__ = ["Action", "CoverageSnapshot", "CoverageState"]
