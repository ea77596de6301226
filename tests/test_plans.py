"""Action plans: who may read and change them, what a write checks, and the change log (issue 17)."""

from datetime import date

import pytest

from assessments.models import Action, Assessment, Criterion, Response
from assessments.plans import (
    ActionInput, PlanError, PlanNotAllowed, action_add, action_drop, action_update, progress_note_add,
)
from tests.factories import make_assessment

pytestmark = pytest.mark.django_db


def score(assessment, code, level):
    criterion = Criterion.objects.get(version=assessment.framework_version, code=code)
    Response.objects.create(assessment=assessment, criterion=criterion, score=level, justification="j")
    return criterion


def criterion(assessment, code="RT1.01"):
    return Criterion.objects.get(version=assessment.framework_version, code=code)


def data(c, **changes):
    values = dict(criterion_id=c.pk, target_level=3, target_date=date(2027, 6, 30), text="Adopt the decree",
                  lead_institution="Ministry of Labour", indicator="Decree published")
    return ActionInput(**{**values, **changes})


def post_data(**changes):
    values = {"recommended_action": "", "text": "Adopt the decree", "target_level": "3", "target_date": "2027-06-30",
              "lead_institution": "Ministry of Labour", "partners": "", "support_available": "", "support_text": "",
              "indicator": "Decree published"}
    return {**values, **changes}


# --- Writes ----------------------------------------------------------------------------------------


def test_a_contributor_adds_an_action_from_a_recommended_action(world):
    c = criterion(world.assessment)
    recommended = c.recommended_actions.get()
    support = c.support_available.get()
    action = action_add(assessment=world.assessment, user=world.contributor,
                        data=data(c, text="", recommended_action_id=recommended.pk, support_available_id=support.pk))
    assert (action.text, action.recommended_action, action.support_text) == (
        recommended.text, recommended, support.text)
    assert action.status == Action.Status.PLANNED and action.history.get().history_user == world.contributor


def test_the_plan_stays_editable_after_approval_and_bumps_the_revision(world):
    Assessment.objects.filter(pk=world.assessment.pk).update(status="approved")
    assessment = Assessment.objects.get(pk=world.assessment.pk)
    action_add(assessment=assessment, user=world.focal, data=data(criterion(assessment)))
    assert Assessment.objects.get(pk=assessment.pk).revision == assessment.revision + 1


@pytest.mark.parametrize("who", ["viewer", "outsider", "secretariat"])
def test_only_contributors_and_focal_points_write(world, who):
    with pytest.raises(PlanNotAllowed):
        action_add(assessment=world.assessment, user=getattr(world, who), data=data(criterion(world.assessment)))
    assert not Action.objects.exists()


@pytest.mark.parametrize("changes, message", [
    ({"text": ""}, "Write the action"),
    ({"recommended_action_id": -1}, "recommended actions"),
    ({"status": "dropped"}, "Say why"),
    ({"lead_institution": ""}, "Lead institution"),
])
def test_bad_input_is_refused_with_a_message_and_nothing_is_saved(world, changes, message):
    with pytest.raises(PlanError, match=message):
        action_add(assessment=world.assessment, user=world.contributor,
                   data=data(criterion(world.assessment), **changes))
    assert not Action.objects.exists()


def test_an_action_names_a_criterion_of_the_assessments_framework(world, published_framework):
    stranger = Criterion.objects.filter(version=published_framework).first()
    with pytest.raises(PlanError, match="not part of this assessment"):
        action_add(assessment=world.assessment, user=world.contributor, data=data(stranger))


def test_a_recommended_action_of_another_criterion_is_refused(world):
    other = criterion(world.assessment, "RT1.02").recommended_actions.get()
    with pytest.raises(PlanError):
        action_add(assessment=world.assessment, user=world.contributor,
                   data=data(criterion(world.assessment), recommended_action_id=other.pk))


def test_status_changes_record_completion_and_the_drop_reason(world):
    c = criterion(world.assessment)
    action = action_add(assessment=world.assessment, user=world.contributor, data=data(c))
    action = action_update(action=action, user=world.focal, data=data(c, status="done"))
    assert action.completed_on is not None
    action = action_update(action=action, user=world.focal, data=data(c, status="in_progress"))
    assert action.completed_on is None
    action = action_drop(action=action, user=world.focal, reason="Superseded by the new law")
    assert (action.status, action.drop_reason) == ("dropped", "Superseded by the new law")


def test_the_date_done_is_kept_and_may_not_be_in_the_future(world):
    c = criterion(world.assessment)
    action = action_add(assessment=world.assessment, user=world.contributor, data=data(c))
    action = action_update(action=action, user=world.focal, data=data(c, status="done", completed_on=date(2025, 5, 1)))
    action = action_update(action=action, user=world.focal, data=data(c, status="done", indicator="Gazette"))
    assert action.completed_on == date(2025, 5, 1)
    with pytest.raises(PlanError, match="future"):
        action_update(action=action, user=world.focal, data=data(c, status="done", completed_on=date(2999, 1, 1)))
    assert Action.objects.get(pk=action.pk).completed_on == date(2025, 5, 1)


def test_an_unchanged_save_records_nothing(world):
    c = criterion(world.assessment)
    action = action_add(assessment=world.assessment, user=world.contributor, data=data(c))
    action_update(action=action, user=world.focal, data=data(c))
    assert action.history.count() == 1


def test_a_progress_note_needs_text(world):
    action = action_add(assessment=world.assessment, user=world.contributor, data=data(criterion(world.assessment)))
    with pytest.raises(PlanError):
        progress_note_add(action=action, user=world.contributor, text="  ")
    note = progress_note_add(action=action, user=world.contributor, text="Draft sent to cabinet", on=date(2026, 3, 1))
    assert (note.date, note.author) == (date(2026, 3, 1), world.contributor)


# --- Pages at every access level --------------------------------------------------------------------


def plan_url(assessment):
    return f"/assessments/{assessment.pk}/plan/"


def add_url(assessment, c):
    return f"/assessments/{assessment.pk}/plan/actions/add?criterion={c.pk}"


READERS = {"focal": 200, "contributor": 200, "viewer": 200, "outsider": 404, "secretariat": 404, "editor": 404}
WRITERS = {"focal": 302, "contributor": 302, "viewer": 403, "outsider": 404, "secretariat": 404, "editor": 404}


@pytest.fixture
def users(world, editor):
    world.editor = editor
    return world


def test_anonymous_is_sent_to_sign_in(client, world):
    c = criterion(world.assessment)
    for url in [plan_url(world.assessment), add_url(world.assessment, c), plan_url(world.assessment) + "history/",
                plan_url(world.assessment) + "plan.csv"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url
    assert client.post(add_url(world.assessment, c), post_data()).status_code == 302
    assert not Action.objects.exists()


@pytest.mark.parametrize("who, expected", READERS.items())
def test_reading_the_plan_of_a_draft(client, users, who, expected):
    client.force_login(getattr(users, who))
    for suffix in ["", "history/", "plan.csv"]:
        assert client.get(plan_url(users.assessment) + suffix).status_code == expected


@pytest.mark.parametrize("status", ["submitted", "approved"])
def test_the_secretariat_reads_submitted_and_approved_plans_but_cannot_change_them(client, world, status):
    Assessment.objects.filter(pk=world.assessment.pk).update(status=status)
    client.force_login(world.secretariat)
    assert client.get(plan_url(world.assessment)).status_code == 200
    assert client.get(add_url(world.assessment, criterion(world.assessment))).status_code == 403
    assert client.post(add_url(world.assessment, criterion(world.assessment)), post_data()).status_code == 403
    assert not Action.objects.exists()


@pytest.mark.parametrize("who, expected", WRITERS.items())
def test_adding_an_action_through_the_page(client, users, who, expected):
    client.force_login(getattr(users, who))
    response = client.post(add_url(users.assessment, criterion(users.assessment)), post_data())
    assert response.status_code == expected
    assert Action.objects.count() == (1 if expected == 302 else 0)


@pytest.mark.parametrize("who, expected", WRITERS.items())
def test_editing_an_action_and_adding_a_note_through_the_page(client, users, who, expected):
    action = action_add(assessment=users.assessment, user=users.focal, data=data(criterion(users.assessment)))
    client.force_login(getattr(users, who))
    url = f"{plan_url(users.assessment)}actions/{action.pk}/"
    response = client.post(url, post_data(status="in_progress", drop_reason=""))
    assert response.status_code == expected
    assert client.post(url + "notes", {"text": "Met the partners", "date": ""}).status_code == expected
    action.refresh_from_db()
    assert (action.status == "in_progress") == (expected == 302)
    assert action.notes.count() == (1 if expected == 302 else 0)


def test_a_viewer_reads_the_plan_without_edit_links(client, world):
    action_add(assessment=world.assessment, user=world.focal, data=data(criterion(world.assessment)))
    client.force_login(world.viewer)
    page = client.get(plan_url(world.assessment)).content.decode()
    assert "Adopt the decree" in page and "Add an action" not in page and "/actions/" not in page


def test_an_action_of_another_assessment_is_not_found(client, world):
    other = make_assessment(government=world.other_government, framework=world.framework)
    action = action_add(assessment=other, user=world.outsider, data=data(criterion(other)))
    client.force_login(world.focal)
    assert client.get(f"{plan_url(world.assessment)}actions/{action.pk}/").status_code == 404


def test_a_form_error_keeps_the_input_and_saves_nothing(client, world):
    client.force_login(world.contributor)
    response = client.post(add_url(world.assessment, criterion(world.assessment)),
                           post_data(text="Our own wording", lead_institution=""))
    assert response.status_code == 200 and "Our own wording" in response.content.decode()
    assert not Action.objects.exists()


def test_dropping_without_a_reason_shows_a_message(client, world):
    action = action_add(assessment=world.assessment, user=world.focal, data=data(criterion(world.assessment)))
    client.force_login(world.focal)
    response = client.post(f"{plan_url(world.assessment)}actions/{action.pk}/", post_data(status="dropped"))
    assert "Say why the action is dropped." in response.content.decode()
    action.refresh_from_db()
    assert action.status == "planned"


# --- The change log ---------------------------------------------------------------------------------


def test_every_change_is_shown_with_who_when_and_old_and_new(client, world):
    c = criterion(world.assessment)
    action = action_add(assessment=world.assessment, user=world.contributor, data=data(c))
    action_update(action=action, user=world.focal, data=data(c, target_level=4, status="in_progress"))
    progress_note_add(action=action, user=world.focal, text="Consultation launched")
    client.force_login(world.viewer)
    page = client.get(plan_url(world.assessment) + "history/").content.decode()
    rows = [line for line in page.splitlines() if "<td>" in line]
    assert any("Target level" in r and "<td>3</td><td>4</td>" in r for r in rows)
    assert any("Status" in r and "<td>Planned</td><td>In progress</td>" in r for r in rows)
    assert "<td>30 June 2027</td>" in page  # the target date, as people write it
    assert "contributor" in page and "focal" in page and "Consultation launched" in page
    assert page.index("In progress") < page.index("Adopt the decree")  # newest first


def test_the_csv_neutralises_formulas(client, world):
    c = criterion(world.assessment)
    action_add(assessment=world.assessment, user=world.focal, data=data(c, text='=HYPERLINK("http://x","y")'))
    client.force_login(world.viewer)
    body = client.get(plan_url(world.assessment) + "plan.csv").content.decode()
    header, line = body.splitlines()[:2]
    assert header.startswith("code,statement,priority,action,source,target_level,target_date")
    assert "'=HYPERLINK" in line and ",2027-06-30," in line
