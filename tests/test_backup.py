"""Backup and restore (issue 7): everything goes into one file and comes back with identical report numbers."""

import dataclasses
import gzip
import json
import stat

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from assessments.backup import backed_up_models
from assessments.models import Assessment, Criterion, Response
from assessments.reports import build_report
from assessments.workflow import AnswerInput, assessment_approve, assessment_submit, responses_save
from tests.factories import make_assessment, make_user

pytestmark = pytest.mark.django_db


def answer(assessment, user, pattern):
    """Save answers through the workflow (so each save is in the history), one page per round table."""
    criteria = list(Criterion.objects.filter(version=assessment.framework_version).order_by("code"))
    answers = []
    for i, c in enumerate(criteria):
        kind = pattern[i % len(pattern)]
        fields = {"justification": f"Because {c.code}", "lead_institution": "Ministry of Labour" if i % 3 else ""}
        if kind == "na":
            fields["not_applicable"] = True
        elif kind == "dk":
            fields["dont_know"] = True
        elif kind is not None:
            fields["score"] = kind
            if kind >= 3 and i % 2:
                fields.update(evidence="Labour Act 2019, art. 12", evidence_url="https://example.org/act.pdf")
        answers.append(AnswerInput(criterion_id=c.pk, base_edit_count=0, **fields))
    responses_save(assessment=assessment, user=user, answers=answers)


def report_numbers(assessment) -> dict:
    """Everything in the gap report except the moment it was generated."""
    report = dataclasses.asdict(build_report(assessment))
    report.pop("generated_at")
    return report


@pytest.fixture
def filled(world):
    earlier = make_assessment(government=world.government, framework=world.framework, cycle="2024")
    answer(earlier, world.contributor, [0, 1, 2, 3, 4, 2, 1])
    assessment_submit(assessment=earlier, user=world.focal)
    assessment_approve(assessment=earlier, user=make_user("approver", government=world.government, role="focal_point"))
    answer(world.assessment, world.contributor, [4, 3, "na", "dk", None, 1, 0, 2])
    # A second save of one answer, so the history has an old and a new value.
    first = Response.objects.filter(assessment=world.assessment).order_by("criterion__code").first()
    responses_save(
        assessment=world.assessment,
        user=world.focal,
        answers=[AnswerInput(criterion_id=first.criterion_id, base_edit_count=first.edit_count, score=2,
                             justification="Revised after review")],
    )
    other = make_assessment(government=world.other_government, framework=world.framework, cycle="2026")
    answer(other, world.outsider, [2, 2, 3])
    LogEntry.objects.log_actions(
        user_id=User.objects.create_superuser("root", password="root-pass-1").pk,
        queryset=[world.government], action_flag=CHANGE, change_message="Renamed",
    )
    return world


def empty_database():
    """manage.py flush, inside the test's transaction (PostgreSQL first runs the deferred foreign-key checks)."""
    postgres = connection.vendor == "postgresql"
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def table_counts() -> dict:
    return {m._meta.label_lower: m._base_manager.count() for m in backed_up_models()}


def test_round_trip_restores_every_row_and_identical_report_numbers(filled, tmp_path, capsys):
    reports = {a.pk: report_numbers(a) for a in Assessment.objects.all()}
    counts = table_counts()
    history = list(Response.history.order_by("history_id").values_list(
        "history_id", "criterion__code", "score", "justification", "history_user__username", "history_type"))
    groups = {u.username: sorted(u.groups.values_list("name", flat=True)) for u in User.objects.all()}
    assert len(reports) == 3 and counts["assessments.historicalresponse"] > counts["assessments.response"]

    path = tmp_path / "hldassess.json.gz"
    call_command("backup", str(path))
    assert "Backed up" in capsys.readouterr().out
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # it holds password hashes

    empty_database()
    assert not User.objects.exists() and not Assessment.objects.exists() and not Group.objects.exists()

    call_command("restore", str(path))
    assert "Restored" in capsys.readouterr().out
    assert table_counts() == counts
    assert {a.pk: report_numbers(a) for a in Assessment.objects.all()} == reports
    assert list(Response.history.order_by("history_id").values_list(
        "history_id", "criterion__code", "score", "justification", "history_user__username", "history_type")) == history
    assert {u.username: sorted(u.groups.values_list("name", flat=True)) for u in User.objects.all()} == groups
    assert Assessment.objects.get(cycle="2024").approved_by.username == "approver"
    assert authenticate(username="root", password="root-pass-1") is not None
    assert LogEntry.objects.get().content_type == ContentType.objects.get_for_model(filled.government)


def test_the_restored_application_works(filled, tmp_path, client):
    path = tmp_path / "backup.json"
    call_command("backup", str(path))
    empty_database()
    call_command("restore", str(path))
    client.force_login(User.objects.get(username="contributor"))
    page = client.get(f"/assessments/{filled.assessment.pk}/round-tables/1/")
    assert page.status_code == 200 and "Revised after review" in page.content.decode()


def test_the_backup_leaves_out_sessions_sign_in_attempts_and_derived_tables(filled, tmp_path, client):
    client.post("/accounts/login/", {"username": "focal", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    client.force_login(filled.focal)
    path = tmp_path / "backup.json"
    call_command("backup", str(path))
    data = json.loads(path.read_text())
    models = {o["model"] for o in data["objects"]}
    assert {"auth.user", "auth.group", "assessments.government", "assessments.membership", "assessments.assessment",
            "assessments.response", "assessments.historicalresponse", "assessments.criterion",
            "assessments.keyelement", "admin.logentry"} <= models
    assert not {m for m in models if m.startswith(("sessions.", "axes.", "contenttypes.")) or m == "auth.permission"}
    assert data["counts"]["assessments.assessment"] == 3


def test_restore_refuses_a_database_that_has_data_and_changes_nothing(filled, tmp_path):
    path = tmp_path / "backup.json"
    call_command("backup", str(path))
    before = table_counts()
    with pytest.raises(CommandError, match=r"not empty \(\d+ users, 2 governments, 3 assessments"):
        call_command("restore", str(path))
    assert table_counts() == before


def test_restore_refuses_a_backup_of_another_schema(filled, tmp_path):
    path = tmp_path / "backup.json.gz"
    call_command("backup", str(path))
    with gzip.open(path, "rt") as source:
        data = json.load(source)
    data["migrations"]["assessments"] = "0099_future"
    with gzip.open(path, "wt") as out:
        json.dump(data, out)
    empty_database()
    with pytest.raises(CommandError, match="schema differs.*assessments: backup 0099_future"):
        call_command("restore", str(path))


def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path):
    path = tmp_path / "other.json"
    path.write_text('[{"model": "auth.user", "fields": {}}]')
    with pytest.raises(CommandError, match="not an HLD Assess backup"):
        call_command("restore", str(path))
    (tmp_path / "broken.json").write_text("{")
    with pytest.raises(CommandError, match="not a readable backup"):
        call_command("restore", str(tmp_path / "broken.json"))


def test_a_failed_restore_leaves_the_database_as_it_was(filled, tmp_path):
    path = tmp_path / "backup.json"
    call_command("backup", str(path))
    data = json.loads(path.read_text())
    data["counts"]["assessments.assessment"] += 1  # as if a row had been lost in the file
    path.write_text(json.dumps(data))
    empty_database()
    with pytest.raises(CommandError, match=r"Nothing was restored: the row counts differ \(assessments.assessment: "
                                           r"4 in the backup's counts, 3 rows in it\)"):
        call_command("restore", str(path))
    assert not Assessment.objects.exists() and not User.objects.exists()


# --- A malformed backup is refused with one clear message, and nothing changes (issue 11, item 10) ---------------


@pytest.fixture
def backup_file(filled, tmp_path):
    """A good backup of ``filled``, read back as data, and the database emptied for the restore."""
    path = tmp_path / "backup.json"
    call_command("backup", str(path))
    data = json.loads(path.read_text())
    empty_database()
    return path, data


def objects_of(data, label):
    return [o for o in data["objects"] if o["model"] == label]


def drop(data, label):
    data["objects"] = [o for o in data["objects"] if o["model"] != label]
    data["counts"][label] = 0


def restore_refused(path, data, pattern):
    """restore answers one CommandError matching ``pattern`` (never a traceback), and the database is unchanged."""
    path.write_text(json.dumps(data))
    before = table_counts()
    with pytest.raises(CommandError, match=pattern) as error:
        call_command("restore", str(path))
    assert "Traceback" not in str(error.value) and "\n" not in str(error.value).strip()
    assert table_counts() == before
    return str(error.value)


@pytest.mark.parametrize("key", ["migrations", "counts", "objects"])
def test_restore_names_a_missing_key_of_the_file(backup_file, key):
    path, data = backup_file
    del data[key]
    restore_refused(path, data, f"Nothing was restored: the backup has no “{key}”")


def test_restore_names_a_row_without_its_fields(backup_file):
    path, data = backup_file
    del objects_of(data, "assessments.assessment")[0]["fields"]
    restore_refused(path, data,
                    r"Nothing was restored: row \d+ of the backup \(assessments.assessment\) has no “fields”")


def test_restore_names_a_bad_value(backup_file):
    path, data = backup_file
    response = objects_of(data, "assessments.response")[0]
    response["fields"]["score"] = "high"
    message = restore_refused(path, data, r"Nothing was restored:.*assessments.response")
    assert f"pk={response['pk']}" in message and "high" in message


def test_restore_names_a_status_it_does_not_know(backup_file):
    path, data = backup_file
    assessment = objects_of(data, "assessments.assessment")[0]
    assessment["fields"]["status"] = "hacked"
    message = restore_refused(path, data, r"Nothing was restored:.*assessments.assessment")
    assert f"pk={assessment['pk']}" in message and "status" in message and "hacked" in message


def test_restore_names_rows_whose_parent_rows_are_missing(backup_file):
    path, data = backup_file
    drop(data, "assessments.government")
    message = restore_refused(path, data, r"Nothing was restored:.*not in the backup")
    assert "assessments.government" in message


def test_restore_names_a_row_that_breaks_a_constraint(backup_file):
    path, data = backup_file
    twin = json.loads(json.dumps(objects_of(data, "assessments.response")[0]))
    twin["pk"] = 10**6
    data["objects"].append(twin)
    data["counts"]["assessments.response"] += 1
    restore_refused(path, data, r"(?i)Nothing was restored:.*assessments.response.*(unique|already exists)")


def test_restore_names_a_count_that_disagrees_with_the_rows(backup_file):
    path, data = backup_file
    data["counts"]["assessments.response"] = "many"
    restore_refused(path, data, r"Nothing was restored: the count of assessments.response")


def test_restore_names_rows_whose_parent_rows_named_by_natural_key_are_missing(backup_file):
    path, data = backup_file
    drop(data, "auth.user")
    restore_refused(path, data, r"Nothing was restored: assessments.membership pk=\d+ refers to the auth.user focal, "
                                r"which is not in the backup")
