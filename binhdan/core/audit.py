"""The audit trail: every create, update and delete made by a user writes a row.

Services call `record()`; `snapshot()` gives the before/after of a model instance with
personal data left out (a model lists such fields in `audit_exclude`).
"""

from __future__ import annotations

import datetime
import decimal
import uuid

from django.db import models

from binhdan.core.models import AuditLog


def _plain(value):
    from django.db.models.fields.files import FieldFile

    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return "…"
    return value


def snapshot(instance: models.Model | None) -> dict | None:
    if instance is None:
        return None
    exclude = set(getattr(instance, "audit_exclude", ())) | {"created_at", "updated_at"}
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude:
            continue
        data[field.attname] = _plain(getattr(instance, field.attname))
    return data


_PLACE = ("province_id", "commune_id", "village_id")


def _place(instance) -> dict:
    place = getattr(instance, "audit_place", None)
    if callable(place):
        return place()
    if all(hasattr(instance, a) for a in _PLACE):
        return {a: getattr(instance, a) for a in _PLACE}
    return {}


def record(user, action: str, instance: models.Model, *, before=None, after=None, note: str = "") -> AuditLog:
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    return AuditLog.objects.create(
        user=user,
        action=action,
        model=instance._meta.label_lower,
        object_id=str(getattr(instance, "uuid", None) or instance.pk),
        object_repr=str(instance)[:255],
        before=before,
        after=after,
        note=note[:255],
        **_place(instance),
    )


def audited_save(user, instance: models.Model, *, note: str = "") -> models.Model:
    """Save an instance and write its audit row (create or update) in the same transaction."""
    from django.db import transaction

    with transaction.atomic():
        before = None
        if instance.pk is not None:
            old = type(instance)._base_manager.filter(pk=instance.pk).first()
            before = snapshot(old)
        creating = before is None
        instance.save()
        record(user, "create" if creating else "update", instance, before=before, after=snapshot(instance), note=note)
    return instance


def audited_delete(user, instance: models.Model, *, note: str = "") -> None:
    from django.db import transaction

    with transaction.atomic():
        before = snapshot(instance)
        record(user, "delete", instance, before=before, after=None, note=note)
        instance.delete()
