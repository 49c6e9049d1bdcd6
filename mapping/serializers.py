"""Serializers of the coverage and gap endpoints of the API (staff only)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class AreaQuery(serializers.Serializer):
    county = serializers.CharField(required=False, max_length=2)
    municipality = serializers.CharField(required=False, max_length=3)
    life_situation = serializers.CharField(required=False, max_length=40)

    def validate(self, attrs: dict) -> dict:
        if attrs.get("county") and attrs.get("municipality"):
            raise serializers.ValidationError(_("Enter a county or a municipality, not both."))
        return attrs


class GapsQuery(AreaQuery):
    threshold = serializers.FloatField(
        required=False,
        min_value=0.0,
        max_value=1.0,
        help_text="Coverage below this is a gap (0–1; default from the settings, 1.0).",
    )
    week = serializers.DateField(
        required=False, help_text="Any day of the week whose unmet searches count."
    )


class CellQuery(serializers.Serializer):
    tier = serializers.CharField(max_length=40)
    target_group = serializers.CharField(max_length=40)
    life_situation = serializers.CharField(required=False, max_length=40)


class MunicipalityCoverageQuery(CellQuery):
    county = serializers.CharField(required=False, max_length=2)


class PostalAreaCoverageQuery(CellQuery):
    municipality = serializers.CharField(max_length=3)


class CellSerializer(serializers.Serializer):
    tier = serializers.CharField()
    target_group = serializers.CharField()
    children = serializers.FloatField(help_text="Estimated children 0–17 in the area.")
    covered_children = serializers.FloatField()
    uncovered_children = serializers.FloatField()
    coverage = serializers.FloatField(help_text="Share of the children covered, 0–1.")
    services = serializers.IntegerField(help_text="Available services reaching the area.")


class GapSerializer(serializers.Serializer):
    municipality = serializers.CharField()
    municipality_name = serializers.CharField()
    county = serializers.CharField()
    tier = serializers.CharField()
    target_group = serializers.CharField()
    children = serializers.FloatField()
    uncovered_children = serializers.FloatField()
    coverage = serializers.FloatField()
    unmet_searches = serializers.IntegerField(
        help_text="Searches of the week there that found nothing local."
    )


class MunicipalityCellSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    county = serializers.CharField()
    children = serializers.FloatField()
    covered_children = serializers.FloatField()
    uncovered_children = serializers.FloatField()
    coverage = serializers.FloatField()


class PostalAreaCellSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    children = serializers.FloatField()
    covered = serializers.BooleanField()
    services = serializers.IntegerField()
    service_ids = serializers.ListField(child=serializers.IntegerField())
