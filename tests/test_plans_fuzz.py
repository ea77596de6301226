"""Random and malformed input to the plan's forms, as every role: never a 500, never a partial write, always
a message; what is stored is what the form accepted (the same helpers as tests/test_fuzz.py)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.models import Action, Criterion, ProgressNote
from assessments.plans import ActionInput, action_add
from tests.test_fuzz import EXAMPLES, ROLES, assert_explained, client_for, field, fuzz, post_data, rolled_back

pytestmark = pytest.mark.django_db
WRITERS = ("contributor", "focal")


@pytest.fixture
def plan(world):
    c = Criterion.objects.filter(version=world.framework).order_by("code").first()
    action = action_add(assessment=world.assessment, user=world.focal, data=ActionInput(
        criterion_id=c.pk, target_level=3, target_date=date(2027, 1, 1), text="Adopt the decree",
        lead_institution="Ministry", indicator="Published"))
    return c, action


@st.composite
def action_post(draw, c, *, edit: bool):
    data = {
        "criterion": draw(field(st.sampled_from([str(c.pk), "0", "-1", "999999"]))),
        "recommended_action": draw(field(st.sampled_from(
            ["", *[str(a.pk) for a in c.recommended_actions.all()], "999999"]))),
        "text": draw(field(st.sampled_from(["", "Our own action", "=SUM(A1)"]))),
        "target_level": draw(field(st.sampled_from(["1", "2", "3", "4", "0", "5"]))),
        "target_date": draw(field(st.sampled_from(["2027-06-30", "2026-02-29", "30/06/2027", ""]))),
        "lead_institution": draw(field(st.sampled_from(["Ministry of Labour", ""]))),
        "partners": draw(field(st.sampled_from(["", "IOM"]))),
        "support_available": draw(field(st.sampled_from(["", *[str(s.pk) for s in c.support_available.all()]]))),
        "support_text": draw(field(st.sampled_from(["", "Training"]))),
        "indicator": draw(field(st.sampled_from(["Published", ""]))),
    }
    if edit:
        data["status"] = draw(field(st.sampled_from(["planned", "in_progress", "done", "dropped", "closed"])))
        data["drop_reason"] = draw(field(st.sampled_from(["", "No budget"])))
    return post_data(data)


def state():
    return (list(Action.objects.order_by("pk").values()), list(ProgressNote.objects.values()))


@pytest.mark.parametrize("role", ROLES)
def test_adding_an_action_is_all_or_nothing_and_never_fails(world, plan, role):
    c, _action = plan
    url = f"/assessments/{world.assessment.pk}/plan/actions/add?criterion={c.pk}"

    @fuzz(EXAMPLES)
    @given(data=action_post(c, edit=False))
    def check(data):
        with rolled_back():
            before = state()
            response = client_for(world, role).post(url, data)
            assert response.status_code in (200, 302, 403, 404)
            if role not in WRITERS:
                assert state() == before
            if state() == before:
                assert_explained(response, role)
                return
            assert response.status_code == 302
            added = Action.objects.order_by("-pk").first()
            assert added.criterion_id == c.pk and added.text.strip() and added.lead_institution
            assert Action.objects.count() == len(before[0]) + 1

    check()


@pytest.mark.parametrize("role", ROLES)
def test_editing_an_action_and_adding_notes_never_fails(world, plan, role):
    c, action = plan
    url = f"/assessments/{world.assessment.pk}/plan/actions/{action.pk}/"

    @fuzz(EXAMPLES)
    @given(data=action_post(c, edit=True), note=field(st.sampled_from(["Progress", "", "x" * 3000])))
    def check(data, note):
        with rolled_back():
            before = state()
            response = client_for(world, role).post(url, data)
            assert response.status_code in (200, 302, 403, 404)
            if role not in WRITERS:
                assert state() == before
            if state() == before:
                assert_explained(response, role)
            else:
                stored = Action.objects.get(pk=action.pk)
                assert stored.status != "dropped" or stored.drop_reason
            notes = ProgressNote.objects.count()
            response = client_for(world, role).post(url + "notes", post_data({"text": note}))
            assert response.status_code in (302, 403, 404)
            if ProgressNote.objects.count() == notes:
                assert_explained(response, role)

    check()
