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
