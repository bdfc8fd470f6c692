"""Document.access_key: a random key per document for the URLs of unlisted documents (/u/<key>/).

Added nullable, filled row by row with distinct keys, then made unique and required (a callable default in one
AddField would give every existing row the same key).
"""

import secrets

from django.db import migrations, models

import wenku.library.models


def fill_keys(apps, schema_editor):
    Document = apps.get_model("library", "Document")
    for document in Document.objects.filter(access_key__isnull=True).only("pk").iterator():
        Document.objects.filter(pk=document.pk).update(access_key=secrets.token_urlsafe(16))


class Migration(migrations.Migration):

    dependencies = [
        ("library", "0004_articles_downloads"),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="access_key",
            field=models.CharField(max_length=32, null=True, editable=False),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="document",
            name="access_key",
            field=models.CharField(
                default=wenku.library.models.new_access_key,
                editable=False,
                help_text="addresses the document while it is unlisted: /u/<key>/",
                max_length=32,
                unique=True,
                verbose_name="链接密钥",
            ),
        ),
    ]
