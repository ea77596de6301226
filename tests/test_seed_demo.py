import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

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
    assert set(users) == {"demo-focal", "demo-head", "demo-contributor", "demo-viewer", "test-focal", "test-contributor",
                          "secretariat", "editor"}
    assert authenticate(username="demo-contributor", password=users["demo-contributor"]) is not None
