"""Merge, don't overwrite (issue 10): a save writes only what the person changed on the page they opened.

Each test opens the questionnaire as a browser does (tests/page_forms.py reads the form back),
changes a few values and saves, with two people or two tabs of one person.
"""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Assessment, Criterion, Response
from assessments.workflow import AnswerInput, NotAllowed, responses_save
from tests.page_forms import form_data

pytestmark = pytest.mark.django_db


def page_criteria(world, number=1):
    return list(Criterion.objects.filter(version=world.framework, theme__round_table__number=number).order_by("code"))


def url(world, number=1):
    return reverse("questionnaire", args=[world.assessment.pk, number])


def open_page(user, world) -> tuple[Client, dict]:
    """A browser tab of ``user`` with the questionnaire open: its client and the form as it stands."""
    client = Client()
    client.force_login(user)
    response = client.get(url(world))
    assert response.status_code == 200
    return client, form_data(response.content.decode())


def answer(data: dict, criterion, **fields) -> dict:
    data = dict(data)
    data.update({f"c{criterion.pk}-{name}": str(value) for name, value in fields.items()})
    return data


def stored(criterion) -> Response | None:
    return Response.objects.filter(criterion=criterion).first()


def test_a_save_leaves_the_criteria_the_person_did_not_touch_as_they_are_now(world):
    """A saves RT1.04; B, who opened the page earlier and changed only RT1.01, saves without a conflict."""
    c = page_criteria(world)
    tab_a, page_a = open_page(world.focal, world)
    tab_b, page_b = open_page(world.contributor, world)
    assert tab_a.post(url(world), answer(page_a, c[3], answer=4, evidence="Act 7/2021")).status_code == 302

    response = tab_b.post(url(world), answer(page_b, c[0], answer=1, justification="Pilot only"))

    assert response.status_code == 302, response.content.decode()[:3000]
    assert (stored(c[3]).score, stored(c[3]).evidence, stored(c[3]).updated_by) == (4, "Act 7/2021", world.focal)
    assert (stored(c[0]).score, stored(c[0]).justification) == (1, "Pilot only")
    assert stored(c[1]) is None and stored(c[2]) is None  # untouched, never written


def test_two_tabs_of_one_person_never_put_an_answer_back_to_unanswered(world):
    c = page_criteria(world)
    tab_1, page_1 = open_page(world.contributor, world)
    tab_2, page_2 = open_page(world.contributor, world)
    assert tab_2.post(url(world), answer(page_2, c[0], answer=3, evidence="Decree 5")).status_code == 302

    response = tab_1.post(url(world), answer(page_1, c[1], answer=2))
    if response.status_code == 200:  # refused: the person saves again from the page shown, as they were told
        response = tab_1.post(url(world), form_data(response.content.decode()))

    assert response.status_code == 302
    assert stored(c[0]).score == 3  # not unanswered again
    assert stored(c[1]).score == 2


def test_a_person_who_changed_nothing_writes_nothing(world):
    c = page_criteria(world)
    tab_a, page_a = open_page(world.focal, world)
    tab_b, page_b = open_page(world.contributor, world)
    tab_a.post(url(world), answer(page_a, c[0], answer=2))
    response = tab_b.post(url(world), page_b, follow=True)
    assert "0 answer(s) changed" in response.content.decode()
    assert stored(c[0]).score == 2


def test_both_changing_the_same_criterion_shows_both_versions_and_saves_nothing(world):
    c = page_criteria(world)
    tab_a, page_a = open_page(world.focal, world)
    tab_b, page_b = open_page(world.contributor, world)
    tab_a.post(url(world), answer(answer(page_a, c[0], answer=1, justification="Focal view"), c[2], answer=3))

    mine = answer(answer(page_b, c[0], answer=4, justification="Contributor view"), c[1], answer=2)
    response = tab_b.post(url(world), mine)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was saved" in page
    conflict = re.search(rf'<article[^>]*id="criterion-{c[0].pk}".*?</article>', page, re.S).group(0)
    assert "Focal view" in conflict and "Contributor view" in conflict  # both versions side by side
    assert re.search(rf'name="c{c[0].pk}-resolve" value="mine"', conflict)
    assert re.search(rf'name="c{c[0].pk}-resolve" value="theirs"', conflict)
    # The untouched criterion shows its current value (the focal point's), not the stale one of B's page.
    assert re.search(rf'name="c{c[2].pk}-answer" value="3"[^>]*checked', page)
    # B's other change is still in the form, unsaved.
    assert re.search(rf'name="c{c[1].pk}-answer" value="2"[^>]*checked', page)
    assert stored(c[1]) is None
    assert stored(c[0]).justification == "Focal view"


def _conflict_page(world):
    c = page_criteria(world)
    tab_a, page_a = open_page(world.focal, world)
    tab_b, page_b = open_page(world.contributor, world)
    tab_a.post(url(world), answer(answer(page_a, c[0], answer=1, justification="Focal view"), c[2], answer=3))
    response = tab_b.post(
        url(world), answer(answer(page_b, c[0], answer=4, justification="Contributor view"), c[1], answer=2)
    )
    assert response.status_code == 200
    return c, tab_a, tab_b, form_data(response.content.decode())


def test_keep_mine_on_the_conflict_screen_saves_mine_and_leaves_the_rest(world):
    c, _, tab_b, shown = _conflict_page(world)
    response = tab_b.post(url(world), answer(shown, c[0], resolve="mine"))
    assert response.status_code == 302
    assert (stored(c[0]).score, stored(c[0]).justification) == (4, "Contributor view")
    assert stored(c[1]).score == 2
    assert stored(c[2]).score == 3  # the focal point's answer, untouched


def test_take_theirs_on_the_conflict_screen_keeps_theirs_and_saves_my_other_changes(world):
    c, _, tab_b, shown = _conflict_page(world)
    response = tab_b.post(url(world), answer(shown, c[0], resolve="theirs"))
    assert response.status_code == 302
    assert (stored(c[0]).score, stored(c[0]).justification, stored(c[0]).updated_by) == (1, "Focal view", world.focal)
    assert stored(c[1]).score == 2
    assert stored(c[2]).score == 3


def test_the_conflict_screen_asks_for_a_choice(world):
    c, _, tab_b, shown = _conflict_page(world)
    shown.pop(f"c{c[0].pk}-resolve", None)
    response = tab_b.post(url(world), shown)
    assert response.status_code == 200
    assert "Choose whether to keep your version or take theirs" in response.content.decode()
    assert stored(c[0]).justification == "Focal view"
    assert stored(c[1]) is None


def test_a_third_save_while_the_conflict_screen_is_open_is_another_conflict(world):
    c, tab_a, tab_b, shown = _conflict_page(world)
    _, page_a = open_page(world.focal, world)
    tab_a.post(url(world), answer(page_a, c[0], answer=0, justification="Focal again"))
    response = tab_b.post(url(world), answer(shown, c[0], resolve="mine"))
    assert response.status_code == 200
    assert "Focal again" in response.content.decode()
    assert stored(c[0]).justification == "Focal again"


def test_the_same_change_by_both_is_no_conflict(world):
    c = page_criteria(world)
    tab_a, page_a = open_page(world.focal, world)
    tab_b, page_b = open_page(world.contributor, world)
    tab_a.post(url(world), answer(page_a, c[0], answer=2))
    assert tab_b.post(url(world), answer(page_b, c[0], answer=2)).status_code == 302
    assert stored(c[0]).score == 2


def test_windows_line_endings_from_the_browser_are_no_change(world):
    """Browsers send textarea line breaks as CR LF; a text saved with LF is not "changed" by reopening it."""
    c = page_criteria(world)
    responses_save(assessment=world.assessment, user=world.focal,
                   answers=[AnswerInput(criterion_id=c[0].pk, base_edit_count=0, score=2, evidence="Law 1\nLaw 2")])
    tab, page = open_page(world.contributor, world)
    page[f"c{c[0].pk}-evidence"] = page[f"c{c[0].pk}-evidence"].replace("\n", "\r\n")
    response = tab.post(url(world), page, follow=True)
    assert "0 answer(s) changed" in response.content.decode()
    assert stored(c[0]).updated_by == world.focal


# --- The row lock ------------------------------------------------------------------------


def test_save_checks_the_status_of_the_locked_row_not_of_the_page(world):
    """The view's copy says draft; the assessment was submitted since: the save is refused."""
    stale = Assessment.objects.get(pk=world.assessment.pk)
    Assessment.objects.filter(pk=stale.pk).update(status="submitted")
    first = page_criteria(world)[0]
    with pytest.raises(NotAllowed):
        responses_save(assessment=stale, user=world.contributor,
                       answers=[AnswerInput(criterion_id=first.pk, base_edit_count=0, score=2)])
    assert not Response.objects.exists()


@pytest.mark.skipif("not connection.features.has_select_for_update", reason="SQLite locks the database, not rows")
def test_save_locks_the_assessment_row_before_anything_else(world):
    first = page_criteria(world)[0]
    with CaptureQueriesContext(connection) as queries:
        responses_save(assessment=world.assessment, user=world.contributor,
                       answers=[AnswerInput(criterion_id=first.pk, base_edit_count=0, score=2)])
    statements = [q["sql"] for q in queries.captured_queries if q["sql"].upper().startswith("SELECT")]
    assert '"assessments_assessment"' in statements[0] and statements[0].rstrip().endswith("FOR UPDATE")


@pytest.mark.skipif("not connection.features.has_select_for_update", reason="SQLite locks the database, not rows")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # as every transactional test
def test_a_save_that_waits_for_a_submit_sees_the_submitted_status(world):
    """The focal point submits while a contributor's save is on its way: the save waits for the lock, then refuses."""
    import threading
    import time

    from django.db import connections, transaction

    first = page_criteria(world)[0]
    stale = Assessment.objects.get(pk=world.assessment.pk)  # what the contributor's request read: a draft
    holding = threading.Event()

    def submit():
        try:
            with transaction.atomic():
                Assessment.objects.select_for_update().get(pk=stale.pk)
                Assessment.objects.filter(pk=stale.pk).update(status="submitted")
                holding.set()
                time.sleep(0.5)  # the save below is now waiting for this row
        finally:
            connections.close_all()

    thread = threading.Thread(target=submit)
    thread.start()
    assert holding.wait(5)
    try:
        with pytest.raises(NotAllowed):
            responses_save(assessment=stale, user=world.contributor,
                           answers=[AnswerInput(criterion_id=first.pk, base_edit_count=0, score=2)])
    finally:
        thread.join()
    assert not Response.objects.exists()
