"""The "Criteria editor" group: exactly what editing and publishing criteria needs."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITABLE = [
    "frameworkversion",
    "roundtable",
    "theme",
    "criterion",
    "leveldescriptor",
    "recommendedaction",
    "supportavailable",
    "coherencelink",
]
CODENAMES = (
    [f"{action}_{model}" for model in EDITABLE for action in ("add", "change", "delete", "view")]
    + ["publish_frameworkversion", "add_policysector", "change_policysector", "view_policysector"]
    + ["view_keyelement", "view_sdgdomain", "view_gcmobjective"]
)


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    app_config = apps.get_app_config("assessments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Criteria editor")
    group.permissions.set(Permission.objects.filter(content_type__app_label="assessments", codename__in=CODENAMES))


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Criteria editor").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_reference_lists"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
