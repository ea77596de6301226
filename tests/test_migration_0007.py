"""Migration 0007 fills the transition log from the fields of existing assessments and tidies their cycles."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("assessments", "0006_report_files")]
AFTER = [("assessments", "0007_assessment_events_and_cycle")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_existing_assessments_get_their_known_transitions_and_a_tidy_cycle():
    apps = migrate(BEFORE)
    try:
        User = apps.get_model("auth", "User")
        Government = apps.get_model("assessments", "Government")
        FrameworkVersion = apps.get_model("assessments", "FrameworkVersion")
        Assessment = apps.get_model("assessments", "Assessment")
        focal = User.objects.create(username="m-focal")
        government = Government.objects.create(name="Migraland", iso3="XMG", un_region="africa")
        framework = FrameworkVersion.objects.create(code="m-1", name="Migration test")
        t = datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC)
        approved = Assessment.objects.create(
            government=government, framework_version=framework, cycle="2024", status="approved",
            created_by=focal, submitted_by=focal, submitted_at=t + datetime.timedelta(days=3),
            returned_by=focal, returned_at=t + datetime.timedelta(days=1), return_comment="Check RT2",
            approved_by=focal, approved_at=t + datetime.timedelta(days=4),
        )
        Assessment.objects.filter(pk=approved.pk).update(created_at=t)
        draft = Assessment.objects.create(government=government, framework_version=framework, cycle=" 2026-B ")

        apps = migrate(AFTER)
        Event = apps.get_model("assessments", "AssessmentEvent")
        Assessment = apps.get_model("assessments", "Assessment")
        rows = list(Event.objects.filter(assessment_id=approved.pk).order_by("at").values_list("action", "comment"))
        assert rows == [("start", ""), ("return", "Check RT2"), ("submit", ""), ("approve", "")]
        assert Event.objects.filter(assessment_id=draft.pk).values_list("action", flat=True).get() == "start"
        assert Assessment.objects.get(pk=draft.pk).cycle == "2026-b"
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
