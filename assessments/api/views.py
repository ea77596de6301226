"""The API's views: read-only, scoped like the pages (``for_user``: another government's object is 404).

Numbers of a report come from ``build_report``; the secretariat's from ``secretariat.py``.
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from .. import secretariat
from ..models import Assessment, Criterion, FrameworkVersion, Government, RoundTable, Theme, is_secretariat
from ..reports import build_report
from . import serializers as s


class IsSecretariat(permissions.BasePermission):
    message = "Only the secretariat may read this."

    def has_permission(self, request, view):
        return is_secretariat(request.user)


def visible_versions():
    return FrameworkVersion.objects.exclude(status=FrameworkVersion.Status.DRAFT).select_related("copied_from")


class FrameworkList(generics.ListAPIView):
    """Published and retired framework versions."""

    serializer_class = s.FrameworkVersionSerializer

    def get_queryset(self):
        return visible_versions().order_by("code")


class FrameworkDetail(generics.RetrieveAPIView):
    """A framework version with its whole tree: round tables, themes, criteria, descriptors, actions, tags."""

    serializer_class = s.FrameworkTreeSerializer
    lookup_field = "code"

    def get_queryset(self):
        criteria = Criterion.objects.order_by("code").prefetch_related(
            "descriptors", "recommended_actions", "support_available", "key_elements", "sectors", "sdg_domains",
            "gcm_objectives",
        )
        themes = Theme.objects.order_by("order", "code").prefetch_related(Prefetch("criteria", queryset=criteria))
        round_tables = RoundTable.objects.order_by("number").prefetch_related(Prefetch("themes", queryset=themes))
        return visible_versions().prefetch_related(Prefetch("round_tables", queryset=round_tables))


FILTERS = [
    OpenApiParameter("cycle", OpenApiTypes.STR, description="Only this cycle, e.g. 2026"),
    OpenApiParameter("version", OpenApiTypes.STR, description="Only this framework version (its code)"),
    OpenApiParameter("status", OpenApiTypes.STR, enum=list(Assessment.Status.values), description="Only this status"),
]


def readable_assessments(request):
    return Assessment.objects.for_user(request.user).select_related("government", "framework_version")


@extend_schema(parameters=FILTERS)
class AssessmentList(generics.ListAPIView):
    """The assessments you may read: your governments', and for the secretariat every submitted or approved one."""

    serializer_class = s.AssessmentSerializer

    def get_queryset(self):
        queryset = readable_assessments(self.request).order_by("government__name", "-cycle", "pk")
        params = self.request.query_params
        if params.get("status"):
            if params["status"] not in Assessment.Status.values:
                raise ValidationError({"status": f"Use one of: {', '.join(Assessment.Status.values)}."})
            queryset = queryset.filter(status=params["status"])
        if params.get("cycle"):
            queryset = queryset.filter(cycle=params["cycle"])
        if params.get("version"):
            queryset = queryset.filter(framework_version__code=params["version"])
        return queryset


class AssessmentDetail(generics.RetrieveAPIView):
    serializer_class = s.AssessmentSerializer

    def get_queryset(self):
        return readable_assessments(self.request)


class ResponseList(generics.ListAPIView):
    """The responses of one assessment, by criterion code."""

    serializer_class = s.ResponseSerializer

    def get_queryset(self):
        assessment = get_object_or_404(readable_assessments(self.request), pk=self.kwargs["pk"])
        return assessment.responses.select_related("criterion").order_by("criterion__code")


class ReportNumbers(APIView):
    """The numbers of the assessment's gap report, exactly as the report page shows them (build_report)."""

    @extend_schema(responses=s.ReportSerializer)
    def get(self, request, pk: int):
        assessment = get_object_or_404(readable_assessments(request), pk=pk)
        return ApiResponse(s.ReportSerializer(s.report_data(build_report(assessment))).data)


class StatusQuery(serializers.Serializer):
    cycle = serializers.CharField(required=False, help_text="Default: the latest cycle")
    region = serializers.ChoiceField(choices=Government.Region.values, required=False)
    status = serializers.ChoiceField(choices=list(secretariat.STATES), required=False)


@extend_schema(parameters=[StatusQuery])
class SecretariatStatus(generics.ListAPIView):
    """Every government with its assessment's state for a cycle (secretariat only)."""

    permission_classes = [permissions.IsAuthenticated, IsSecretariat]
    serializer_class = s.GovernmentStatusSerializer

    def get_queryset(self):
        query = StatusQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        cycles = secretariat.cycles()
        cycle = query.validated_data.get("cycle") or (cycles[0] if cycles else "")
        if not cycle:
            return []
        return secretariat.cycle_status(cycle, region=query.validated_data.get("region", ""),
                                        state=query.validated_data.get("status", ""))


class ComparisonQuery(serializers.Serializer):
    version = serializers.CharField(help_text="A framework version's code")
    dimension = serializers.ChoiceField(choices=list(secretariat.DIMENSIONS), required=False, default="round_table")
    cycle = serializers.CharField(required=False, default="",
                                  help_text="Only this cycle (default: each government's latest)")
    linked = serializers.BooleanField(required=False, default=False,
                                      help_text="Include the versions this one was copied from or into")


class SecretariatComparison(APIView):
    """Distributions of approved assessments, overall and per UN region; small groups withheld (secretariat only)."""

    permission_classes = [permissions.IsAuthenticated, IsSecretariat]

    @extend_schema(parameters=[ComparisonQuery], responses=s.ComparisonSerializer)
    def get(self, request):
        query = ComparisonQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        version = get_object_or_404(visible_versions(), code=query.validated_data["version"])
        data = secretariat.comparison(version, query.validated_data["dimension"], cycle=query.validated_data["cycle"],
                                      linked=query.validated_data["linked"])
        return ApiResponse(s.ComparisonSerializer(s.comparison_data(data)).data)
