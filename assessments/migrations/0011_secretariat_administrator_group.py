"""The "Secretariat administrator" group: creates and edits governments, invites their people, sees them all.

It holds the custom permission ``administer_governments`` and the admin permissions on governments,
memberships and invitations (assessments: view only).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Secretariat administrator"
PERMISSIONS = [
    "administer_governments",
    "add_government", "change_government", "view_government",
    "add_membership", "change_membership", "delete_membership", "view_membership",
    "add_invitation", "change_invitation", "view_invitation",
    "view_membershipchange", "view_assessment",
]


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations; this migration needs them now.
    app_config = apps.get_app_config("assessments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="assessments", codename__in=PERMISSIONS))
    # To pick the member of a membership in the admin.
    group.permissions.add(*Permission.objects.filter(content_type__app_label="auth", codename="view_user"))


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [("assessments", "0010_people"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_group, remove_group)]
