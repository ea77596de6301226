import pytest
from django.contrib.auth.models import Group, User

from tests.factories import make_framework


@pytest.fixture
def draft_framework(db):
    return make_framework()


@pytest.fixture
def published_framework(db):
    return make_framework(status="published")


@pytest.fixture
def editor(db):
    user = User.objects.create_user("editor", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Criteria editor"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def world(db):
    """One published framework, two governments, a member of each role, an outsider and the secretariat."""
    from types import SimpleNamespace

    from tests.factories import make_assessment, make_government, make_user

    framework = make_framework(status="published")
    home = make_government("Alphaland", "XAA")
    other = make_government("Betaland", "XBB")
    return SimpleNamespace(
        framework=framework,
        government=home,
        other_government=other,
        focal=make_user("focal", government=home, role="focal_point"),
        contributor=make_user("contributor", government=home, role="contributor"),
        viewer=make_user("viewer", government=home, role="viewer"),
        outsider=make_user("outsider", government=other, role="focal_point"),
        secretariat=make_user("secretariat", role="secretariat"),
        assessment=make_assessment(government=home, framework=framework),
    )


@pytest.fixture(autouse=True)
def empty_cache():
    """Rendered pages are cached per assessment revision; primary keys repeat across tests, so start empty."""
    from django.core.cache import cache, caches

    cache.clear()
    # With REDIS_URL the rate limits are in Redis too, where no test transaction rolls them back (issue 19).
    if not caches["throttle"].__class__.__name__ == "DatabaseCache":
        caches["throttle"].clear()


@pytest.fixture(autouse=True, scope="session")
def redis_keys_of_this_run_removed():
    """With REDIS_URL, this run's keys (its own prefix, hldassess/test_settings.py) go when the run ends."""
    yield
    from django.core.cache import caches

    for alias in ("default", "throttle"):
        if caches[alias].__class__.__name__ == "PrefixedRedisCache":
            caches[alias].clear()


@pytest.fixture
def people(world):
    """``world`` plus a secretariat administrator, a criteria editor and a pending invitation (issue 12)."""
    from assessments.models import SECRETARIAT_ADMIN_GROUP
    from tests.factories import make_user
    from tests.people_helpers import invite

    world.secretariat_admin = make_user("sec-admin")
    world.secretariat_admin.groups.add(Group.objects.get(name=SECRETARIAT_ADMIN_GROUP))
    world.secretariat_admin.is_staff = True
    world.secretariat_admin.save()
    world.editor = make_user("editor")
    world.editor.is_staff = True
    world.editor.save()
    world.editor.groups.add(Group.objects.get(name="Criteria editor"))
    world.invitation = invite(world, "pending@example.org")
    return world
