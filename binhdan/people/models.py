"""Households and people of each village, kept current with history."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from binhdan.core import pii
from binhdan.core.models import PlacedModel, TimeStampedModel
from binhdan.core.roles import OFFICER_ROLES, STAFF_ROLES
from binhdan.core.text import fold
from binhdan.people.ethnicity import ETHNICITY_CHOICES, KINH
from binhdan.people.querysets import HouseholdQuerySet, ImportJobQuerySet, PersonQuerySet

ELDERLY_AGE = 60
ADULT_AGE = 15

# Who may do what with the register. Full phone numbers may be revealed (each reveal is
# audited) only by commune officers for their commune and system administrators; everybody
# else who may see people sees masked values. Full ID numbers are never stored, so nobody
# can see them: only the last four digits.
PEOPLE_POLICY = {
    "view": STAFF_ROLES,
    "change": OFFICER_ROLES,
    "import": OFFICER_ROLES,
    "export": OFFICER_ROLES,
    "reveal": frozenset({"system_admin", "commune_officer"}),
}


class EndReason(models.TextChoices):
    MOVED = "moved", _("moved away")
    DECEASED = "deceased", _("deceased")
    REMOVED = "removed", _("removed (entered by mistake)")
    MERGED = "merged", _("merged into another record")


class Household(PlacedModel, TimeStampedModel):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("household code"), max_length=32, blank=True, db_index=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    head = models.ForeignKey(
        "people.Person", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("head of household")
    )
    valid_to = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason"), max_length=16, choices=EndReason.choices, blank=True)

    objects = HouseholdQuerySet.as_manager()
    scope_policy = PEOPLE_POLICY

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        indexes = [models.Index(fields=["village", "valid_to"]), models.Index(fields=["commune", "code"])]

    def __str__(self) -> str:
        head = self.head.full_name if self.head_id and self.head else ""
        return _("Household of %(name)s") % {"name": head} if head else (self.code or str(self.uuid)[:8])


class Person(PlacedModel, TimeStampedModel):
    class Sex(models.TextChoices):
        MALE = "M", _("male")
        FEMALE = "F", _("female")

    class Relation(models.TextChoices):
        HEAD = "head", _("head of household")
        SPOUSE = "spouse", _("spouse")
        CHILD = "child", _("child")
        PARENT = "parent", _("parent")
        GRANDCHILD = "grandchild", _("grandchild")
        SIBLING = "sibling", _("sibling")
        CHILD_IN_LAW = "child_in_law", _("son- or daughter-in-law")
        OTHER = "other", _("other")

    class VNeID(models.IntegerChoices):
        NONE = 0, _("no account")
        LEVEL1 = 1, _("level 1")
        LEVEL2 = 2, _("level 2")

    class ConsentSource(models.TextChoices):
        PAPER = "paper", _("signed paper form")
        VERBAL = "verbal", _("oral consent recorded by an officer")
        COMMUNE_LIST = "commune_list", _("commune list (import)")
        ONLINE = "online", _("online self-registration")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    full_name = models.CharField(_("full name"), max_length=150)
    name_folded = models.CharField(max_length=150, editable=False)  # indexed with the place, below
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True, db_index=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=2, choices=ETHNICITY_CHOICES, default=KINH)
    household = models.ForeignKey(
        Household, models.SET_NULL, null=True, blank=True, related_name="members", verbose_name=_("household")
    )
    relation = models.CharField(_("relation to head"), max_length=16, choices=Relation.choices, blank=True)
    # Segments named by the plans' targets.
    is_official = models.BooleanField(_("public official"), default=False)
    is_student = models.BooleanField(_("student"), default=False)
    is_worker = models.BooleanField(_("enterprise or cooperative worker"), default=False)
    is_trader = models.BooleanField(_("small trader"), default=False)
    is_farmer = models.BooleanField(_("farmer"), default=False)
    has_disability = models.BooleanField(_("person with disability"), default=False)
    # Digital status.
    has_smartphone = models.BooleanField(_("has a smartphone"), default=False)
    vneid_level = models.PositiveSmallIntegerField(_("VNeID account"), choices=VNeID.choices, default=VNeID.NONE)
    has_bank_account = models.BooleanField(_("digital bank account"), default=False)
    uses_email = models.BooleanField(_("uses email"), default=False)
    uses_zalo = models.BooleanField(_("uses Zalo"), default=False)
    # Personal data: the ID number only as a keyed hash and its last four digits; the phone
    # encrypted (AES-GCM), with its masked form kept for lists.
    id_hash = models.CharField(max_length=64, blank=True, editable=False)
    id_last4 = models.CharField(_("ID number (last 4 digits)"), max_length=4, blank=True, editable=False)
    phone_encrypted = models.TextField(blank=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)
    consent_at = models.DateField(_("consent to data processing given on"), null=True, blank=True)
    consent_source = models.CharField(_("consent recorded from"), max_length=16, choices=ConsentSource.choices,
                                      blank=True)
    valid_from = models.DateField(_("registered on"), null=True, blank=True)
    # The import that added this person (its audit row tells who, when and from which file).
    import_job = models.UUIDField(null=True, blank=True, editable=False)
    valid_to = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason"), max_length=16, choices=EndReason.choices, blank=True)
    end_note = models.CharField(_("note"), max_length=255, blank=True)

    objects = PersonQuerySet.as_manager()
    scope_policy = PEOPLE_POLICY
    # Never copied into audit rows (they hold hashes and ciphertext).
    audit_exclude = ("id_hash", "phone_encrypted", "name_folded")

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        # (place, valid_to, name_folded) cover the list pages and the name search: the search
        # scans the index, not the wide rows.
        indexes = [
            models.Index(fields=["village", "valid_to", "name_folded"], name="person_village_current_name"),
            models.Index(fields=["commune", "valid_to", "name_folded"], name="person_commune_current_name"),
            models.Index(fields=["commune", "id_hash"]),
            models.Index(fields=["household", "valid_to"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.full_name)
        if self.birth_date:
            self.birth_year = self.birth_date.year
        super().save(*args, **kwargs)

    # Personal data helpers: the only way code should set or read ID numbers and phones.
    def set_id_number(self, number: str) -> None:
        """`number` already normalised by pii.normalise_id (or empty to clear)."""
        self.id_hash = pii.id_hash(number) if number else ""
        self.id_last4 = pii.id_last4(number) if number else ""

    def set_phone(self, e164: str) -> None:
        """`e164` already normalised by pii.normalise_phone (or empty to clear)."""
        self.phone_encrypted = pii.encrypt(e164, "phone") if e164 else ""
        self.phone_masked = pii.mask_phone(e164) if e164 else ""

    def phone(self) -> str:
        """The full phone number (+84…). Callers must be allowed to reveal it and audit it."""
        return pii.decrypt(self.phone_encrypted, "phone") if self.phone_encrypted else ""

    @property
    def id_masked(self) -> str:
        return pii.mask_id(self.id_last4)

    @property
    def birth_display(self) -> str:
        if self.birth_date:
            return self.birth_date.strftime("%d/%m/%Y")
        return str(self.birth_year) if self.birth_year else ""

    @property
    def segments(self) -> list[str]:
        return [str(label) for name, label in SEGMENTS if getattr(self, name)]

    @property
    def is_current(self) -> bool:
        return self.valid_to is None

    def age(self, on: datetime.date | None = None) -> int | None:
        on = on or datetime.date.today()
        if self.birth_date:
            b = self.birth_date
            return on.year - b.year - ((on.month, on.day) < (b.month, b.day))
        if self.birth_year:
            return on.year - self.birth_year
        return None

    @property
    def is_elderly(self) -> bool:
        age = self.age()
        return age is not None and age >= ELDERLY_AGE


SEGMENTS = [
    ("is_official", _("public official")),
    ("is_student", _("student")),
    ("is_worker", _("enterprise or cooperative worker")),
    ("is_trader", _("small trader")),
    ("is_farmer", _("farmer")),
    ("has_disability", _("person with disability")),
]


class ImportJob(PlacedModel, TimeStampedModel):
    """One upload of a commune list: kept until committed, then its file is dropped."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("uploaded")
        PREVIEWING = "previewing", _("checking")
        PREVIEWED = "previewed", _("checked")
        COMMITTING = "committing", _("importing")
        DONE = "done", _("imported")
        FAILED = "failed", _("failed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("user"))
    filename = models.CharField(_("file"), max_length=255)
    data = models.BinaryField(editable=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.UPLOADED)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    header_row = models.PositiveIntegerField(null=True, blank=True)
    columns = models.JSONField(default=list, blank=True)
    only_valid = models.BooleanField(_("import only the valid rows"), default=False)
    counts = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()
    scope_policy = {"view": OFFICER_ROLES, "change": OFFICER_ROLES}
    audit_exclude = ("data", "problems")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return self.filename

    @property
    def running(self) -> bool:
        return self.status in (self.Status.PREVIEWING, self.Status.COMMITTING)

    @property
    def percent(self) -> int:
        return int(100 * self.progress_done / self.progress_total) if self.progress_total else 0
