"""Every change to plans, tasks, activities, reports and commendations: atomic and audited."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from binhdan.campaigns import figures as figures_mod
from binhdan.campaigns import narrative
from binhdan.campaigns.models import (
    Activity,
    Commendation,
    Evidence,
    Phase,
    Plan,
    Report,
    ReportEvent,
    Task,
)
from binhdan.campaigns.periods import Period, due_day_for
from binhdan.core import audit
from binhdan.core.querysets import assignments
from binhdan.core.roles import Role
from binhdan.geo.models import AdminUnit, Level


class CampaignError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _officer_units(user) -> list[tuple[str, int, int, str]]:
    return [a for a in assignments(user) if a[0] in (Role.SYSTEM_ADMIN, Role.PROVINCE_OFFICER,
                                                       Role.COMMUNE_OFFICER)]


def may_act_for(user, unit: AdminUnit) -> bool:
    """An officer whose assignment covers the unit (the unit itself or above). `None` is the system
    itself (demo data, commands), never a request."""
    if user is None or user.is_superuser:
        return True
    return any(unit.path.startswith(path) for _r, _u, _l, path in _officer_units(user))


def may_write_report(user, unit: AdminUnit) -> bool:
    """A unit's report is written and submitted by the officers of that unit itself (the level above
    reviews it), or by a system administrator."""
    if user is None or user.is_superuser:
        return True
    return any(path == unit.path for _r, _u, _l, path in _officer_units(user))


def _check_writer(user, unit: AdminUnit) -> None:
    if not may_write_report(user, unit):
        raise CampaignError(_("Only the officers of %(unit)s write and submit its reports.") % {"unit": unit.name})


def may_review(user, unit: AdminUnit) -> bool:
    """Reports are reviewed by an officer of a unit strictly above the reporting unit."""
    if user is None or user.is_superuser:
        return True
    return any(unit.path.startswith(path) and len(path) < len(unit.path)
               for _r, _u, _l, path in _officer_units(user))


def _check_unit(user, unit: AdminUnit) -> None:
    if not may_act_for(user, unit):
        raise CampaignError(_("You have no right to act for %(unit)s.") % {"unit": unit.name})


# --- Plans and tasks ------------------------------------------------------------------------------

@transaction.atomic
def create_plan(user, unit: AdminUnit, **fields) -> Plan:
    _check_unit(user, unit)
    plan = Plan(unit=unit, created_by=user, **fields)
    return audited(user, plan)


def audited(user, instance, note: str = ""):
    return audit.audited_save(user, instance, note=note)


@transaction.atomic
def update_plan(user, plan: Plan, **fields) -> Plan:
    for key, value in fields.items():
        setattr(plan, key, value)
    return audited(user, plan)


@transaction.atomic
def add_phase(user, plan: Plan, *, name: str, starts_on, ends_on, goals: str = "", position: int | None = None):
    if ends_on < starts_on:
        raise CampaignError(_("A phase cannot end before it starts."))
    if position is None:
        position = plan.phases.count() + 1
    phase = Phase(plan=plan, name=name, starts_on=starts_on, ends_on=ends_on, goals=goals, position=position)
    phase.save()
    audit.record(user, "create", plan, after={"phase": name, "starts_on": starts_on.isoformat(),
                                              "ends_on": ends_on.isoformat()}, note=_("phase added"))
    return phase


@transaction.atomic
def add_task(user, plan: Plan, *, title: str, lead_text: str, partners_text: str = "", time_text: str = "",
             note: str = "", starts_on=None, due_on=None, lead_organisations=(), partner_organisations=(),
             position: int | None = None) -> Task:
    if position is None:
        position = plan.tasks.count() + 1
    if not starts_on and not due_on and time_text:
        starts_on, due_on = parse_time_frame(time_text)
    task = Task(plan=plan, title=title, lead_text=lead_text, partners_text=partners_text, time_text=time_text,
                note=note, starts_on=starts_on, due_on=due_on, position=position)
    task.set_place(plan.unit)
    audited(user, task)
    task.lead_organisations.set(lead_organisations)
    task.partner_organisations.set(partner_organisations)
    return task


@transaction.atomic
def update_task(user, task: Task, *, status: str | None = None, progress: int | None = None,
                result: str | None = None, due_on=None) -> Task:
    if status is not None:
        if status not in Task.Status.values:
            raise CampaignError(_("Unknown status."))
        task.status = status
    if progress is not None:
        if not 0 <= progress <= 100:
            raise CampaignError(_("Progress is a percentage from 0 to 100."))
        task.progress = progress
    if task.status == Task.Status.DONE:
        task.progress = 100
    if result is not None:
        task.result = result
    if due_on is not None:
        task.due_on = due_on
    return audited(user, task)


@transaction.atomic
def add_evidence(user, task: Task, *, file=None, url: str = "", note: str = "") -> Evidence:
    if not file and not url:
        raise CampaignError(_("Attach a file or give a link."))
    evidence = Evidence(task=task, url=url, note=note, added_by=user)
    if file:
        evidence.file = file
    evidence.save()
    audit.record(user, "create", evidence, after={"task": str(task.uuid), "file": evidence.file.name or "",
                                                  "url": url, "note": note})
    return evidence


_QUARTER_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def parse_time_frame(text: str) -> tuple[datetime.date | None, datetime.date | None]:
    """The start and due dates that a time frame as plans write it implies, where it implies any:
    "Quý I/2026", "Tháng 6/2026, Tháng 12/2026", "Tháng 10/2026", "Giai đoạn 2026-2028", "năm 2026"."""
    import calendar
    import re

    from binhdan.core.text import fold

    t = fold(text)
    quarters = re.findall(r"quy\s+(iv|iii|ii|i|[1-4])\s*[/.-]\s*(\d{4})", t)
    months = re.findall(r"thang\s+(\d{1,2})\s*[/.-]\s*(\d{4})", t)
    dates: list[tuple[datetime.date, datetime.date]] = []
    for q, y in quarters:
        n = _QUARTER_ROMAN.get(q) or int(q)
        p = Period("quarter", int(y), n)
        dates.append((p.start, p.end))
    for m, y in months:
        m, y = int(m), int(y)
        if 1 <= m <= 12:
            dates.append((datetime.date(y, m, 1), datetime.date(y, m, calendar.monthrange(y, m)[1])))
    if not dates:
        span = re.search(r"(\d{4})\s*-\s*(\d{4})", t)
        if span:
            a, b = int(span.group(1)), int(span.group(2))
            if "nam hoc" in t:
                return datetime.date(a, 9, 1), datetime.date(b, 5, 31)
            return datetime.date(a, 1, 1), datetime.date(b, 12, 31)
        year = re.search(r"nam\s+(\d{4})", t)
        if year:
            y = int(year.group(1))
            return datetime.date(y, 1, 1), datetime.date(y, 12, 31)
        return None, None
    start = min(d[0] for d in dates)
    end = max(d[1] for d in dates)
    if t.startswith("tu "):
        return start, None
    return start, end


# --- Outreach activities ---------------------------------------------------------------------------

@transaction.atomic
def record_activity(user, *, unit: AdminUnit, kind: str, on: datetime.date, title: str, quantity: int = 1,
                    people_reached: int = 0, organiser=None, evidence_url: str = "", evidence_file=None,
                    plan: Plan | None = None) -> Activity:
    if unit.level not in (Level.PROVINCE, Level.COMMUNE, Level.VILLAGE):
        raise CampaignError(_("An activity takes place in a province, a commune or a village."))
    if on > timezone.localdate():
        raise CampaignError(_("An activity cannot be recorded before it takes place."))
    if organiser is not None and not unit.path.startswith(organiser.unit.path) and not \
            organiser.unit.path.startswith(unit.path):
        raise CampaignError(_("The organiser does not belong to this place."))
    activity = Activity(unit=unit, kind=kind, on=on, title=title, quantity=quantity, people_reached=people_reached,
                        organiser=organiser, evidence_url=evidence_url, plan=plan, created_by=user)
    if evidence_file:
        activity.evidence_file = evidence_file
    return audited(user, activity)


# --- Reports ------------------------------------------------------------------------------------------

def _issuer_for(unit: AdminUnit) -> tuple[str, str, str]:
    """(superior body, issuing body, place name) for the document header."""
    name = unit.name
    if unit.level == Level.COMMUNE:
        place = name.split(" ", 1)[1] if name.startswith(("Xã ", "Phường ")) else name
        if name.startswith("Đặc khu "):
            place = name[len("Đặc khu "):]
        return "ỦY BAN NHÂN DÂN", name.upper(), place
    if unit.level == Level.PROVINCE:
        place = name.split(" ", 1)[1] if name.startswith("Tỉnh ") else name
        if name.startswith("Thành phố "):
            place = name[len("Thành phố "):]
        return "ỦY BAN NHÂN DÂN", name.upper(), place
    return "", name.upper(), name


def default_recipients(unit: AdminUnit) -> str:
    parent = unit.parent
    lines = []
    if parent is not None and parent.level >= Level.PROVINCE:
        lines.append(f"UBND {parent.name} (b/c)")
    if unit.level == Level.COMMUNE:
        lines += ["Thường trực Đảng ủy, HĐND xã", "Chủ tịch, các Phó Chủ tịch UBND xã",
                  "Ủy ban MTTQ Việt Nam và các tổ chức chính trị - xã hội xã"]
    elif unit.level == Level.PROVINCE:
        lines += ["Thường trực Tỉnh ủy, HĐND tỉnh (b/c)", "Chủ tịch, các Phó Chủ tịch UBND tỉnh",
                  "Các sở, ban, ngành, MTTQ và các tổ chức chính trị - xã hội tỉnh", "UBND các xã, phường"]
    return "\n".join(lines)


def live_figures(report: Report, today: datetime.date | None = None) -> dict:
    if report.unit.level == Level.PROVINCE:
        return figures_mod.compile_province(report.unit, report.period, today=today)
    return figures_mod.gather(report.unit, report.period, today=today)


def report_figures(report: Report, today: datetime.date | None = None) -> dict:
    """Frozen figures once submitted; live figures while the report is a draft or returned."""
    if report.figures is not None and report.status in (Report.Status.SUBMITTED, Report.Status.ACCEPTED):
        return report.figures
    return live_figures(report, today)


@transaction.atomic
def create_report(user, unit: AdminUnit, period: Period, *, today: datetime.date | None = None) -> Report:
    today = today or timezone.localdate()
    _check_writer(user, unit)
    if unit.level not in (Level.PROVINCE, Level.COMMUNE):
        raise CampaignError(_("Periodic reports are written by communes and provinces."))
    if period.is_future(today):
        raise CampaignError(_("The period %(period)s has not started yet.") % {"period": period.short})
    if Report.objects.filter(unit=unit, period_kind=period.kind, year=period.year, number=period.number).exists():
        raise CampaignError(_("%(unit)s already has a report for %(period)s; open it instead.")
                            % {"unit": unit.name, "period": period.short})
    parent, issuer, place = _issuer_for(unit)
    report = Report(unit=unit, period_kind=period.kind, year=period.year, number=period.number,
                    due_on=period.due_on(due_day_for(unit)), issuer_parent=parent, issuer=issuer, place_name=place,
                    dated=today, title=f"Kết quả thực hiện phong trào “Bình dân học vụ số” {period.label}",
                    recipients=default_recipients(unit), created_by=user)
    report.set_place(unit)
    figures = live_figures(report, today)
    for key, value in narrative.prefill(figures, unit.name).items():
        setattr(report, key, value)
    try:
        with transaction.atomic():
            audited(user, report)
    except IntegrityError as exc:
        raise CampaignError(_("%(unit)s already has a report for %(period)s; open it instead.")
                            % {"unit": unit.name, "period": period.short}) from exc
    ReportEvent.objects.create(report=report, by=user, status=Report.Status.DRAFT)
    return report


EDITABLE_FIELDS = ("symbol", "place_name", "dated", "title", "results_text", "limitations_text", "causes_text",
                   "proposals_text", "recipients", "signing_capacity", "signer_title", "signer_name",
                   "issuer_parent", "issuer")


@transaction.atomic
def update_report(user, report: Report, **fields) -> Report:
    report = Report.objects.select_for_update().select_related("unit").get(pk=report.pk)
    _check_writer(user, report.unit)
    if not report.is_editable:
        raise CampaignError(_("A submitted report cannot be changed unless it is returned for correction."))
    for key, value in fields.items():
        if key not in EDITABLE_FIELDS:
            raise CampaignError(_("This field cannot be changed."))
        setattr(report, key, value)
    return audited(user, report)


@transaction.atomic
def refill_narrative(user, report: Report, today: datetime.date | None = None) -> Report:
    return update_report(user, report, **narrative.prefill(live_figures(report, today), report.unit.name))


@transaction.atomic
def submit_report(user, report: Report, *, now: datetime.datetime | None = None) -> Report:
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    report = Report.objects.select_for_update().select_related("unit").get(pk=report.pk)
    _check_writer(user, report.unit)
    if report.period.is_future(today):
        raise CampaignError(_("The period %(period)s has not started yet.") % {"period": report.period.short})
    if report.status in (Report.Status.SUBMITTED, Report.Status.ACCEPTED):
        raise CampaignError(_("This report has already been submitted for %(period)s.")
                            % {"period": report.period.short})
    report.figures = live_figures(report, today)
    report.figures["as_of"] = now.isoformat()
    report.data_as_of = now
    report.submitted_at = now
    report.submitted_by = user
    if report.first_submitted_at is None:
        report.first_submitted_at = now
    report.status = Report.Status.SUBMITTED
    audited(user, report, note=_("submitted"))
    ReportEvent.objects.create(report=report, by=user, status=Report.Status.SUBMITTED)
    return report


@transaction.atomic
def return_report(user, report: Report, comment: str) -> Report:
    report = Report.objects.select_for_update().select_related("unit").get(pk=report.pk)
    if not may_review(user, report.unit):
        raise CampaignError(_("Only the level above may return or accept this report."))
    if report.status != Report.Status.SUBMITTED:
        raise CampaignError(_("Only a submitted report can be returned."))
    if not comment.strip():
        raise CampaignError(_("Say what needs correcting."))
    report.status = Report.Status.RETURNED
    report.review_comment = comment.strip()
    audited(user, report, note=_("returned for correction"))
    ReportEvent.objects.create(report=report, by=user, status=Report.Status.RETURNED, comment=comment.strip())
    return report


@transaction.atomic
def accept_report(user, report: Report, comment: str = "") -> Report:
    report = Report.objects.select_for_update().select_related("unit").get(pk=report.pk)
    if not may_review(user, report.unit):
        raise CampaignError(_("Only the level above may return or accept this report."))
    if report.status != Report.Status.SUBMITTED:
        raise CampaignError(_("Only a submitted report can be accepted."))
    report.status = Report.Status.ACCEPTED
    report.accepted_at = timezone.now()
    audited(user, report, note=_("accepted"))
    ReportEvent.objects.create(report=report, by=user, status=Report.Status.ACCEPTED, comment=comment.strip())
    return report


def reminders(user, today: datetime.date | None = None) -> list[dict]:
    """What each of the user's units has to report now: period, due date, and the report if started."""
    from binhdan.campaigns.periods import periods_due

    today = today or timezone.localdate()
    unit_ids = {u for role, u, level, _p in _officer_units(user) if level in (Level.PROVINCE, Level.COMMUNE)}
    units = list(AdminUnit.objects.filter(pk__in=unit_ids).order_by("level", "name_folded"))
    if not units:
        return []
    periods = periods_due(today)
    existing = {(r.unit_id, r.period_kind, r.year, r.number): r for r in Report.objects.filter(
        unit__in=units, year__in={p.year for p in periods}).only(
        "uuid", "unit_id", "period_kind", "year", "number", "status", "due_on", "review_comment")}
    rows = []
    for unit in units:
        due_day = due_day_for(unit)
        for period in periods:
            report = existing.get((unit.pk, period.kind, period.year, period.number))
            if report and report.status in (Report.Status.SUBMITTED, Report.Status.ACCEPTED):
                continue
            due = report.due_on if report else period.due_on(due_day)
            rows.append({"unit": unit, "period": period, "due_on": due, "report": report,
                         "overdue": due <= today, "days_left": (due - today).days})
    rows.sort(key=lambda r: r["due_on"])
    return rows


# --- Commendations ---------------------------------------------------------------------------------

def platform_evidence(person) -> list[dict]:
    """What the platform knows that supports a nomination: certificates issued to the person."""
    if person is None:
        return []
    from binhdan.learning.models import Certificate

    return [{"kind": "certificate", "text": f"{c.level.title} — {c.issued_on:%d/%m/%Y}", "code": c.code}
            for c in Certificate.objects.filter(person=person, revoked_at__isnull=True).select_related("level")]


@transaction.atomic
def nominate(user, *, unit: AdminUnit, subject: str, category: str, name: str, achievements: str,
             year: int | None = None, person=None, organisation=None) -> Commendation:
    if unit.level not in (Level.PROVINCE, Level.COMMUNE, Level.VILLAGE):
        raise CampaignError(_("Choose the commune or village of the nominee."))
    if person is not None and person.commune_id != unit.commune_id and person.village_id != unit.pk \
            and unit.level != Level.PROVINCE:
        raise CampaignError(_("The person does not live in this place."))
    evidence = platform_evidence(person)
    c = Commendation(unit=unit, subject=subject, category=category, name=name or getattr(person, "full_name", ""),
                     achievements=achievements, year=year or timezone.localdate().year, person=person,
                     organisation=organisation, evidence=evidence, nominated_by=user)
    return audited(user, c)


@transaction.atomic
def decide_commendation(user, commendation: Commendation, *, approve: bool, decision: str = "",
                        note: str = "", on: datetime.date | None = None) -> Commendation:
    c = Commendation.objects.select_for_update().get(pk=commendation.pk)
    if c.status != Commendation.Status.NOMINATED:
        raise CampaignError(_("This nomination has already been decided."))
    if user is None:  # the system (demo data): the commune decides
        levels = [Level.COMMUNE]
    elif user.is_superuser:
        levels = [Level.PROVINCE]
    else:
        levels = [level for _role, _u, level, path in _officer_units(user) if c.unit.path.startswith(path)]
    if not levels:
        raise CampaignError(_("You have no right to decide on this nomination."))
    c.level = Commendation.Level.PROVINCE if min(levels) <= Level.PROVINCE else Commendation.Level.COMMUNE
    c.status = Commendation.Status.APPROVED if approve else Commendation.Status.REJECTED
    c.decision = decision
    c.review_note = note
    c.decided_on = on or timezone.localdate()
    c.decided_by = user
    return audited(user, c)
