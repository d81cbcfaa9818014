"""Fast inserts and updates for large imports (the ORM's bulk_create builds a model instance
and prepares every value one by one; a 100,000-row list needs less ceremony).

Rows are dicts of attribute names (`village_id`, not `village`); missing fields take their
model default. Used inside the importer's transaction only.
"""

from __future__ import annotations

from django.db import connection, models
from django.utils import timezone

_NO_DEFAULT = object()


def _converter(field: models.Field, now):
    sqlite = connection.vendor == "sqlite"
    if isinstance(field, models.UUIDField):
        return (lambda value: value.hex) if sqlite else None
    if isinstance(field, models.DateTimeField):
        now_db = field.get_db_prep_save(now, connection)
        return lambda value: now_db if value is now else field.get_db_prep_save(value, connection)
    if isinstance(field, models.DateField):
        return (lambda value: value.isoformat()) if sqlite else None
    if isinstance(field, models.JSONField) and not sqlite:
        import json

        return lambda value: json.dumps(value)
    if isinstance(field, models.JSONField | models.DecimalField | models.BinaryField):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


def insert(model: type[models.Model], rows: list[dict], now=None) -> None:
    """INSERT the rows; auto_now fields get `now`."""
    if not rows:
        return
    qn = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = now or timezone.now()
    specs = []
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            default = now
        elif f.has_default() and callable(f.default):
            default = _NO_DEFAULT
        else:
            default = f.get_default()  # "" for a text field, None for a nullable one
        specs.append((f.attname, default, f.default if default is _NO_DEFAULT else None, _converter(f, now)))

    def values(row):
        out = []
        for attname, default, factory, convert in specs:
            value = row.get(attname, default)
            if value is _NO_DEFAULT:
                value = factory()
            if convert is not None and value is not None:
                value = convert(value)
            out.append(value)
        return out

    columns = ", ".join(qn(f.column) for f in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    table = qn(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            sql = f"INSERT INTO {table} ({columns}) VALUES {one}"
            for start in range(0, len(rows), 5000):
                cursor.executemany(sql, [values(r) for r in rows[start:start + 5000]])
        elif connection.vendor == "postgresql":
            # COPY: one stream, no statement to parse per batch.
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row(values(r))
        else:
            per = max(1, min(1000, 30000 // len(fields)))
            for start in range(0, len(rows), per):
                chunk = rows[start:start + per]
                params = []
                for r in chunk:
                    params.extend(values(r))
                cursor.execute(f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([one] * len(chunk)), params)


def update_column(model: type[models.Model], column: str, pairs: list[tuple[object, int]],
                  pg_type: str = "bigint") -> None:
    """SET column = value WHERE id = pk, for each (value, pk)."""
    if not pairs:
        return
    qn = connection.ops.quote_name
    table, col = qn(model._meta.db_table), qn(column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for start in range(0, len(pairs), 20000):
                chunk = pairs[start:start + 20000]
                cursor.execute(
                    f"UPDATE {table} SET {col} = v.value FROM unnest(%s::{pg_type}[], %s::bigint[]) AS v(value, id) "
                    f"WHERE {table}.{qn('id')} = v.id",
                    [[value for value, _pk in chunk], [pk for _value, pk in chunk]],
                )
            return
        sql = f"UPDATE {table} SET {col} = %s WHERE {qn('id')} = %s"
        for start in range(0, len(pairs), 5000):
            cursor.executemany(sql, pairs[start:start + 5000])


def large_write_cache() -> None:
    """SQLite's page cache defaults to 2 MB; a 100,000-row import touches every page of the
    person indexes (random UUIDs), so give this connection 256 MB while it writes."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")
