# The data version moved to the core (core.0001_data_version): only the model's state
# leaves this app; its table stays, now the core's.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('partnership', '0003_data_version'),
        ('core', '0001_data_version'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='DataVersion')],
            database_operations=[],
        ),
    ]
