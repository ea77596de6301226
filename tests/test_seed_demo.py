import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.contrib.auth.models import User

from assessments.models import Assessment, Government, Membership

pytestmark = pytest.mark.django_db


def test_seed_demo_twice_in_a_row(capsys):
    call_command("loaddata", "hld2013", verbosity=0)
    call_command("seed_demo", password="first-pass-1")
    call_command("seed_demo", password="second-pass-2")
    out = capsys.readouterr().out
    assert "demo-contributor" in out and "second-pass-2" in out
    assert set(Government.objects.values_list("name", flat=True)) == {"Demoland", "Testland"}
    demoland = {a.cycle: a for a in Assessment.objects.filter(government__name="Demoland")}
    assert demoland["2024"].status == "approved"
    assert demoland["2026"].status == "draft"
    assert demoland["2024"].responses.answered().count() == demoland["2024"].framework_version.criteria.count()
    assert 0 < demoland["2026"].responses.answered().count() < demoland["2026"].framework_version.criteria.count()
    assert Membership.objects.get(user__username="demo-viewer").role == "viewer"
    assert authenticate(username="demo-focal", password="second-pass-2") is not None
    assert authenticate(username="editor", password="second-pass-2").is_staff


def test_seed_demo_prints_random_passwords_without_password_option(capsys):
    call_command("loaddata", "hld2013", verbosity=0)
    call_command("seed_demo")
    lines = [line.split() for line in capsys.readouterr().out.splitlines() if line.startswith("  ")]
    users = {cols[0]: cols[1] for cols in lines}
    assert set(users) == {"demo-focal", "demo-head", "demo-contributor", "demo-viewer", "test-focal",
                          "test-contributor", "secretariat", "editor", "secretariat-admin"}
    assert authenticate(username="demo-contributor", password=users["demo-contributor"]) is not None


def test_with_a_revision_loaded_demoland_2026_is_on_it_and_its_report_shows_progress_from_2024(capsys):
    from assessments.models import Criterion, FrameworkVersion
    from assessments.reports import build_report
    from assessments.versioning import framework_copy, framework_publish, framework_retire

    # As make run does with the revision's fixture: the original, a published revision of it, the original retired.
    call_command("loaddata", "hld2013", verbosity=0)
    original = FrameworkVersion.objects.get(code="hld2013")
    revision = framework_copy(version=original, code="hld2013-r2026", name="HLD 2013 — 2026 revision")
    Criterion.objects.filter(version=revision, code="RT1.01").update(perspective="transit")
    Criterion.objects.get(version=revision, code="RT1.02").delete()
    framework_publish(version=revision)
    framework_retire(version=original)

    call_command("seed_demo", password="pw-12345678")
    demoland = {a.cycle: a for a in Assessment.objects.filter(government__name="Demoland")}
    assert (demoland["2024"].framework_version, demoland["2024"].status) == (original, "approved")
    assert (demoland["2026"].framework_version, demoland["2026"].status) == (revision, "draft")
    assert demoland["2026"].is_transit
    assert demoland["2024"].responses.answered().count() == original.criteria.count()
    progress = build_report(demoland["2026"]).progress
    assert progress is not None and not progress.same_framework
    assert sum(compared for *_rest, compared in progress.round_tables) > 20
    assert [code for code, _statement in progress.removed] == ["RT1.02"]
    assert Assessment.objects.get(government__name="Testland").framework_version == revision


def test_seed_demo_creates_a_secretariat_administrator(capsys):
    from assessments.models import is_secretariat_admin

    call_command("loaddata", "hld2013", verbosity=0)
    call_command("seed_demo", password="pw-Demo-2013")
    admin = User.objects.get(username="secretariat-admin")
    assert is_secretariat_admin(admin) and admin.is_staff and not admin.is_superuser
