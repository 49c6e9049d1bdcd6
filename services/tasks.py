"""Background tasks of the catalogue: each takes ids, fetches, and calls one domain function."""

from __future__ import annotations
