# The data version moved from the partnership app to the core: the model's state moves,
# its table (partnership_dataversion) stays as it is.

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('partnership', '0003_data_version'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='DataVersion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.BigIntegerField(default=0)),
                    ],
                    options={
                        'verbose_name': 'data version',
                        'db_table': 'partnership_dataversion',
                        'default_permissions': (),
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
