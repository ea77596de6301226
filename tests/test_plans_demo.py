"""``make run``'s Demoland: a 2024 plan at every status, carried into 2026 and reviewed by the 2026 report."""

import pytest
from django.core.management import call_command

from assessments.models import Assessment
from assessments.reports import build_report

pytestmark = pytest.mark.django_db


def test_demoland_has_a_2024_plan_reviewed_in_its_2026_report(capsys):
    call_command("loaddata", "hld2013", verbosity=0)
    call_command("seed_demo", password="pw-12345678")
    demoland = {a.cycle: a for a in Assessment.objects.filter(government__name="Demoland")}
    earlier = list(demoland["2024"].actions.order_by("pk"))
    assert [a.status for a in earlier] == ["done", "done", "in_progress", "in_progress", "planned", "dropped"]
    report_2024 = build_report(demoland["2024"])
    assert [a.criterion_id for a in earlier] == [g.id for g in report_2024.priority_gaps[:6]]
    assert all(a.history.count() >= 1 for a in earlier) and earlier[0].notes.exists()

    carried = list(demoland["2026"].actions.select_related("carried_from"))
    assert carried and {a.carried_from.status for a in carried} == {"in_progress", "planned"}

    review = build_report(demoland["2026"]).plan.review
    assert review.previous_cycle == "2024" and review.actions >= 6
    # Done 20 May 2025 for 30 June: on time; done 15 September for 31 March: late; the third, in progress
    # past 31 December 2025: late.
    assert (review.done, review.on_time) == (2, 1) and review.late >= 2
    call_command("seed_demo", password="pw-12345678")  # again: nothing doubles
    assert demoland["2024"].actions.count() == 6 and demoland["2026"].actions.count() == len(carried)
