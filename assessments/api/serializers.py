"""What the API returns. Model serializers for stored rows; plain serializers for the numbers of a
Report (from ``build_report``) and of the secretariat's builders, so the OpenAPI document describes them."""

from rest_framework import serializers

from ..models import (
    Assessment,
    Criterion,
    FrameworkVersion,
    LevelDescriptor,
    RecommendedAction,
    Response,
    RoundTable,
    SupportAvailable,
    Theme,
)
from ..secretariat import state_of


class DescriptorSerializer(serializers.ModelSerializer):
    class Meta:
        model = LevelDescriptor
        fields = ["level", "text"]


class SourcedSerializer(serializers.ModelSerializer):
    class Meta:
        model = RecommendedAction
        fields = ["order", "text", "source_file", "excerpt"]


class SupportSerializer(SourcedSerializer):
    class Meta(SourcedSerializer.Meta):
        model = SupportAvailable


class CriterionSerializer(serializers.ModelSerializer):
    descriptors = DescriptorSerializer(many=True, read_only=True)
    recommended_actions = SourcedSerializer(many=True, read_only=True)
    support_available = SupportSerializer(many=True, read_only=True)
    key_elements = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    sectors = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    sdg_domains = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    gcm_objectives = serializers.SlugRelatedField(many=True, read_only=True, slug_field="number")
    copied_from = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Criterion
        fields = [
            "id", "code", "statement", "guidance", "perspective", "weight", "source_file", "excerpt", "descriptors",
            "recommended_actions", "support_available", "key_elements", "sectors", "sdg_domains", "gcm_objectives",
            "copied_from",
        ]


class ThemeSerializer(serializers.ModelSerializer):
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = Theme
        fields = ["code", "title", "order", "criteria"]


class RoundTableSerializer(serializers.ModelSerializer):
    themes = ThemeSerializer(many=True, read_only=True)

    class Meta:
        model = RoundTable
        fields = ["number", "code", "title", "themes"]


class FrameworkVersionSerializer(serializers.ModelSerializer):
    copied_from = serializers.SlugRelatedField(read_only=True, slug_field="code", allow_null=True)

    class Meta:
        model = FrameworkVersion
        fields = ["code", "name", "description", "status", "published_at", "copied_from"]


class FrameworkTreeSerializer(FrameworkVersionSerializer):
    round_tables = RoundTableSerializer(many=True, read_only=True)

    class Meta(FrameworkVersionSerializer.Meta):
        fields = FrameworkVersionSerializer.Meta.fields + ["round_tables"]


class AssessmentSerializer(serializers.ModelSerializer):
    government = serializers.CharField(source="government.name", read_only=True)
    iso3 = serializers.CharField(source="government.iso3", read_only=True)
    un_region = serializers.CharField(source="government.un_region", read_only=True)
    framework_version = serializers.CharField(source="framework_version.code", read_only=True)
    state = serializers.SerializerMethodField(help_text="not_started, draft, submitted, returned or approved")

    class Meta:
        model = Assessment
        fields = [
            "id", "government", "iso3", "un_region", "cycle", "framework_version", "status", "state", "revision",
            "is_origin", "is_transit", "is_destination", "created_at", "submitted_at", "approved_at", "returned_at",
        ]

    def get_state(self, obj) -> str:
        return state_of(status=obj.status, returned_at=obj.returned_at)


class ResponseSerializer(serializers.ModelSerializer):
    criterion = serializers.CharField(source="criterion.code", read_only=True)

    class Meta:
        model = Response
        fields = [
            "criterion", "score", "not_applicable", "dont_know", "justification", "evidence", "evidence_url",
            "confidence", "lead_institution", "updated_at",
        ]


# --- Report numbers (from build_report) -----------------------------------------------------------


class ScoreSerializer(serializers.Serializer):
    label = serializers.CharField()
    percent = serializers.FloatField(allow_null=True)
    band = serializers.CharField(allow_null=True)


class ThemeScoreSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    percent = serializers.FloatField(allow_null=True)
    band = serializers.CharField(allow_null=True)


class RoundTableScoreSerializer(ThemeScoreSerializer):
    themes = ThemeScoreSerializer(many=True)


class RowSerializer(serializers.Serializer):
    code = serializers.CharField()
    statement = serializers.CharField()
    status = serializers.CharField()
    score = serializers.IntegerField(allow_null=True)
    gap = serializers.IntegerField(allow_null=True)
    priority = serializers.IntegerField(allow_null=True)


class CompletenessSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    scored = serializers.IntegerField()
    not_applicable = serializers.IntegerField()
    dont_know = serializers.IntegerField()
    unanswered = serializers.IntegerField()
    scored_with_evidence = serializers.IntegerField()
    evidence_coverage = serializers.FloatField(allow_null=True)


class ReportSerializer(serializers.Serializer):
    assessment = serializers.IntegerField()
    revision = serializers.IntegerField()
    government = serializers.CharField()
    cycle = serializers.CharField()
    framework = serializers.CharField()
    status = serializers.CharField()
    overall = ScoreSerializer()
    round_tables = RoundTableScoreSerializer(many=True)
    key_elements = ScoreSerializer(many=True)
    sectors = ScoreSerializer(many=True)
    sdg_domains = ScoreSerializer(many=True)
    gcm_objectives = ScoreSerializer(many=True)
    completeness = CompletenessSerializer()
    priority_gaps = RowSerializer(many=True)
    strengths = RowSerializer(many=True)


def _score(score) -> dict:
    return {"label": score.label, "percent": score.percent, "band": score.band}


def _row(row) -> dict:
    return {"code": row.code, "statement": row.statement, "status": row.status, "score": row.score, "gap": row.gap,
            "priority": row.priority}


def report_data(report) -> dict:
    """A Report's numbers as plain data: nothing is computed here."""
    c = report.completeness
    return {
        "assessment": report.assessment_id,
        "revision": report.revision,
        "government": report.government,
        "cycle": report.cycle,
        "framework": report.framework,
        "status": report.status,
        "overall": _score(report.overall),
        "round_tables": [
            {"code": s.code, "title": s.title, "percent": s.score.percent, "band": s.score.band,
             "themes": [{"code": t.code, "title": t.title, "percent": t.score.percent, "band": t.score.band}
                        for t in s.themes]}
            for s in report.round_tables
        ],
        "key_elements": [_score(s) for s in report.key_element_scores],
        "sectors": [_score(s) for s in report.sector_scores],
        "sdg_domains": [_score(s) for s in report.sdg_scores],
        "gcm_objectives": [_score(s) for s in report.gcm_scores],
        "completeness": {
            "total": c.total, "scored": c.scored, "not_applicable": c.not_applicable, "dont_know": c.dont_know,
            "unanswered": c.unanswered, "scored_with_evidence": c.scored_with_evidence,
            "evidence_coverage": c.evidence_coverage,
        },
        "priority_gaps": [_row(r) for r in report.priority_gaps],
        "strengths": [_row(r) for r in report.strengths],
    }


# --- Secretariat ---------------------------------------------------------------------------------


class FocalPointSerializer(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.CharField(allow_blank=True)


class GovernmentStatusSerializer(serializers.Serializer):
    government = serializers.CharField()
    iso3 = serializers.CharField()
    un_region = serializers.CharField(source="region")
    state = serializers.CharField()
    assessment = serializers.IntegerField(source="assessment_id", allow_null=True)
    framework = serializers.CharField(allow_blank=True)
    answered = serializers.IntegerField()
    total = serializers.IntegerField()
    percent_answered = serializers.IntegerField(allow_null=True)
    last_activity = serializers.DateTimeField(allow_null=True)
    focal_points = FocalPointSerializer(many=True)


class DistributionSerializer(serializers.Serializer):
    n = serializers.IntegerField()
    mean = serializers.FloatField()
    median = serializers.FloatField()
    q1 = serializers.FloatField()
    q3 = serializers.FloatField()
    bands = serializers.ListField(child=serializers.IntegerField())


class CellSerializer(serializers.Serializer):
    group = serializers.CharField()
    distribution = DistributionSerializer(allow_null=True)
    withheld_reason = serializers.CharField(allow_blank=True)


class ItemSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    cells = CellSerializer(many=True)


class GroupSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    size = serializers.IntegerField()
    withheld_reason = serializers.CharField(allow_blank=True)


class ComparisonSerializer(serializers.Serializer):
    framework_version = serializers.CharField()
    dimension = serializers.CharField()
    threshold = serializers.IntegerField()
    is_level = serializers.BooleanField()
    band_labels = serializers.ListField(child=serializers.CharField())
    versions = serializers.ListField(child=serializers.CharField())
    groups = GroupSerializer(many=True)
    items = ItemSerializer(many=True)


def comparison_data(comparison) -> dict:
    return {
        "framework_version": comparison.version.code,
        "dimension": comparison.dimension,
        "threshold": comparison.threshold,
        "is_level": comparison.is_level,
        "band_labels": list(comparison.band_labels),
        "versions": list(comparison.versions),
        "groups": [{"key": g.key, "label": g.label, "size": g.size, "withheld_reason": g.withheld_reason}
                   for g in comparison.groups],
        "items": [
            {"key": item.key, "label": item.label,
             "cells": [{"group": g.key, "distribution": cell.distribution.__dict__ if cell.distribution else None,
                        "withheld_reason": cell.withheld_reason} for g, cell in zip(comparison.groups, cells)]}
            for item, cells in comparison.table
        ],
    }
