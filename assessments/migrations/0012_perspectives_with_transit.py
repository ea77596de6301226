# Criteria may concern countries of origin, transit and destination in any combination (issue 13).

import assessments.models.perspective
from django.db import migrations, models

PERSPECTIVES = ['origin', 'transit', 'destination', 'origin,transit', 'origin,destination', 'transit,destination',
                'origin,transit,destination']


def _rewrite(apps, schema_editor, old, new):
    # Raw SQL: PerspectiveField itself reads "both" as "origin,destination", so an ORM filter would never match it.
    table = schema_editor.quote_name(apps.get_model('assessments', 'Criterion')._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f'UPDATE {table} SET perspective = %s WHERE perspective = %s', [new, old])


def both_to_origin_and_destination(apps, schema_editor):
    _rewrite(apps, schema_editor, 'both', 'origin,destination')


def back_to_both(apps, schema_editor):
    Criterion = apps.get_model('assessments', 'Criterion')
    transit = Criterion.objects.filter(perspective__contains='transit')
    if transit.exists():
        raise RuntimeError(
            f'{transit.count()} criteria concern countries of transit, which the earlier schema cannot hold; '
            'change them before unapplying this migration.'
        )
    _rewrite(apps, schema_editor, 'origin,destination', 'both')


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0011_secretariat_administrator_group'),
    ]

    operations = [
        migrations.AlterField(
            model_name='criterion',
            name='perspective',
            field=assessments.models.perspective.PerspectiveField(choices=[('origin', 'Origin'), ('transit', 'Transit'), ('destination', 'Destination'), ('origin,transit', 'Origin and transit'), ('origin,destination', 'Origin and destination'), ('transit,destination', 'Transit and destination'), ('origin,transit,destination', 'Origin, transit and destination')], default='origin,destination', help_text='The countries the measure concerns: of origin, transit and/or destination.', max_length=40),
        ),
        migrations.RunPython(both_to_origin_and_destination, back_to_both),
        migrations.AddConstraint(
            model_name='criterion',
            constraint=models.CheckConstraint(condition=models.Q(('perspective__in', PERSPECTIVES)), name='criterion_perspective_combination'),
        ),
    ]
