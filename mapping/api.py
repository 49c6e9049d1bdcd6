"""Coverage and gaps for staff in the API (/api/v1/coverage/..., /api/v1/gaps/).

Thin views over ``mapping.coverage``: the query parameters are checked (400 with a message
naming the parameter), the engine answers, the result is serialized. Only users who may view
the mapping (``accounts.permissions.can_view_mapping``) get an answer; others get 403.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import can_view_mapping, signed_in_fully
from mapping import coverage
from mapping import serializers as mapping_serializers
from services.api import Pagination


class CanViewMapping(permissions.BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        return can_view_mapping(request.user) and signed_in_fully(request.user)


def checked(query: type[serializers.Serializer], request: Request) -> dict:
    parameters = query(data=request.query_params)
    parameters.is_valid(raise_exception=True)
    return dict(parameters.validated_data)


def answer(compute: Callable[[], list]) -> list:
    """The engine's answer; an unknown code is the client's error."""
    try:
        return compute()
    except ValueError as error:
        raise ValidationError({"detail": _("Unknown code: %(error)s") % {"error": error}}) from None


class MappingView(APIView):
    permission_classes = [CanViewMapping]


class AreaCoverageView(MappingView):
    """Coverage of every tier × target group in Finland, a county or a municipality."""

    @extend_schema(
        parameters=[mapping_serializers.AreaQuery],
        responses=mapping_serializers.CellSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        query = checked(mapping_serializers.AreaQuery, request)
        cells = answer(lambda: coverage.area_matrix(**query))
        return Response(mapping_serializers.CellSerializer(cells, many=True).data)


class MunicipalityCoverageView(MappingView):
    """Coverage of one tier × target group in every municipality (of a county)."""

    @extend_schema(
        parameters=[mapping_serializers.MunicipalityCoverageQuery],
        responses=mapping_serializers.MunicipalityCellSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        query = checked(mapping_serializers.MunicipalityCoverageQuery, request)
        cells = answer(lambda: coverage.municipality_coverage(**query))
        return Response(mapping_serializers.MunicipalityCellSerializer(cells, many=True).data)


class PostalAreaCoverageView(MappingView):
    """Which postal areas of a municipality one tier × target group reaches."""

    @extend_schema(
        parameters=[mapping_serializers.PostalAreaCoverageQuery],
        responses=mapping_serializers.PostalAreaCellSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        query = checked(mapping_serializers.PostalAreaCoverageQuery, request)
        cells = answer(lambda: coverage.postal_areas(**query))
        return Response(mapping_serializers.PostalAreaCellSerializer(cells, many=True).data)


class GapsView(MappingView):
    """Gaps (municipality × tier × target group below the threshold), the largest first."""

    pagination_class = Pagination

    @extend_schema(
        parameters=[mapping_serializers.GapsQuery],
        responses=mapping_serializers.GapSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        query = checked(mapping_serializers.GapsQuery, request)
        gaps = answer(lambda: coverage.gaps(**query))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(gaps, request, view=self)
        data = mapping_serializers.GapSerializer(page, many=True).data
        return paginator.get_paginated_response(data)
