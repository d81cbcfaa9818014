"""Every change to the population register: atomic, audited, and passed through the
indicators hook (`binhdan.kpi.tracking`), so the village counters move in the same
transaction (docs/indicators.md lists the contract).

Personal data never reaches an audit row: Person lists its hash and ciphertext fields in
`audit_exclude`, and a reveal is recorded as "revealed personal data" with no value.
"""

from __future__ import annotations

import datetime
import logging

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from binhdan.core import audit
from binhdan.core.models import AuditLog
from binhdan.geo.models import AdminUnit, Level
from binhdan.kpi import tracking
from binhdan.people import importer
from binhdan.people.models import EndReason, Household, ImportJob, Person

logger = logging.getLogger(__name__)


# --- people and households ------------------------------------------------------------------

def _place_household(household: Household, village: AdminUnit) -> None:
    household.set_place(village)


def create_household(user, village: AdminUnit, *, code: str = "", address: str = "") -> Household:
    with transaction.atomic(), tracking.track() as tracker:
        household = Household(code=code, address=address)
        _place_household(household, village)
        audited_save(user, household)
        tracker.add(households=[household])
    return household


def audited_save(user, instance, note: str = ""):
    return audit.audited_save(user, instance, note=note)


PERSON_FIELDS = ("full_name", "birth_date", "birth_year", "sex", "ethnicity", "relation", "is_official",
                 "is_student", "is_worker", "is_trader", "is_farmer", "has_disability", "has_smartphone",
                 "vneid_level", "has_bank_account", "uses_email", "uses_zalo", "consent_at", "consent_source")


def save_person(user, person: Person, *, village: AdminUnit, data: dict, id_number: str | None = None,
                phone: str | None = None, household: Household | None = None, new_household: bool = False,
                note: str = "") -> Person:
    """Create or change a person. `data` holds clean PERSON_FIELDS values; `id_number` and
    `phone` are normalised values ("" clears, None keeps)."""
    if village.level != Level.VILLAGE:
        raise ValueError(_("A person belongs to a village."))
    creating = person.pk is None
    with transaction.atomic(), tracking.track(persons=[] if creating else [person.pk]) as tracker:
        for key in PERSON_FIELDS:
            if key in data:
                setattr(person, key, data[key])
        if person.birth_date:
            person.birth_year = person.birth_date.year
        if person.village_id != village.pk:
            person.set_place(village)
        if id_number is not None:
            person.set_id_number(id_number)
        if phone is not None:
            person.set_phone(phone)
        if new_household:
            household = create_household(user, village)
        if household is not None or new_household:
            person.household = household
        if person.pk is None and person.valid_from is None:
            person.valid_from = timezone.localdate()
        audited_save(user, person, note=note)
        if creating:
            tracker.add(persons=[person])
        if person.relation == Person.Relation.HEAD and person.household_id:
            hh = Household.objects.select_for_update().get(pk=person.household_id)
            if hh.head_id != person.pk:
                hh.head = person
                audited_save(user, hh, note="head")
    return person


def end_person(user, person: Person, *, on: datetime.date, reason: str, note: str = "") -> Person:
    """A person moves away, dies or was entered by mistake: the record stays, closed."""
    if reason not in EndReason.values:
        raise ValueError(_("Unknown reason."))
    if person.valid_to is not None:
        raise ValueError(_("This person is already out of the register."))
    with transaction.atomic(), tracking.track(persons=[person.pk]):
        person.valid_to, person.end_reason, person.end_note = on, reason, note[:255]
        audited_save(user, person, note=reason)
        if person.household_id:
            household = Household.objects.select_for_update().get(pk=person.household_id)
            if household.head_id == person.pk:
                household.head = None
                audited_save(user, household, note="head ended")
    return person


def reveal_phone(user, person: Person) -> str:
    """The full phone number, for a role allowed to see it; the reveal is audited (no value)."""
    if not Person.objects.for_user(user, "reveal").filter(pk=person.pk).exists():
        raise PermissionError
    audit.record(user, AuditLog.Action.REVEAL, person, note="phone")
    return person.phone()


def record_export(user, unit: AdminUnit, *, rows: int, full: bool) -> None:
    audit.record(user, AuditLog.Action.EXPORT, unit, note=f"people {rows} rows{' unmasked' if full else ''}")


# --- imports --------------------------------------------------------------------------------

def _progress_key(job: ImportJob) -> str:
    return f"people-import:{job.uuid}"


def progress_of(job: ImportJob) -> tuple[int, int]:
    return cache.get(_progress_key(job)) or (job.progress_done, job.progress_total)


def start_import(user, commune: AdminUnit, data: bytes, filename: str, village: AdminUnit | None = None) -> ImportJob:
    """Keep the uploaded file and check it in the background."""
    job = ImportJob(user=user if user and user.is_authenticated else None, filename=filename[:255], data=data)
    job.set_place(village or commune)
    audited_save(user, job, note="upload")
    _enqueue("preview", job)
    return ImportJob.objects.get(pk=job.pk)


def _enqueue(action: str, job: ImportJob, **kwargs) -> None:
    from binhdan.people import tasks

    task = tasks.preview_import if action == "preview" else tasks.commit_import
    transaction.on_commit(lambda: task.enqueue(str(job.uuid), **kwargs))


def change_mapping(user, job: ImportJob, mapping: dict) -> ImportJob:
    if job.status not in (ImportJob.Status.PREVIEWED, ImportJob.Status.FAILED):
        raise ValueError(_("This import cannot be changed any more."))
    job.mapping = {k: int(v) for k, v in mapping.items()}
    job.status = ImportJob.Status.UPLOADED
    audited_save(user, job, note="mapping")
    _enqueue("preview", job)
    return ImportJob.objects.get(pk=job.pk)


def request_commit(user, job: ImportJob, *, only_valid: bool) -> ImportJob:
    if job.status != ImportJob.Status.PREVIEWED:
        raise ValueError(_("Check the file before importing it."))
    counts = job.counts or {}
    if counts.get("invalid") and not only_valid:
        raise ValueError(_("The file has problems: fix them, or choose to import only the valid rows."))
    job.only_valid = only_valid
    job.status = ImportJob.Status.COMMITTING
    audited_save(user, job, note="commit requested")
    _enqueue("commit", job)
    return ImportJob.objects.get(pk=job.pk)


def _job_units(job: ImportJob) -> tuple[AdminUnit, AdminUnit | None]:
    commune = AdminUnit.objects.get(pk=job.commune_id)
    village = AdminUnit.objects.get(pk=job.village_id) if job.village_id else None
    return commune, village


def _reporter(job: ImportJob, write_db: bool):
    key = _progress_key(job)

    def report(done: int, total: int) -> None:
        cache.set(key, (done, total), 3600)
        if write_db:
            ImportJob.objects.filter(pk=job.pk).update(progress_done=done, progress_total=total)

    return report


def _cache_key(job: ImportJob) -> str:
    return f"{job.uuid}:{sorted((job.mapping or {}).items())}:{job.village_id}"


def _plan(job: ImportJob, write_db: bool) -> importer.Plan:
    commune, village = _job_units(job)
    return importer.plan(commune, bytes(job.data), job.filename, mapping=job.mapping or None,
                         default_village=village, progress=_reporter(job, write_db), cache_key=_cache_key(job))


def run_preview(job_uuid: str) -> None:
    job = ImportJob.objects.get(uuid=job_uuid)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.PREVIEWING, progress_done=0, error="")
    try:
        result = _plan(job, write_db=True)
    except Exception:
        logger.exception("people import %s: preview failed", job.uuid)
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED,
                                                   error=_("The file could not be checked."))
        return
    old_key = _cache_key(job)
    job.mapping = dict(result.mapping)
    importer.rekey(old_key, _cache_key(job))  # the import reads the same columns
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.FAILED if result.file_error else ImportJob.Status.PREVIEWED,
        error=result.file_error, header_row=result.header_row, columns=result.columns,
        mapping={k: v for k, v in result.mapping.items()}, counts=result.counts() if not result.file_error else {},
        problems=result.problems, finished_at=timezone.now(),
    )
    cache.delete(_progress_key(job))


def run_commit(job_uuid: str) -> None:
    job = ImportJob.objects.select_related("user").get(uuid=job_uuid)
    commune, _village = _job_units(job)
    try:
        result = _plan(job, write_db=False)
        with transaction.atomic():
            outcome = importer.commit(job.user, commune, result, only_valid=job.only_valid,
                                      note=f"import {job.uuid}", job_uuid=job.uuid, progress=_reporter(job, False))
            counts = outcome.counts
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportJob.Status.DONE, counts=counts, problems=result.problems, data=b"",
                finished_at=timezone.now(), error="",
            )
            job.refresh_from_db()
            audit.record(job.user, AuditLog.Action.IMPORT, job, after=counts,
                         note=_("%(new)d new, %(updated)d updated, %(unchanged)d unchanged, %(invalid)d invalid")
                         % counts)
        importer.forget(_cache_key(job))
    except ValueError as exc:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.PREVIEWED, error=str(exc))
    except Exception:
        logger.exception("people import %s: commit failed", job.uuid)
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED,
                                                   error=_("The import failed; nothing was saved."))
    cache.delete(_progress_key(job))
