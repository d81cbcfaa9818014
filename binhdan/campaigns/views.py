"""Console pages: plans and tasks, outreach activities, periodic reports, commendations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binhdan.campaigns import documents, figures, services
from binhdan.campaigns.forms import (
    ActivityForm,
    CommendationForm,
    DecideForm,
    EvidenceForm,
    ImportForm,
    PhaseForm,
    PlanForm,
    ReportForm,
    ReviewForm,
    TaskForm,
    TaskUpdateForm,
)
from binhdan.campaigns.importer import import_tasks
from binhdan.campaigns.models import OFFICERS, Activity, Commendation, Evidence, Plan, Report, Task
from binhdan.campaigns.pdf import merit_pdf
from binhdan.campaigns.periods import Period, current_quarter
from binhdan.campaigns.services import CampaignError
from binhdan.core.querysets import assignments
from binhdan.core.scoping import get_for_read, get_for_write
from binhdan.geo.models import AdminUnit, Level

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period_from(request, default: Period) -> Period:
    try:
        return Period.from_slug(request.GET.get("ky", "")) if request.GET.get("ky") else default
    except ValueError:
        return default


def _staff_required(view):
    def wrapper(request, *args, **kwargs):
        from binhdan.core.roles import STAFF_ROLES

        if not request.user.is_superuser and not any(r in STAFF_ROLES for r, *_ in assignments(request.user)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return login_required(wrapper)


def _officer_units(user, levels=(Level.PROVINCE, Level.COMMUNE)):
    ids = {u for role, u, level, _p in assignments(user) if role in OFFICERS and level in levels}
    if user.is_superuser and not ids:
        return list(AdminUnit.objects.filter(level=Level.PROVINCE).order_by("name_folded")[:50])
    return list(AdminUnit.objects.filter(pk__in=ids).order_by("level", "name_folded"))


# --- Dashboard -------------------------------------------------------------------------------------

@_staff_required
def index(request):
    today = timezone.localdate()
    period = _period_from(request, current_quarter(today))
    acts = Activity.objects.for_user(request.user, "view").filter(on__gte=period.start, on__lte=period.end)
    by_kind = list(acts.values("kind").annotate(n=Count("id"), quantity=Sum("quantity"),
                                                reached=Sum("people_reached")).order_by("kind"))
    labels = dict(Activity.Kind.choices)
    for row in by_kind:
        row["label"] = labels[row["kind"]]
    tasks = Task.objects.for_user(request.user, "view")
    return render(request, "campaigns/index.html", {
        "period": period, "previous": period.previous(), "next": period.next(),
        "reminders": services.reminders(request.user, today),
        "by_kind": by_kind,
        "total": {"n": sum(r["n"] for r in by_kind), "quantity": sum(r["quantity"] or 0 for r in by_kind),
                  "reached": sum(r["reached"] or 0 for r in by_kind)},
        "overdue": tasks.overdue(today).count(),
        "open_tasks": tasks.exclude(status__in=[Task.Status.DONE, Task.Status.CANCELLED]).count(),
        "provinces": [u for u in _officer_units(request.user, levels=(Level.PROVINCE,))],
    })


# --- Plans -------------------------------------------------------------------------------------------

@_staff_required
def plan_list(request):
    qs = Plan.objects.for_user(request.user, "view").select_related("unit").annotate(
        n_tasks=Count("tasks", distinct=True),
        n_overdue=Count("tasks", distinct=True, filter=Q(tasks__due_on__lt=timezone.localdate()) & ~Q(
            tasks__status__in=[Task.Status.DONE, Task.Status.CANCELLED]))).order_by("-issued_on", "-id")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    can_create = services._officer_units(request.user) or request.user.is_superuser
    return render(request, "campaigns/plan_list.html", {"page": page, "can_create": bool(can_create)})


@login_required
def plan_create(request):
    form = PlanForm(request.POST or None, user=request.user)
    if not form.fields["unit"].queryset.exists():
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "unit"}
        try:
            plan = services.create_plan(request.user, form.cleaned_data["unit"], **data)
        except CampaignError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Plan created. Add its phases and tasks, or import the task table."))
            return redirect("campaigns:plan", uuid=plan.uuid)
    return render(request, "campaigns/plan_form.html", {"form": form})


@login_required
def plan_edit(request, uuid):
    plan = get_for_write(Plan.objects.select_related("unit"), request.user, uuid=uuid)
    form = PlanForm(request.POST or None, instance=plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.update_plan(request.user, plan, **{k: v for k, v in form.cleaned_data.items()})
        messages.success(request, _("Saved."))
        return redirect("campaigns:plan", uuid=plan.uuid)
    return render(request, "campaigns/plan_form.html", {"form": form, "plan": plan})


@_staff_required
def plan_detail(request, uuid):
    plan = get_for_read(Plan.objects.select_related("unit"), request.user, uuid=uuid)
    tasks = list(plan.tasks.prefetch_related("lead_organisations").annotate(n_evidence=Count("evidence")))
    can_change = Plan.objects.for_user(request.user, "change").filter(pk=plan.pk).exists()
    return render(request, "campaigns/plan_detail.html", {
        "plan": plan, "phases": list(plan.phases.all()), "tasks": tasks, "can_change": can_change,
        "phase_form": PhaseForm(), "task_form": TaskForm(plan=plan) if can_change else None,
        "import_form": ImportForm(), "today": timezone.localdate()})


@require_POST
@login_required
def phase_add(request, uuid):
    plan = get_for_write(Plan.objects.select_related("unit"), request.user, uuid=uuid)
    form = PhaseForm(request.POST)
    if form.is_valid():
        services.add_phase(request.user, plan, **form.cleaned_data)
        messages.success(request, _("Phase added."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("campaigns:plan", uuid=plan.uuid)


@require_POST
@login_required
def task_add(request, uuid):
    plan = get_for_write(Plan.objects.select_related("unit"), request.user, uuid=uuid)
    form = TaskForm(request.POST, plan=plan)
    if form.is_valid():
        data = form.cleaned_data
        leads = list(data["lead_organisations"])
        services.add_task(request.user, plan, title=data["title"], lead_text="; ".join(o.name for o in leads),
                          lead_organisations=leads, partners_text=data["partners_text"], time_text=data["time_text"],
                          due_on=data["due_on"], note=data["note"])
        messages.success(request, _("Task added."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("campaigns:plan", uuid=plan.uuid)


@login_required
def plan_import(request, uuid):
    plan = get_for_write(Plan.objects.select_related("unit"), request.user, uuid=uuid)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = import_tasks(request.user, plan, upload.read(), upload.name)
        if result.ok:
            messages.success(request, _("%(count)d tasks imported.") % {"count": result.created})
            return redirect("campaigns:plan", uuid=plan.uuid)
    return render(request, "campaigns/plan_import.html", {"plan": plan, "form": form, "result": result},
                  status=400 if result is not None and not result.ok else 200)


# --- Tasks -------------------------------------------------------------------------------------------

@_staff_required
def my_tasks(request):
    """Each lead unit sees its own tasks across plans; overdue tasks first."""
    today = timezone.localdate()
    qs = Task.objects.for_user(request.user, "view").select_related("plan").prefetch_related("lead_organisations")
    from binhdan.accounts.models import RoleAssignment

    orgs = list(RoleAssignment.objects.filter(user=request.user, active=True, organisation__isnull=False)
                .values_list("organisation_id", flat=True))
    mine = request.GET.get("cua-toi") == "1" or (orgs and "cua-toi" not in request.GET)
    if mine and orgs:
        qs = qs.filter(pk__in=Task.objects.filter(lead_organisations__in=orgs).values("pk"))
    state = request.GET.get("trang-thai", "")
    if state == "qua-han":
        qs = qs.overdue(today)
    elif state in Task.Status.values:
        qs = qs.filter(status=state)
    qs = qs.order_by("due_on", "plan_id", "position")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "campaigns/task_list.html", {"page": page, "today": today, "state": state,
                                                        "has_org": bool(orgs), "mine": bool(mine and orgs),
                                                        "statuses": Task.Status.choices})


@_staff_required
def task_detail(request, uuid):
    task = get_for_read(Task.objects.select_related("plan", "plan__unit"), request.user, uuid=uuid)
    can_change = Task.objects.for_user(request.user, "change").filter(pk=task.pk).exists()
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if request.POST.get("action") == "evidence":
            form = EvidenceForm(request.POST, request.FILES)
            if form.is_valid():
                services.add_evidence(request.user, task, file=form.cleaned_data["file"],
                                      url=form.cleaned_data["url"], note=form.cleaned_data["note"])
                messages.success(request, _("Evidence added."))
            else:
                messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        else:
            form = TaskUpdateForm(request.POST)
            if form.is_valid():
                services.update_task(request.user, task, **form.cleaned_data)
                messages.success(request, _("Saved."))
            else:
                messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("campaigns:task", uuid=task.uuid)
    return render(request, "campaigns/task_detail.html", {
        "task": task, "leads": list(task.lead_organisations.all()), "evidence": list(task.evidence.all()),
        "can_change": can_change,
        "form": TaskUpdateForm(initial={"status": task.status, "progress": task.progress, "result": task.result}),
        "evidence_form": EvidenceForm()})


@_staff_required
def evidence_file(request, uuid):
    evidence = Evidence.objects.select_related("task").filter(uuid=uuid).first()
    if evidence is None or not evidence.file or not Task.objects.for_user(request.user, "view").filter(
            pk=evidence.task_id).exists():
        raise Http404
    from django.http import FileResponse

    return FileResponse(evidence.file.open("rb"), as_attachment=True,
                        filename=evidence.file.name.rsplit("/", 1)[-1])


# --- Activities --------------------------------------------------------------------------------------

@_staff_required
def activity_list(request):
    today = timezone.localdate()
    period = _period_from(request, current_quarter(today))
    qs = Activity.objects.for_user(request.user, "view").filter(on__gte=period.start, on__lte=period.end)
    kind = request.GET.get("loai", "")
    if kind in Activity.Kind.values:
        qs = qs.filter(kind=kind)
    by_unit = list(qs.values("commune__name").annotate(n=Count("id"), quantity=Sum("quantity"),
                                                       reached=Sum("people_reached")).order_by("commune__name"))
    page = Paginator(qs.select_related("unit", "organiser"), 50).get_page(request.GET.get("page"))
    from binhdan.campaigns.models import RECORDERS

    can_create = request.user.is_superuser or any(r in RECORDERS for r, *_ in assignments(request.user))
    return render(request, "campaigns/activity_list.html", {
        "page": page, "period": period, "previous": period.previous(), "next": period.next(), "kind": kind,
        "kinds": Activity.Kind.choices, "by_unit": by_unit, "can_create": can_create})


@login_required
def activity_create(request):
    form = ActivityForm(request.POST or None, request.FILES or None, user=request.user)
    if not form.fields["unit"].queryset.exists():
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        try:
            services.record_activity(request.user, **form.cleaned_data)
        except CampaignError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Activity recorded."))
            return redirect("campaigns:activities")
    return render(request, "campaigns/activity_form.html", {"form": form})


# --- Reports -----------------------------------------------------------------------------------------

@login_required
def report_list(request):
    units = _officer_units(request.user)
    if not units and not request.user.is_superuser:
        raise PermissionDenied
    qs = Report.objects.for_user(request.user, "view").select_related("unit")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    writable = [u for u in units if services.may_write_report(request.user, u)]
    return render(request, "campaigns/report_list.html", {
        "page": page, "reminders": services.reminders(request.user, today),
        "provinces": [u for u in units if u.level == Level.PROVINCE], "period": current_quarter(today),
        "writable": writable, "periods": _recent_periods(today)})


def _recent_periods(today) -> list[Period]:
    """Periods a report can be written for now: this year's and last year's that have started."""
    found = []
    for year in (today.year, today.year - 1):
        for number in (4, 3, 2, 1):
            found.append(Period("quarter", year, number))
        found += [Period("half", year, 2), Period("half", year, 1), Period("year", year)]
    return [p for p in found if not p.is_future(today)]


@require_POST
@login_required
def report_create(request):
    unit = AdminUnit.objects.filter(code=request.POST.get("unit", "")).first()
    if unit is None or not services.may_write_report(request.user, unit):
        raise PermissionDenied
    try:
        period = Period.from_slug(request.POST.get("period", ""))
        report = services.create_report(request.user, unit, period)
    except ValueError as exc:
        raise Http404 from exc
    except CampaignError as exc:
        messages.error(request, exc.message)
        existing = Report.objects.filter(unit=unit, period_kind=period.kind, year=period.year,
                                         number=period.number).first()
        if existing:
            return redirect("campaigns:report", uuid=existing.uuid)
        return redirect("campaigns:reports")
    messages.success(request, _("The report is drafted from the live figures. Check the text, then submit."))
    return redirect("campaigns:report", uuid=report.uuid)


@login_required
def report_detail(request, uuid):
    report = get_for_read(Report.objects.select_related("unit", "submitted_by"), request.user, uuid=uuid)
    can_write = services.may_write_report(request.user, report.unit)
    can_review = services.may_review(request.user, report.unit)
    form = None
    if report.is_editable and can_write:
        form = ReportForm(request.POST or None, instance=report)
        if request.method == "POST":
            if request.POST.get("action") == "refill":
                services.refill_narrative(request.user, report)
                messages.success(request, _("The narrative was written again from the live figures."))
                return redirect("campaigns:report", uuid=report.uuid)
            if form.is_valid():
                try:
                    services.update_report(request.user, report, **{
                        f: form.cleaned_data[f] for f in ReportForm.Meta.fields})
                except CampaignError as exc:
                    messages.error(request, exc.message)
                else:
                    messages.success(request, _("Saved."))
                return redirect("campaigns:report", uuid=report.uuid)
    elif request.method == "POST":
        raise PermissionDenied
    data = services.report_figures(report)
    ind_header, ind_rows = documents.indicator_table(data)
    child_header, child_rows, _codes = documents.children_table(data)
    act_header, act_rows, act_total = documents.activities_table(data)
    task_header, task_rows = documents.tasks_table(data)
    cnt_header, cnt_rows = documents.counts_table(data)
    return render(request, "campaigns/report_detail.html", {
        "report": report, "form": form, "can_write": can_write, "can_review": can_review,
        "events": list(report.events.select_related("by")), "figures": data,
        "tables": [(_("Indicators against targets"), ind_header, ind_rows, None),
                   (_("Coaching and classes in the period"), cnt_header, cnt_rows, None),
                   (_("Outreach activities"), act_header, act_rows, act_total),
                   (_("Task progress"), task_header, task_rows, None),
                   (_("Results by unit"), child_header, child_rows, None)],
        "review_form": ReviewForm()})


def _download(report, data: bytes, kind: str) -> HttpResponse:
    name = f"bao-cao-{report.unit.code}-{report.period.slug}.{kind}"
    response = HttpResponse(data, content_type=DOCX if kind == "docx" else XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def report_docx(request, uuid):
    report = get_for_read(Report.objects.select_related("unit"), request.user, uuid=uuid)
    return _download(report, documents.report_docx(report, services.report_figures(report)), "docx")


@login_required
def report_xlsx(request, uuid):
    report = get_for_read(Report.objects.select_related("unit"), request.user, uuid=uuid)
    return _download(report, documents.report_xlsx(report, services.report_figures(report)), "xlsx")


@require_POST
@login_required
def report_submit(request, uuid):
    report = get_for_write(Report.objects.select_related("unit"), request.user, uuid=uuid)
    if not services.may_write_report(request.user, report.unit):
        raise PermissionDenied
    try:
        services.submit_report(request.user, report)
    except CampaignError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Submitted. The figures are frozen as of now."))
    return redirect("campaigns:report", uuid=report.uuid)


@require_POST
@login_required
def report_review(request, uuid, action):
    if action not in ("tra-lai", "tiep-nhan"):
        raise Http404
    report = get_for_write(Report.objects.select_related("unit"), request.user, uuid=uuid)
    if not services.may_review(request.user, report.unit):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    try:
        if action == "tra-lai":
            services.return_report(request.user, report, comment)
            messages.success(request, _("Returned for correction."))
        else:
            services.accept_report(request.user, report, comment)
            messages.success(request, _("Accepted."))
    except CampaignError as exc:
        messages.error(request, exc.message)
    return redirect("campaigns:report", uuid=report.uuid)


@login_required
def province_overview(request, code, period):
    """Every commune of the province for a period: on time, late or missing against the due date."""
    province = get_for_read(AdminUnit.objects.filter(level=Level.PROVINCE), request.user, code=code)
    if not Report.objects.model.scope_policy["view"] & {r for r, *_ in assignments(request.user)} and \
            not request.user.is_superuser:
        raise Http404
    try:
        p = Period.from_slug(period)
    except ValueError as exc:
        raise Http404 from exc
    today = timezone.localdate()
    rows = figures.submissions(province, p, today)
    from binhdan.campaigns.periods import due_day_for

    counts = {state: sum(1 for r in rows if r["state"] == state) for state in ("on_time", "late", "missing")}
    own = Report.objects.filter(unit=province, period_kind=p.kind, year=p.year, number=p.number).first()
    return render(request, "campaigns/province_overview.html", {
        "province": province, "period": p, "rows": rows, "counts": counts, "own": own,
        "due_on": p.due_on(due_day_for(province)), "previous": p.previous(), "next": p.next(),
        "accepted": sum(1 for r in rows if r["status"] == Report.Status.ACCEPTED),
        "can_write": services.may_write_report(request.user, province)})


# --- Commendations -----------------------------------------------------------------------------------

@_staff_required
def commendation_list(request):
    qs = Commendation.objects.for_user(request.user, "view").select_related("unit")
    status = request.GET.get("trang-thai", "")
    if status in Commendation.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "campaigns/commendation_list.html", {"page": page, "status": status,
                                                                "statuses": Commendation.Status.choices})


@login_required
def commendation_create(request):
    form = CommendationForm(request.POST or None, user=request.user)
    if not form.fields["unit"].queryset.exists():
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        from binhdan.people.models import Person

        data = form.cleaned_data
        person = None
        if data.get("person"):
            person = Person.objects.for_user(request.user, "view").filter(uuid=data["person"]).first()
            if person is None:
                form.add_error("person", _("No such person in your register."))
        if not form.errors:
            try:
                c = services.nominate(request.user, unit=data["unit"], subject=data["subject"],
                                      category=data["category"], name=data["name"],
                                      achievements=data["achievements"], person=person)
            except CampaignError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Nomination recorded."))
                return redirect("campaigns:commendation", uuid=c.uuid)
    return render(request, "campaigns/commendation_form.html", {"form": form})


@_staff_required
def commendation_detail(request, uuid):
    c = get_for_read(Commendation.objects.select_related("unit", "nominated_by", "decided_by"), request.user,
                     uuid=uuid)
    can_decide = Commendation.objects.for_user(request.user, "approve").filter(pk=c.pk).exists()
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied
        form = DecideForm(request.POST)
        form.is_valid()
        try:
            services.decide_commendation(request.user, c, approve=request.POST.get("action") == "approve",
                                         decision=form.cleaned_data.get("decision", ""),
                                         note=form.cleaned_data.get("note", ""))
        except CampaignError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Decision recorded."))
        return redirect("campaigns:commendation", uuid=c.uuid)
    return render(request, "campaigns/commendation_detail.html", {"c": c, "can_decide": can_decide,
                                                                  "form": DecideForm()})


@_staff_required
def commendation_print(request):
    """A printable list of those commended (approved), by year."""
    year = request.GET.get("nam", "")
    qs = Commendation.objects.for_user(request.user, "view").filter(
        status=Commendation.Status.APPROVED).select_related("unit").order_by("level", "category", "name")
    if year.isdigit():
        qs = qs.filter(year=int(year))
    return render(request, "campaigns/commendation_print.html", {"rows": list(qs), "year": year})


@_staff_required
def commendation_pdf(request, uuid):
    c = get_for_read(Commendation.objects.select_related("unit", "unit__parent", "decided_by"), request.user,
                     uuid=uuid)
    if c.status != Commendation.Status.APPROVED:
        raise Http404
    unit = c.unit if c.level == Commendation.Level.COMMUNE else None
    if unit is None or unit.level == Level.VILLAGE:
        unit = AdminUnit.objects.get(pk=c.commune_id) if c.level == Commendation.Level.COMMUNE and c.commune_id \
            else AdminUnit.objects.get(pk=c.province_id)
    parent, issuer, place = services._issuer_for(unit)
    on = c.decided_on or timezone.localdate()
    signer = Report.objects.filter(unit=unit).exclude(signer_name="").order_by("-dated").values_list(
        "signer_name", flat=True).first() or ""
    data = merit_pdf(issuer_parent=parent, issuer=issuer, name=c.name, achievements=c.achievements,
                     decision=f"Quyết định số {c.decision}" if c.decision else "",
                     place_date=documents.date_line(place, on), signing_capacity="TM. ỦY BAN NHÂN DÂN",
                     signer_title="CHỦ TỊCH", signer_name=signer)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="giay-khen-{c.uuid}.pdf"'
    return response
