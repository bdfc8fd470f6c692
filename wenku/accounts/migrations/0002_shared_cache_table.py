"""The table of the shared cache (CACHES["shared"], Django's DatabaseCache): throttle counts that every process
sees. Made here so that `migrate` (and every test database) has it; kept when Redis is the shared cache instead."""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "wenku_shared_cache"  # settings.CACHES["shared"]["LOCATION"]


def create_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop_table(apps, schema_editor):
    quoted = schema_editor.connection.ops.quote_name(TABLE)
    schema_editor.execute(f"DROP TABLE IF EXISTS {quoted}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create_table, drop_table, elidable=False)]
