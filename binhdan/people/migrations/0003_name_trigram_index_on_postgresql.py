"""On PostgreSQL, a trigram index makes the diacritics-insensitive name search (LIKE '%…%'
on the folded name) an index lookup. SQLite keeps the plain (commune, name_folded) index."""

from django.db import migrations, transaction


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception:  # noqa: BLE001 - without the extension the search still works, by scanning
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS people_person_name_trgm "
            "ON people_person USING gin (name_folded gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS people_person_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("people", "0002_register_pii_digital_status_imports")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
