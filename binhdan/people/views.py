"""Pages of the register: thin; they fetch through `for_user` and call services."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from binhdan.core.models import AuditLog
from binhdan.core.scoping import get_for_read, get_for_write
from binhdan.geo.models import AdminUnit, Level
from binhdan.geo.views import breadcrumb
from binhdan.people import exports, forms, services
from binhdan.people.ethnicity import ETHNICITY_CHOICES
from binhdan.people.importer import field_labels
from binhdan.people.models import SEGMENTS, Household, ImportJob, Person

PAGE_SIZE = 50
# The label of the link from a village or commune page (geo's unit page) to its register.
UNIT_LINK_LABEL = gettext_lazy("Households and people")
AGE_BANDS = [("0-14", (0, 14)), ("15-35", (15, 35)), ("36-59", (36, 59)), ("60+", (60, 200)), ("16+", (16, 200))]
SEGMENT_FILTERS = [name for name, _label in SEGMENTS] + ["elderly"]
DIGITAL_FILTERS = ["smartphone", "no_smartphone", "vneid2", "vneid1", "no_vneid", "bank", "email", "zalo"]


def digital_labels():
    return [("smartphone", _("has a smartphone")), ("no_smartphone", _("no smartphone")),
            ("vneid2", _("VNeID level 2")), ("vneid1", _("VNeID level 1")), ("no_vneid", _("no VNeID account")),
            ("bank", _("digital bank account")), ("email", _("uses email")), ("zalo", _("uses Zalo"))]


def _place_unit(request, code) -> AdminUnit:
    """A commune or village the user may see (404 otherwise)."""
    unit = get_for_read(AdminUnit.objects.select_related("parent"), request.user, code=code)
    if unit.level not in (Level.COMMUNE, Level.VILLAGE):
        raise Http404
    return unit


def _commune_of(unit: AdminUnit) -> AdminUnit:
    return unit if unit.level == Level.COMMUNE else unit.parent


def _in_unit(qs, unit: AdminUnit):
    return qs.filter(village=unit) if unit.level == Level.VILLAGE else qs.filter(commune=unit)


def may(user, action: str, unit: AdminUnit) -> bool:
    """May the user do `action` on people of this unit (a commune or village)?"""
    from binhdan.core.querysets import assignments
    from binhdan.people.models import PEOPLE_POLICY

    if user.is_superuser:
        return True
    allowed = PEOPLE_POLICY.get(action, frozenset())
    for role, _unit_id, _level, path in assignments(user):
        if role in allowed and unit.path.startswith(path):
            return True
    return False


def _age_filter(qs, band: str):
    bounds = dict(AGE_BANDS).get(band)
    if not bounds:
        return qs
    year = timezone.localdate().year
    low, high = bounds
    return qs.filter(birth_year__gte=year - high, birth_year__lte=year - low)


def filter_people(qs, params):
    """The list filters shared by the page, the export and the API."""
    status = params.get("status", "current")
    qs = qs.filter(valid_to__isnull=False) if status == "ended" else qs.filter(valid_to__isnull=True)
    segment = params.get("segment")
    if segment == "elderly":
        qs = _age_filter(qs, "60+")
    elif segment in dict(SEGMENTS):
        qs = qs.filter(**{segment: True})
    qs = _age_filter(qs, params.get("age", ""))
    if params.get("sex") in ("M", "F"):
        qs = qs.filter(sex=params["sex"])
    if params.get("ethnicity") in dict(ETHNICITY_CHOICES):
        qs = qs.filter(ethnicity=params["ethnicity"])
    digital = params.get("digital")
    digital_q = {"smartphone": Q(has_smartphone=True), "no_smartphone": Q(has_smartphone=False),
                 "vneid2": Q(vneid_level=2), "vneid1": Q(vneid_level=1), "no_vneid": Q(vneid_level=0),
                 "bank": Q(has_bank_account=True), "email": Q(uses_email=True), "zalo": Q(uses_zalo=True)}
    if digital in digital_q:
        qs = qs.filter(digital_q[digital])
    if params.get("village"):
        qs = qs.filter(village__code=params["village"])
    q = params.get("q", "").strip()
    if q:
        qs = qs.search(q)
    return qs


def _querystring(params, drop=("page",)) -> str:
    from urllib.parse import urlencode

    return urlencode([(k, v) for k, v in params.items() if k not in drop and v])


@login_required
def people_list(request, code):
    unit = _place_unit(request, code)
    base = _in_unit(Person.objects.for_user(request.user, "view"), unit)
    qs = filter_people(base, request.GET).select_related("village", "household").order_by("name_folded", "pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    year = timezone.localdate().year
    summary = base.filter(valid_to__isnull=True).aggregate(
        people=Count("pk"), adults=Count("pk", filter=Q(birth_year__lte=year - 16)),
        smartphone=Count("pk", filter=Q(has_smartphone=True)), vneid2=Count("pk", filter=Q(vneid_level=2)),
        households=Count("household", distinct=True),
    )
    villages = list(AdminUnit.objects.filter(parent=unit, level=Level.VILLAGE).order_by("name_folded")) \
        if unit.level == Level.COMMUNE else []
    context = {
        "unit": unit, "crumbs": breadcrumb(request.user, unit), "page": page, "summary": summary,
        "params": request.GET, "query": request.GET.get("q", ""), "qs": _querystring(request.GET),
        "segments": [*SEGMENTS, ("elderly", _("elderly (60+)"))], "age_bands": [b for b, _r in AGE_BANDS],
        "ethnicities": ETHNICITY_CHOICES, "digital": digital_labels(), "villages": villages,
        "can_change": may(request.user, "change", unit), "can_import": may(request.user, "import", unit),
        "can_export": may(request.user, "export", unit), "can_reveal": may(request.user, "reveal", unit),
    }
    return render(request, "people/people_list.html", context)


@login_required
def household_list(request, code):
    unit = _place_unit(request, code)
    qs = _in_unit(Household.objects.for_user(request.user, "view"), unit).filter(valid_to__isnull=True)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(head__in=Person.objects.search(q)))
    qs = qs.select_related("head", "village").annotate(
        n_members=Count("members", filter=Q(members__valid_to__isnull=True))).order_by("village__name_folded",
                                                                                        "code", "pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "people/household_list.html", {
        "unit": unit, "crumbs": breadcrumb(request.user, unit), "page": page, "query": q,
        "qs": _querystring(request.GET)})


@login_required
def household_detail(request, uuid):
    household = get_for_read(Household.objects.select_related("head", "village"), request.user, uuid=uuid)
    members = Person.objects.for_user(request.user, "view").filter(household=household).order_by(
        "valid_to", "birth_year", "pk")
    return render(request, "people/household_detail.html", {
        "household": household, "members": members, "crumbs": breadcrumb(request.user, household.village),
        "can_change": may(request.user, "change", household.village)})


@login_required
@require_http_methods(["GET", "POST"])
def person_detail(request, uuid):
    person = get_for_read(Person.objects.select_related("village", "household", "household__head"), request.user,
                          uuid=uuid)
    can_reveal = Person.objects.for_user(request.user, "reveal").filter(pk=person.pk).exists()
    revealed = ""
    if request.method == "POST":
        if request.POST.get("reveal") != "phone" or not can_reveal:
            raise PermissionDenied
        revealed = services.reveal_phone(request.user, person)
        if not revealed:
            messages.info(request, _("No phone number is on record."))
    members = []
    if person.household_id:
        members = list(Person.objects.for_user(request.user, "view").filter(
            household_id=person.household_id, valid_to__isnull=True).exclude(pk=person.pk).order_by("birth_year"))
    history = AuditLog.objects.for_user(request.user, "view").filter(
        model="people.person", object_id=str(person.uuid)).select_related("user")[:50]
    imported = None
    if person.import_job:
        imported = AuditLog.objects.for_user(request.user, "view").filter(
            action=AuditLog.Action.IMPORT, object_id=str(person.import_job)).select_related("user").first()
    response = render(request, "people/person_detail.html", {
        "person": person, "members": members, "history": history, "can_reveal": can_reveal,
        "revealed": revealed, "crumbs": breadcrumb(request.user, person.village), "imported": imported,
        "can_change": Person.objects.for_user(request.user, "change").filter(pk=person.pk).exists(),
        "segments": person.segments, "is_elderly": person.is_elderly, "labels": field_labels(),
    })
    if revealed:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request, code):
    unit = _place_unit(request, code)
    if not may(request.user, "change", unit):
        raise PermissionDenied
    commune = _commune_of(unit)
    village = unit if unit.level == Level.VILLAGE else None
    form = forms.PersonForm(request.POST or None, commune=commune, village=village)
    if request.method == "POST" and form.is_valid():
        kwargs = form.service_kwargs()
        person = services.save_person(request.user, Person(), **kwargs)
        messages.success(request, _("%(name)s was added to the register.") % {"name": person.full_name})
        return redirect("people:person", uuid=person.uuid)
    return render(request, "people/person_form.html", {"form": form, "unit": unit,
                                                       "crumbs": breadcrumb(request.user, unit)})


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request, uuid):
    person = get_for_write(Person.objects.select_related("village", "household"), request.user, uuid=uuid)
    commune = AdminUnit.objects.get(pk=person.commune_id)
    form = forms.PersonForm(request.POST or None, commune=commune, person=person)
    if request.method == "POST" and form.is_valid():
        services.save_person(request.user, person, **form.service_kwargs())
        messages.success(request, _("Saved."))
        return redirect("people:person", uuid=person.uuid)
    return render(request, "people/person_form.html", {"form": form, "person": person, "unit": person.village,
                                                       "crumbs": breadcrumb(request.user, person.village)})


@login_required
@require_http_methods(["GET", "POST"])
def person_end(request, uuid):
    person = get_for_write(Person.objects.select_related("village"), request.user, uuid=uuid)
    form = forms.EndPersonForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.end_person(request.user, person, on=form.cleaned_data["on"], reason=form.cleaned_data["reason"],
                                note=form.cleaned_data["note"])
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(name)s is no longer counted; the record and its history are kept.")
                             % {"name": person.full_name})
            return redirect("people:person", uuid=person.uuid)
    return render(request, "people/person_end.html", {"form": form, "person": person,
                                                      "crumbs": breadcrumb(request.user, person.village)})


@login_required
def export(request, code):
    unit = _place_unit(request, code)
    if not may(request.user, "export", unit):
        raise PermissionDenied
    full = request.GET.get("full") == "1"
    if full and not may(request.user, "reveal", unit):
        raise PermissionDenied
    people = filter_people(_in_unit(Person.objects.for_user(request.user, "view"), unit), request.GET)
    households = _in_unit(Household.objects.for_user(request.user, "view"), unit).filter(valid_to__isnull=True)
    data, rows = exports.people_workbook(people, households, full=full)
    services.record_export(request.user, unit, rows=rows, full=full)
    stamp = datetime.date.today().strftime("%Y%m%d")
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="dan-cu-{unit.code}-{stamp}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


# --- imports --------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def import_start(request, code):
    unit = _place_unit(request, code)
    if not may(request.user, "import", unit):
        raise PermissionDenied
    commune = _commune_of(unit)
    village = unit if unit.level == Level.VILLAGE else None
    form = forms.ImportUploadForm(request.POST or None, request.FILES or None, commune=commune, village=village)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = services.start_import(request.user, commune, upload.read(), upload.name,
                                    village=form.cleaned_data["village"])
        return redirect("people:import", uuid=job.uuid)
    recent = ImportJob.objects.for_user(request.user, "view").filter(commune=commune).defer("data", "problems")[:10]
    return render(request, "people/import_start.html", {"form": form, "unit": unit, "recent": recent,
                                                        "crumbs": breadcrumb(request.user, unit)})


@login_required
@require_http_methods(["GET", "POST"])
def import_detail(request, uuid):
    job = get_for_read(ImportJob.objects.defer("data"), request.user, uuid=uuid)
    commune = AdminUnit.objects.get(pk=job.commune_id)
    mapping_form = None
    if job.status in (ImportJob.Status.PREVIEWED, ImportJob.Status.FAILED) and job.columns:
        mapping_form = forms.MappingForm(request.POST if request.POST.get("action") == "mapping" else None,
                                         columns=job.columns, mapping=job.mapping, prefix="map")
    if request.method == "POST":
        if not ImportJob.objects.for_user(request.user, "change").filter(pk=job.pk).exists():
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "mapping" and mapping_form is not None:
                if mapping_form.is_valid():
                    services.change_mapping(request.user, job, mapping_form.mapping())
                    return redirect("people:import", uuid=job.uuid)
            elif action == "commit":
                services.request_commit(request.user, job, only_valid=request.POST.get("only_valid") == "1")
                return redirect("people:import", uuid=job.uuid)
            else:
                raise PermissionDenied
        except ValueError as exc:
            messages.error(request, str(exc))
            return redirect("people:import", uuid=job.uuid)
    done, total = services.progress_of(job)
    labels = field_labels()
    detected = [(labels.get(f, f), job.columns[c][1], job.columns[c][2]) for f, c in job.mapping.items()
                if c < len(job.columns)] if job.columns else []
    return render(request, "people/import_detail.html", {
        "job": job, "commune": commune, "unit": AdminUnit.objects.get(pk=job.village_id or job.commune_id),
        "crumbs": breadcrumb(request.user, commune), "mapping_form": mapping_form, "detected": detected,
        "problems": job.problems[:200], "more_problems": max(0, len(job.problems) - 200),
        "done": done, "total": total, "percent": int(100 * done / total) if total else 0,
    })


@login_required
def import_problems(request, uuid):
    job = get_for_read(ImportJob.objects.defer("data"), request.user, uuid=uuid)
    data = exports.problems_workbook(job.problems)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="loi-nhap-danh-sach.xlsx"'
    return response
