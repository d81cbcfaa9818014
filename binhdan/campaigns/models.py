"""Plans and their task tables, outreach activities, periodic reports and commendations."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binhdan.core.models import PlacedModel, TimeStampedModel
from binhdan.core.querysets import NATION, ScopedQuerySet, assignments
from binhdan.core.roles import OFFICER_ROLES, STAFF_ROLES

OFFICERS = frozenset(OFFICER_ROLES)
READERS = frozenset(STAFF_ROLES)
# Who may record outreach activities: officers and organisation officers of the place.
RECORDERS = frozenset(OFFICER_ROLES | {"organisation_officer"})
OFFICER_POLICY = {"view": READERS, "change": OFFICERS}
RECORDER_POLICY = {"view": READERS, "change": RECORDERS}
REPORT_POLICY = {"view": OFFICERS, "change": OFFICERS}


class ReportingRule(TimeStampedModel):
    """When periodic reports fall due under a unit (a province, or the nation by default):
    before day `due_day` of the last month of each period (plan 003: before the 15th)."""

    unit = models.OneToOneField("geo.AdminUnit", models.CASCADE, related_name="reporting_rule",
                                verbose_name=_("unit"))
    due_day = models.PositiveSmallIntegerField(_("reports due before day"), default=15)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("reporting rule")
        verbose_name_plural = _("reporting rules")
        constraints = [models.CheckConstraint(condition=Q(due_day__gte=1, due_day__lte=28),
                                              name="reporting_due_day_in_month")]

    def __str__(self) -> str:
        return f"{self.unit} — {self.due_day}"


class Plan(PlacedModel, TimeStampedModel):
    """A plan ("kế hoạch") as issued: number and symbol, date, issuing body, title, the unit it covers."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey("geo.AdminUnit", models.PROTECT, related_name="plans", verbose_name=_("unit covered"))
    number = models.CharField(_("number and symbol"), max_length=64, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    issuing_body = models.CharField(_("issuing body"), max_length=200)
    title = models.CharField(_("title"), max_length=500)
    summary = models.TextField(_("purpose and requirements"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))

    scope_policy = OFFICER_POLICY

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    def save(self, *args, **kwargs):
        if self.unit_id:
            self.set_place(self.unit)
        super().save(*args, **kwargs)


class Phase(models.Model):
    plan = models.ForeignKey(Plan, models.CASCADE, related_name="phases", verbose_name=_("plan"))
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    goals = models.TextField(_("goals"), blank=True)

    class Meta:
        ordering = ["plan", "position", "starts_on"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="phase_ends_after_start")]

    def __str__(self) -> str:
        return self.name


class TaskQuerySet(ScopedQuerySet):
    """A task is visible where its plan is, and also to its lead organisations' units."""

    def for_user(self, user, action: str = "view"):
        base = super().for_user(user, action)
        if user is None or not user.is_authenticated or user.is_superuser:
            return base
        allowed = (RECORDERS if action == "change" else READERS)
        lead: Q | None = None
        for role, unit_id, level, _path in assignments(user):
            if role not in allowed or level == NATION:
                continue
            field = {1: "province_id", 2: "commune_id", 3: "village_id"}[level]
            q = Q(**{f"lead_organisations__{field}": unit_id})
            lead = q if lead is None else lead | q
        if lead is None:
            return base
        leading = Task.objects.filter(lead).values("pk")
        return self.filter(Q(pk__in=base.values("pk")) | Q(pk__in=leading))

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(due_on__lt=today).exclude(status__in=[Task.Status.DONE, Task.Status.CANCELLED])


class Task(PlacedModel, TimeStampedModel):
    """One row of a plan's task table: task, lead unit, partners, time, note — and how it goes."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, models.CASCADE, related_name="tasks", verbose_name=_("plan"))
    position = models.PositiveSmallIntegerField(_("no."), default=1)
    title = models.TextField(_("task"))
    lead_text = models.CharField(_("lead unit"), max_length=500)
    partners_text = models.CharField(_("partner units"), max_length=500, blank=True)
    lead_organisations = models.ManyToManyField("geo.Organisation", related_name="led_tasks", blank=True,
                                                verbose_name=_("lead organisations"))
    partner_organisations = models.ManyToManyField("geo.Organisation", related_name="partner_tasks", blank=True,
                                                   verbose_name=_("partner organisations"))
    time_text = models.CharField(_("time frame"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    result = models.TextField(_("result"), blank=True)

    objects = TaskQuerySet.as_manager()
    scope_policy = OFFICER_POLICY

    class Meta:
        ordering = ["plan", "position", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="task_progress_at_most_100")]

    def __str__(self) -> str:
        return self.title[:80]

    @property
    def is_overdue(self) -> bool:
        return bool(self.due_on and self.due_on < timezone.localdate()
                    and self.status not in (self.Status.DONE, self.Status.CANCELLED))


def evidence_path(instance, filename: str) -> str:
    return f"campaigns/evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}/{filename}"


class Evidence(TimeStampedModel):
    """A file or a link that shows a task was done (or an activity took place)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    task = models.ForeignKey(Task, models.CASCADE, related_name="evidence", verbose_name=_("task"))
    file = models.FileField(_("file"), upload_to=evidence_path, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    note = models.CharField(_("description"), max_length=255, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("added by"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [models.CheckConstraint(condition=~Q(file="") | ~Q(url=""), name="evidence_file_or_link")]

    def __str__(self) -> str:
        return self.note or self.url or self.file.name

    def audit_place(self) -> dict:
        return {"province_id": self.task.province_id, "commune_id": self.task.commune_id,
                "village_id": self.task.village_id}


class Activity(PlacedModel, TimeStampedModel):
    """One outreach activity: a broadcast, a banner, a post, a meeting, a class, the 10/10 day…"""

    class Kind(models.TextChoices):
        LOUDSPEAKER = "loudspeaker", _("Loudspeaker broadcast")
        BANNER = "banner", _("Banner, poster or panel")
        NEWS = "news", _("News article")
        SOCIAL = "social", _("Social-media post or video clip")
        MEETING = "meeting", _("Meeting or conference")
        TRAINING = "training", _("Training class")
        CONTEST = "contest", _("Contest")
        PRINTED = "printed", _("Printed material")
        DIGITAL_DAY = "digital_day", _("“Ngày hội toàn dân học tập số” (10/10)")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    on = models.DateField(_("date"), db_index=True)
    unit = models.ForeignKey("geo.AdminUnit", models.PROTECT, related_name="+", verbose_name=_("unit"))
    organiser = models.ForeignKey("geo.Organisation", models.SET_NULL, null=True, blank=True, related_name="+",
                                  verbose_name=_("organiser"))
    title = models.CharField(_("content"), max_length=300)
    quantity = models.PositiveIntegerField(_("quantity (broadcasts, copies, sessions)"), default=1)
    people_reached = models.PositiveIntegerField(_("people reached"), default=0)
    evidence_url = models.URLField(_("evidence link"), max_length=500, blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to=evidence_path, blank=True)
    plan = models.ForeignKey(Plan, models.SET_NULL, null=True, blank=True, related_name="activities",
                             verbose_name=_("plan"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("recorded by"))

    scope_policy = RECORDER_POLICY
    audit_exclude = ("evidence_file",)

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = _("outreach activity")
        verbose_name_plural = _("outreach activities")
        indexes = [models.Index(fields=["commune", "on"]), models.Index(fields=["province", "on"])]

    def __str__(self) -> str:
        return f"{self.on:%d/%m/%Y} {self.get_kind_display()}: {self.title}"

    def save(self, *args, **kwargs):
        if self.unit_id:
            self.set_place(self.unit)
        super().save(*args, **kwargs)


class Report(PlacedModel, TimeStampedModel):
    """A periodic report of a unit for a period; its figures are frozen when it is submitted."""

    class PeriodKind(models.TextChoices):
        QUARTER = "quarter", _("Quarter")
        HALF = "half", _("Half-year")
        YEAR = "year", _("Year")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for correction")
        ACCEPTED = "accepted", _("Accepted")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey("geo.AdminUnit", models.PROTECT, related_name="+", verbose_name=_("unit"))
    period_kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("quarter or half"), default=1)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT,
                              db_index=True)
    due_on = models.DateField(_("due before"))
    # The document
    issuer_parent = models.CharField(_("first line of the header"), max_length=200, blank=True,
                                     help_text=_("The superior body, or the first line of the issuing body's name "
                                                 "(ỦY BAN NHÂN DÂN)."))
    parent_is_superior = models.BooleanField(_("first line is a superior body"), default=False,
                                             help_text=_("A superior body is written upright; the issuing body's "
                                                         "own name in bold."))
    issuer = models.CharField(_("issuing body"), max_length=200)
    symbol = models.CharField(_("number and symbol"), max_length=64, default="…/BC-UBND")
    place_name = models.CharField(_("place"), max_length=100)
    dated = models.DateField(_("dated"))
    title = models.CharField(_("summary line"), max_length=300)
    results_text = models.TextField(_("results"), blank=True)
    limitations_text = models.TextField(_("limitations"), blank=True)
    causes_text = models.TextField(_("causes"), blank=True)
    proposals_text = models.TextField(_("tasks and proposals for the next period"), blank=True)
    recipients = models.TextField(_("recipients"), blank=True)
    signing_capacity = models.CharField(_("signing on behalf of"), max_length=120, default="TM. ỦY BAN NHÂN DÂN")
    signer_title = models.CharField(_("signer's title"), max_length=120, default="CHỦ TỊCH")
    signer_name = models.CharField(_("signer's name"), max_length=150, blank=True)
    # Reporting up
    figures = models.JSONField(_("frozen figures"), null=True, blank=True)
    data_as_of = models.DateTimeField(_("data taken at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("submitted by"))
    review_comment = models.TextField(_("comment of the reviewer"), blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))

    scope_policy = REPORT_POLICY

    class Meta:
        ordering = ["-year", "period_kind", "-number", "unit__name_folded"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [models.UniqueConstraint(fields=["unit", "period_kind", "year", "number"],
                                               name="one_report_per_unit_and_period")]
        indexes = [models.Index(fields=["province", "period_kind", "year", "number"])]

    def __str__(self) -> str:
        return f"{self.unit} — {self.period.label}"

    def save(self, *args, **kwargs):
        if self.unit_id:
            self.set_place(self.unit)
        super().save(*args, **kwargs)

    @property
    def period(self):
        from binhdan.campaigns.periods import Period

        return Period(self.period_kind, self.year, self.number)

    @property
    def on_time(self) -> bool | None:
        if self.first_submitted_at is None:
            return None
        return timezone.localtime(self.first_submitted_at).date() < self.due_on

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class ReportEvent(models.Model):
    """The status history of a report: created, submitted, returned (with the comment), accepted."""

    report = models.ForeignKey(Report, models.CASCADE, related_name="events", verbose_name=_("report"))
    at = models.DateTimeField(_("time"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                           verbose_name=_("by"))
    status = models.CharField(_("status"), max_length=16, choices=Report.Status.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("report status change")
        verbose_name_plural = _("report status history")

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_status_display()}"


class Commendation(PlacedModel, TimeStampedModel):
    """A nomination for commendation, reviewed and approved at commune or province level."""

    class Subject(models.TextChoices):
        PERSON = "person", _("Person")
        TEAM = "team", _("Team")
        VILLAGE = "village", _("Village")
        HOUSEHOLD = "household", _("Household")
        ORGANISATION = "organisation", _("Organisation")

    class Category(models.TextChoices):
        ELDERLY_LEARNER = "elderly_learner", _("Elderly learner who mastered the smartphone")
        ONLINE_SELLER = "online_seller", _("Good online seller")
        HELPFUL_YOUTH = "helpful_youth", _("Young person who helped the most")
        EXEMPLARY_TEAM = "exemplary_team", _("Exemplary community digital team")
        DIGITAL_VILLAGE = "digital_village", _("Exemplary digital village")
        DIGITAL_FAMILY = "digital_family", _("Digital family")
        OTHER = "other", _("Other outstanding achievement")

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("Nominated")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not approved")

    class Level(models.TextChoices):
        COMMUNE = "commune", _("Commune")
        PROVINCE = "province", _("Province")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey("geo.AdminUnit", models.PROTECT, related_name="+", verbose_name=_("unit"))
    year = models.PositiveSmallIntegerField(_("year"))
    subject = models.CharField(_("nominee is a"), max_length=16, choices=Subject.choices)
    category = models.CharField(_("for"), max_length=24, choices=Category.choices)
    name = models.CharField(_("name"), max_length=200)
    person = models.ForeignKey("people.Person", models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("person"))
    organisation = models.ForeignKey("geo.Organisation", models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("organisation"))
    achievements = models.TextField(_("achievements"))
    evidence = models.JSONField(_("evidence from the platform"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NOMINATED,
                              db_index=True)
    level = models.CharField(_("commended at"), max_length=16, choices=Level.choices, blank=True)
    decision = models.CharField(_("decision number"), max_length=100, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=500, blank=True)
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("nominated by"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))

    scope_policy = {**RECORDER_POLICY, "approve": OFFICERS}

    class Meta:
        ordering = ["-year", "status", "name"]
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if self.unit_id:
            self.set_place(self.unit)
        super().save(*args, **kwargs)
