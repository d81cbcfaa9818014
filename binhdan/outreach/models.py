"""Community digital teams in the field: teams and members, champions, coaching sessions
with in-person skill checks, household visits, community classes and clubs, device gifts,
and the conflicts kept when an offline edit meets a newer change on the server.

Every record a phone can create carries a `uuid` made on the phone, so a record sent twice
is stored once. Every record belongs to a place (province, commune, village) filled by
services from the person, household or team it concerns.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from binhdan.core.models import PlacedModel, TimeStampedModel
from binhdan.core.roles import OFFICER_ROLES, STAFF_ROLES, Role
from binhdan.outreach.querysets import FieldQuerySet, MemberQuerySet, TeamQuerySet


def new_member_code() -> str:
    """A member's own code (unguessable), for a learner to find them without a name."""
    return "".join(secrets.choice("23456789ABCDEFGHJKMNPQRSTVWXYZ") for _ in range(10))


# Team members record in their villages; officers see their subtree.
FIELD_POLICY = {"view": STAFF_ROLES, "change": STAFF_ROLES}
# Teams are set up by officers and the organisations that run them; a team's own leader may
# also assign its members (checked by the services).
TEAM_POLICY = {"view": STAFF_ROLES, "change": OFFICER_ROLES | {Role.ORGANISATION_OFFICER}}
# The commune's view of the teams' work (plausibility, weekly activity, exports).
REPORT_ROLES = OFFICER_ROLES | {Role.ORGANISATION_OFFICER}


class Team(PlacedModel, TimeStampedModel):
    """A community digital team (Tổ công nghệ số cộng đồng) or a youth squad, placed at its commune."""

    class Kind(models.TextChoices):
        COMMUNITY = "community", _("community digital team")
        YOUTH = "youth", _("youth volunteer squad")

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        PAUSED = "paused", _("paused")
        CLOSED = "closed", _("closed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.COMMUNITY)
    villages = models.ManyToManyField("geo.AdminUnit", related_name="outreach_teams", verbose_name=_("villages covered"))
    founded_on = models.DateField(_("founded on"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    organisation = models.ForeignKey("geo.Organisation", models.SET_NULL, null=True, blank=True, related_name="+",
                                     verbose_name=_("run by"))
    reports_to = models.ForeignKey("geo.Organisation", models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("reports to"))
    note = models.CharField(_("note"), max_length=255, blank=True)

    objects = TeamQuerySet.as_manager()
    scope_policy = TEAM_POLICY

    class Meta:
        ordering = ["commune_id", "name"]
        verbose_name = _("community digital team")
        verbose_name_plural = _("community digital teams")
        constraints = [models.UniqueConstraint(fields=["commune", "name"], name="unique_team_name_per_commune")]

    def __str__(self) -> str:
        return self.name


class TeamMember(PlacedModel, TimeStampedModel):
    """A member of a team: a person of the register and, when they sign in, a user."""

    class Role(models.TextChoices):
        LEADER = "leader", _("team leader")
        MEMBER = "member", _("member")
        TUTOR = "tutor", _("technology tutor")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey(Team, models.CASCADE, related_name="members", verbose_name=_("team"))
    person = models.ForeignKey("people.Person", models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("person"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                             related_name="outreach_memberships", verbose_name=_("user account"))
    full_name = models.CharField(_("full name"), max_length=150)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    villages = models.ManyToManyField("geo.AdminUnit", blank=True, related_name="+",
                                      verbose_name=_("assigned villages"))
    households = models.ManyToManyField("people.Household", blank=True, related_name="+",
                                        verbose_name=_("assigned households"))
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    # Shown to learners as a QR code / short code to confirm a session with this member.
    confirm_code = models.CharField(max_length=16, unique=True, editable=False, default=new_member_code)

    objects = MemberQuerySet.as_manager()
    scope_policy = TEAM_POLICY
    audit_exclude = ("confirm_code",)

    class Meta:
        ordering = ["team", "role", "full_name"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")

    def __str__(self) -> str:
        return self.full_name


class Champion(PlacedModel, TimeStampedModel):
    """A member recognised as a village digital champion (Người bản số)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.ForeignKey(TeamMember, models.CASCADE, related_name="recognitions", verbose_name=_("member"))
    recognised_on = models.DateField(_("recognised on"))
    recognised_by = models.ForeignKey("geo.Organisation", models.SET_NULL, null=True, blank=True, related_name="+",
                                      verbose_name=_("recognised by"))
    recognised_by_name = models.CharField(_("recognising unit"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    objects = FieldQuerySet.as_manager()
    scope_policy = TEAM_POLICY

    class Meta:
        ordering = ["-recognised_on"]
        verbose_name = _("village digital champion")
        verbose_name_plural = _("village digital champions")

    def __str__(self) -> str:
        return str(self.member)


class Mode(models.TextChoices):
    HOME = "home", _("one-to-one at home")
    CLASS = "class", _("community class")
    CLUB = "club", _("club")
    MARKET = "market", _("market")
    OFFICE = "office", _("office")


class CoachingSession(PlacedModel, TimeStampedModel):
    """One coaching session with one person (Ghi nhận hỗ trợ), placed at the person's village."""

    class Confirmation(models.TextChoices):
        QR = "qr", _("scanned the member's QR code")
        CODE = "code", _("typed the short code")

    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey("people.Person", models.PROTECT, related_name="coaching_sessions",
                               verbose_name=_("person"))
    household = models.ForeignKey("people.Household", models.SET_NULL, null=True, blank=True, related_name="+",
                                  verbose_name=_("household"))
    member = models.ForeignKey(TeamMember, models.SET_NULL, null=True, blank=True, related_name="sessions",
                               verbose_name=_("team member"))
    team = models.ForeignKey(Team, models.SET_NULL, null=True, blank=True, related_name="sessions",
                             verbose_name=_("team"))
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+",
                              verbose_name=_("recorded by"))
    mode = models.CharField(_("where"), max_length=16, choices=Mode.choices, default=Mode.HOME)
    date = models.DateField(_("date"), db_index=True)
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    community_class = models.ForeignKey("CommunityClass", models.SET_NULL, null=True, blank=True, related_name="+",
                                        verbose_name=_("class"))
    confirm_code = models.CharField(_("confirmation code"), max_length=12, unique=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_via = models.CharField(_("confirmed by"), max_length=8, choices=Confirmation.choices, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = FieldQuerySet.as_manager()
    scope_policy = FIELD_POLICY
    audit_exclude = ("confirm_code",)

    class Meta:
        ordering = ["-date", "-start_time", "-id"]
        verbose_name = _("coaching session")
        verbose_name_plural = _("coaching sessions")
        indexes = [
            models.Index(fields=["commune", "date"]),
            models.Index(fields=["member", "date"]),
            models.Index(fields=["person", "date"]),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.person_id}"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


class SessionSkill(models.Model):
    """A skill covered in a session; `observed` when the person did it alone in front of the member."""

    session = models.ForeignKey(CoachingSession, models.CASCADE, related_name="skills", verbose_name=_("session"))
    skill = models.ForeignKey("learning.Skill", models.PROTECT, related_name="+", verbose_name=_("skill"))
    observed = models.BooleanField(_("did it on their own"), default=False)
    achievement = models.ForeignKey("learning.Achievement", models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("achievement"))

    class Meta:
        verbose_name = _("skill covered")
        verbose_name_plural = _("skills covered")
        constraints = [models.UniqueConstraint(fields=["session", "skill"], name="unique_session_skill")]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.skill_id}"


class VisitStatus(models.TextChoices):
    NOT_VISITED = "not_visited", _("not yet visited")
    VISITED = "visited", _("visited")
    NOBODY_HOME = "nobody_home", _("nobody home")
    DECLINED = "declined", _("declined")
    FOLLOW_UP = "follow_up", _("needs a follow-up")


class HouseholdStatus(PlacedModel):
    """The current visit status of a household (one row per household once visited)."""

    household = models.OneToOneField("people.Household", models.CASCADE, related_name="outreach_status",
                                     verbose_name=_("household"))
    status = models.CharField(_("status"), max_length=16, choices=VisitStatus.choices,
                              default=VisitStatus.NOT_VISITED)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    last_visit_on = models.DateField(_("last visit"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("updated by"))
    version = models.PositiveIntegerField(_("version"), default=0)

    objects = FieldQuerySet.as_manager()
    scope_policy = FIELD_POLICY

    class Meta:
        verbose_name = _("household visit status")
        verbose_name_plural = _("household visit statuses")
        indexes = [models.Index(fields=["village", "status"]), models.Index(fields=["village", "follow_up_on"])]

    def __str__(self) -> str:
        return f"{self.household_id}: {self.status}"


class HouseholdVisit(PlacedModel, TimeStampedModel):
    """One knock on a door. The household's status follows the newest visit; a visit made on an
    older version of the status is kept, flagged as a conflict, and shown to its author."""

    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    household = models.ForeignKey("people.Household", models.CASCADE, related_name="outreach_visits",
                                  verbose_name=_("household"))
    member = models.ForeignKey(TeamMember, models.SET_NULL, null=True, blank=True, related_name="visits",
                               verbose_name=_("team member"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+",
                           verbose_name=_("recorded by"))
    date = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=16, choices=VisitStatus.choices)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    base_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    conflict = models.BooleanField(_("conflicts with a newer change"), default=False)

    objects = FieldQuerySet.as_manager()
    scope_policy = FIELD_POLICY

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("household visit")
        verbose_name_plural = _("household visits")
        indexes = [models.Index(fields=["village", "date"]), models.Index(fields=["household", "date"])]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.household_id} {self.status}"


class CommunityClass(PlacedModel, TimeStampedModel):
    """A community class or club (Lớp học số cộng đồng, "Cầm tay chỉ app", "Lão nông công nghệ")."""

    class Kind(models.TextChoices):
        CLASS = "class", _("community class")
        CLUB = "club", _("club")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.CLASS)
    team = models.ForeignKey(Team, models.SET_NULL, null=True, blank=True, related_name="classes",
                             verbose_name=_("team"))
    venue = models.CharField(_("venue"), max_length=200)
    organiser = models.ForeignKey("geo.Organisation", models.SET_NULL, null=True, blank=True, related_name="+",
                                  verbose_name=_("organiser"))
    tutors = models.ManyToManyField(TeamMember, blank=True, related_name="classes", verbose_name=_("tutors"))
    schedule = models.CharField(_("schedule"), max_length=200, blank=True)
    skills = models.ManyToManyField("learning.Skill", blank=True, related_name="+", verbose_name=_("skills covered"))
    learners = models.ManyToManyField("people.Person", blank=True, related_name="outreach_classes",
                                      verbose_name=_("enrolled learners"))
    active = models.BooleanField(_("active"), default=True)

    objects = FieldQuerySet.as_manager()
    scope_policy = FIELD_POLICY

    class Meta:
        ordering = ["name"]
        verbose_name = _("community class or club")
        verbose_name_plural = _("community classes and clubs")

    def __str__(self) -> str:
        return self.name


class ClassMeeting(PlacedModel, TimeStampedModel):
    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    community_class = models.ForeignKey(CommunityClass, models.CASCADE, related_name="meetings",
                                        verbose_name=_("class"))
    date = models.DateField(_("date"))
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+",
                                    verbose_name=_("recorded by"))

    objects = FieldQuerySet.as_manager()
    scope_policy = FIELD_POLICY

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("class meeting")
        verbose_name_plural = _("class meetings")

    def __str__(self) -> str:
        return f"{self.community_class_id} {self.date:%d/%m/%Y}"


class Attendance(models.Model):
    meeting = models.ForeignKey(ClassMeeting, models.CASCADE, related_name="attendance", verbose_name=_("meeting"))
    person = models.ForeignKey("people.Person", models.CASCADE, related_name="+", verbose_name=_("learner"))
    observed = models.ManyToManyField("learning.Skill", blank=True, related_name="+",
                                      verbose_name=_("skills done on their own"))

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="unique_attendance")]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.person_id}"


class DeviceGift(PlacedModel, TimeStampedModel):
    """A donated or refurbished phone given to a household (device reuse drive)."""

    class Condition(models.TextChoices):
        NEW = "new", _("new")
        REFURBISHED = "refurbished", _("refurbished")
        USED = "used", _("used, working")

    uuid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    household = models.ForeignKey("people.Household", models.PROTECT, related_name="+", verbose_name=_("household"))
    recipient = models.ForeignKey("people.Person", models.SET_NULL, null=True, blank=True, related_name="+",
                                  verbose_name=_("received by"))
    donor = models.CharField(_("given by"), max_length=200)
    device = models.CharField(_("device"), max_length=120)
    condition = models.CharField(_("condition"), max_length=16, choices=Condition.choices)
    given_on = models.DateField(_("given on"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+",
                                    verbose_name=_("recorded by"))

    objects = FieldQuerySet.as_manager()
    scope_policy = FIELD_POLICY

    class Meta:
        ordering = ["-given_on", "-id"]
        verbose_name = _("device given")
        verbose_name_plural = _("devices given")

    def __str__(self) -> str:
        return self.device


class SyncConflict(PlacedModel, TimeStampedModel):
    """An offline change that met a newer change on the server: kept, and shown to its author."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("user"))
    kind = models.CharField(_("record type"), max_length=16)
    record = models.UUIDField(_("record"))
    sent = models.JSONField(_("what was sent"))
    server = models.JSONField(_("what the server had"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    objects = FieldQuerySet.as_manager()
    scope_policy = FIELD_POLICY

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("sync conflict")
        verbose_name_plural = _("sync conflicts")

    def __str__(self) -> str:
        return f"{self.kind} {self.record}"
