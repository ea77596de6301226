"""Two focal points demoting (or removing) each other at the same moment: one wins, the government keeps a
focal point. The government's row is locked before the check (run on PostgreSQL in CI; SQLite serialises)."""

import threading

import pytest
from django.db import connection

from assessments.models import Membership
from assessments.people import PeopleError, membership_change_role, membership_remove
from tests.factories import make_government, make_user

pytestmark = [
    # serialized_rollback like every transactional test here: a flush without it recreates the content types
    # under new ids, and the next test that restores the serialized database then collides with them.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # SQLite's in-memory test database cannot be shared by threads ("database table is locked").
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a race: runs on PostgreSQL (DATABASE_URL)"),
]


def run_together(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def worker(i, call):
        from django.db import connections

        try:
            barrier.wait()
            call()
            outcomes[i] = "done"
        except PeopleError as error:
            outcomes[i] = str(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


@pytest.mark.parametrize("write", ["demote", "remove"])
def test_two_focal_points_cannot_both_step_down_at_once(write):
    government = make_government("Raceland", "XRC")
    a = make_user("a", government=government, role="focal_point")
    b = make_user("b", government=government, role="focal_point")
    ma, mb = Membership.objects.get(user=a), Membership.objects.get(user=b)
    if write == "demote":
        calls = [lambda: membership_change_role(by=a, membership=mb, role="viewer"),
                 lambda: membership_change_role(by=b, membership=ma, role="viewer")]
    else:
        calls = [lambda: membership_remove(by=a, membership=mb), lambda: membership_remove(by=b, membership=ma)]
    outcomes = run_together(*calls)
    assert sorted(o == "done" for o in outcomes) == [False, True], outcomes
    assert Membership.objects.filter(government=government, role="focal_point").count() == 1
    refused = next(o for o in outcomes if o != "done")
    assert "last focal point" in refused or "Only a focal point" in refused, refused
