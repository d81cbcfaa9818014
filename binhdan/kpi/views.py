"""Dashboards, the people behind each figure, targets, exports and data quality. Thin: reads
through `query`, writes through `services`, fetches through `for_user`."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from binhdan.core.querysets import assignments
from binhdan.core.roles import OFFICER_ROLES
from binhdan.core.scoping import can, get_for_read
from binhdan.geo.models import AdminUnit, Level
from binhdan.kpi import charts, export, fmt, query, services
from binhdan.kpi import forecast as fc
from binhdan.kpi import registry as reg
from binhdan.kpi.forms import TargetForm, TargetImportForm
from binhdan.kpi.models import PersonFacts, ReconcileRun, Target

DEFAULT_INDICATOR = "adults_basic_skills"


def _unit(request, code):
    return get_for_read(AdminUnit.objects.all(), request.user, code=code)


def _crumbs(user, unit):
    ancestors = unit.ancestors()
    visible = set(AdminUnit.objects.for_user(user, "view").filter(pk__in=[a.pk for a in ancestors])
                  .values_list("pk", flat=True)) if ancestors else set()
    return [(a, a.pk in visible) for a in ancestors]


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or 0)
    except ValueError:
        year = 0
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def _indicator(request) -> reg.Indicator:
    code = request.GET.get("i") or DEFAULT_INDICATOR
    if code not in reg.BY_CODE:
        raise Http404
    return reg.BY_CODE[code]


@login_required
def index(request):
    unit_ids = sorted({unit_id for _r, unit_id, *_ in assignments(request.user)})
    units = list(AdminUnit.objects.filter(pk__in=unit_ids).order_by("level", "name_folded"))
    if request.user.is_superuser and not units:
        units = list(AdminUnit.objects.filter(level=Level.NATION))
    if len(units) == 1:
        return redirect("kpi:dashboard", code=units[0].code)
    return render(request, "kpi/index.html", {"units": units})


def _attach_links(unit, rows, year):
    for row in rows:
        row["people_url"] = people_url(unit, row["code"], year=year)
        row["reached_url"] = people_url(unit, row["code"], who="reached", year=year)
        row["unit_code"] = unit.code


def people_url(unit, code, *, who="", slice_code="", year=None) -> str | None:
    ind = reg.BY_CODE[code]
    if ind.subject in (reg.EVENT, reg.LEARNER):
        return None
    url = reverse("kpi:people", args=[unit.code, code])
    params = []
    if who:
        params.append(f"who={who}")
    if slice_code:
        params.append(f"s={slice_code}")
    return url + ("?" + "&".join(params) if params else "")


@login_required
def dashboard(request, code):
    unit = _unit(request, code)
    year = _year(request)
    ind = _indicator(request)
    today = timezone.localdate()
    bundle = query.dashboard(unit, year=year, only=ind.code)
    rows = bundle["rows"]
    _attach_links(unit, rows, year)
    trend = query.trend(unit, now=bundle["totals"])
    for row in rows:
        row["trend"] = trend.get(row["code"])
    selected = next(r for r in rows if r["code"] == ind.code)
    children = bundle["children"]
    ranked = query.rank_children(children, ind.code)
    child_table = []
    dash_url = reverse("kpi:dashboard", args=["__CODE__"])
    list_url = reverse("kpi:people", args=["__CODE__", ind.code]) if ind.subject in (
        reg.PERSON, reg.HOUSEHOLD, reg.VILLAGE) else None
    labels = {"green": _("reached"), "amber": _("close"), "red": _("behind"), "none": ""}
    for child in ranked:
        crow = child["rows"][0]
        code = child["code"]
        child_table.append({
            "name": child["name"], "url": f"{dash_url.replace('__CODE__', code)}?i={ind.code}&year={year}",
            "people_url": list_url.replace("__CODE__", code) if list_url else None,
            "reached_url": list_url.replace("__CODE__", code) + "?who=reached" if list_url else None,
            "value": fmt.value(ind.kind, crow["value"]), "numerator": fmt.number(crow["numerator"]),
            "denominator": fmt.number(crow["denominator"]) if crow["denominator"] is not None else "",
            "target": fmt.value(ind.kind, crow["target"]), "gap": fmt.number(crow["gap"], 1),
            "status": crow["status"], "status_label": labels[crow["status"]]})
    children_html = _children_html(child_table)
    start = today - datetime.timedelta(days=365)
    points = []
    live = bundle["totals"].get((None, ind.code), (0, 0))
    for d, n, den in query.series(unit, ind.code, start, today, live=live):
        points.append((d, query.value_of(ind, n, den)))
    if points and points[-1][0] == today:
        points[-1] = (today, selected["value"])
    prediction = fc.forecast(points, selected["target"], today=today, year=year)
    forecast_point = None
    if prediction.status == fc.ON_DATE and prediction.date and prediction.date <= today + datetime.timedelta(
            days=730):
        forecast_point = (prediction.date, selected["target"])
    chart = charts.progress(points, target=selected["target"], kind=ind.kind, title=str(ind.name),
                            forecast_to=forecast_point)
    groups = []
    if ind.sliced:
        split = query.breakdown(unit, ind.code)
        for label, codes in reg.SLICE_GROUPS:
            items = []
            for s in codes:
                n, d = split.get(s, (0, 0))
                if not d:
                    continue
                value = query.value_of(ind, n, d)
                items.append({"slice": s, "label": str(reg.slice_label(s)), "numerator": n, "denominator": d,
                              "value": value, "status": query.status_of(ind.kind, value, selected["target"]),
                              "people_url": people_url(unit, ind.code, slice_code=s),
                              "reached_url": people_url(unit, ind.code, who="reached", slice_code=s)})
            if items:
                groups.append({"label": label, "items": items,
                               "chart": charts.bars([(i["label"], i["value"], i["status"]) for i in items],
                                                    kind=ind.kind)})
    context = {
        "unit": unit, "crumbs": _crumbs(request.user, unit), "rows": rows, "year": year, "indicator": ind,
        "selected": selected, "children": child_table, "children_html": children_html, "chart": chart, "forecast": prediction, "groups": groups,
        "years": range(today.year - 1, today.year + 3), "child_level": unit.level + 1,
        "can_targets": _officer(request.user),
    }
    return render(request, "kpi/dashboard.html", context)


def _children_html(rows) -> str:
    """The ranked children table body (built here: a province has a hundred communes)."""
    out = []
    for n, c in enumerate(rows, start=1):
        value = (format_html('<a href="{}">{}</a>', c["reached_url"], c["value"]) if c["reached_url"]
                 else escape(c["value"]))
        den = (format_html('<a href="{}">{}</a>', c["people_url"], c["denominator"])
               if c["people_url"] and c["denominator"] else escape(c["denominator"]))
        status = (format_html('<span class="kpi-status {}">{}</span>', c["status"], c["status_label"])
                  if c["status_label"] else "")
        out.append(format_html(
            '<tr><td>{}</td><td><a href="{}">{}</a></td><td class="num">{}</td><td class="num">{}</td>'
            '<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td>{}</td></tr>',
            n, c["url"], c["name"], value, c["numerator"], den, c["target"], c["gap"], status))
    return mark_safe("".join(out))  # every piece went through format_html / escape


# --- the people behind a figure -------------------------------------------------------------

def subject_queryset(user, unit, ind, *, who: str, slice_code: str, year: int):
    """The records behind a figure, scoped to the user: people, households or villages."""
    from binhdan.people.models import Household, Person

    place = query._scope(unit)
    if ind.subject == reg.PERSON:
        qs = Person.objects.for_user(user, "view").filter(valid_to__isnull=True, village__isnull=False, **place)
        qs = qs.filter(ind.den_q(year))
        if slice_code:
            qs = qs.filter(reg.slice_q(slice_code, year))
        if who == "reached":
            qs = qs.filter(ind.num_q(year))
        elif who == "missing":
            qs = qs.exclude(pk__in=Person.objects.filter(**place).filter(ind.num_q(year)).values("pk"))
        return qs.select_related("village", "household", "kpi_facts").order_by("village__name_folded",
                                                                                 "name_folded", "pk")
    if ind.subject == reg.HOUSEHOLD:
        digital = Exists(PersonFacts.objects.filter(person__household_id=OuterRef("pk"), person__valid_to__isnull=True,
                                                    level__gte=reg.household_level()))
        qs = Household.objects.for_user(user, "view").filter(valid_to__isnull=True, village__isnull=False, **place)
        qs = qs.annotate(digital=digital)
        if who == "reached":
            qs = qs.filter(digital=True)
        elif who == "missing":
            qs = qs.filter(digital=False)
        return qs.select_related("village", "head").order_by("village__name_folded", "code", "pk")
    if ind.subject == reg.VILLAGE:
        from binhdan.kpi import sources

        qs = AdminUnit.objects.for_user(user, "view").filter(level=Level.VILLAGE, valid_to__isnull=True,
                                                              path__startswith=unit.path)
        teams = sources.active_team_villages()
        if who == "reached":
            qs = qs.filter(pk__in=teams)
        elif who == "missing":
            qs = qs.exclude(pk__in=teams)
        return qs.select_related("parent").order_by("path")
    raise Http404


@login_required
def people(request, code, indicator):
    unit = _unit(request, code)
    ind = reg.BY_CODE.get(indicator)
    if ind is None or ind.subject not in (reg.PERSON, reg.HOUSEHOLD, reg.VILLAGE):
        raise Http404
    who = request.GET.get("who", "")
    who = who if who in ("reached", "missing") else ""
    slice_code = request.GET.get("s", "")
    if slice_code and (slice_code not in reg.ALL_SLICES or not ind.sliced):
        raise Http404
    year = timezone.localdate().year
    qs = subject_queryset(request.user, unit, ind, who=who, slice_code=slice_code, year=year)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    base = reverse("kpi:people", args=[unit.code, ind.code])
    context = {"unit": unit, "crumbs": _crumbs(request.user, unit), "indicator": ind, "page": page, "who": who,
               "slice": slice_code, "slice_label": reg.slice_label(slice_code) if slice_code else "",
               "base": base, "extra": f"who={who}&s={slice_code}&" if (who or slice_code) else ""}
    return render(request, f"kpi/list_{ind.subject}.html", context)


# --- targets --------------------------------------------------------------------------------

def _officer(user) -> bool:
    return user.is_superuser or bool({r for r, *_ in assignments(user)} & OFFICER_ROLES)


@login_required
def targets(request, code):
    unit = _unit(request, code)
    may_change = _officer(request.user) and can(request.user, "change", unit)
    form = TargetForm(request.POST or None, unit=unit)
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.set_target(request.user, indicator=data["indicator"], unit=data["unit"], year=data["year"],
                                    quarter=data["quarter"], value=data["value"], note=data["note"])
            except ValidationError as exc:
                for name, errs in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errs)
            else:
                messages.success(request, _("The target was saved."))
                return redirect("kpi:targets", code=unit.code)
    year = _year(request)
    own = (Target.objects.for_user(request.user, "view").filter(unit__path__startswith=unit.path)
           .select_related("unit").order_by("unit__path", "year", "quarter", "indicator"))
    inherited = query.targets_for([unit], year)
    inherited_rows = [{"indicator": reg.BY_CODE[c], "value": v, "source": src}
                      for (_u, c), (v, src) in inherited.items()]
    inherited_rows.sort(key=lambda r: r["indicator"].order)
    page = Paginator(own, 100).get_page(request.GET.get("page"))
    return render(request, "kpi/targets.html", {
        "unit": unit, "crumbs": _crumbs(request.user, unit), "form": form, "page": page, "year": year,
        "inherited": inherited_rows, "may_change": may_change})


@login_required
def target_delete(request, code, uuid):
    unit = _unit(request, code)
    if request.method != "POST":
        raise Http404
    target = Target.objects.for_user(request.user, "change").filter(uuid=uuid).first()
    if target is None:
        raise PermissionDenied
    services.delete_target(request.user, target)
    messages.success(request, _("The target was deleted."))
    return redirect("kpi:targets", code=unit.code)


@login_required
def target_import(request, code):
    unit = _unit(request, code)
    if not (_officer(request.user) and can(request.user, "change", unit)):
        raise PermissionDenied
    form = TargetImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = services.import_targets(request.user, upload.read(), upload.name)
        if result.ok:
            messages.success(request, _("%(created)d targets added, %(updated)d changed.") % {
                "created": result.created, "updated": result.updated})
            return redirect("kpi:targets", code=unit.code)
    return render(request, "kpi/target_import.html", {"unit": unit, "crumbs": _crumbs(request.user, unit),
                                                      "form": form, "result": result})


@login_required
def target_template(request, code):
    unit = _unit(request, code)
    data = export.target_template(unit)
    return _xlsx(data, f"chi-tieu-{unit.code}.xlsx")


# --- exports and data quality ---------------------------------------------------------------

def _xlsx(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def export_xlsx(request, code):
    unit = _unit(request, code)
    year = _year(request)
    table = request.GET.get("table", "indicators")
    if table == "indicators":
        rows = query.indicator_rows(unit, year=year)
        data, n = export.indicators(unit, rows, year), len(rows)
    elif table == "children":
        ind = _indicator(request) if request.GET.get("i") else None
        children = query.child_rows(unit, year=year)
        if ind is not None:
            children = query.rank_children(children, ind.code)
        data, n = export.children(unit, children, year, ind), len(children)
    elif table == "breakdown":
        ind = _indicator(request)
        data, n = export.breakdown(unit, ind, query.breakdown(unit, ind.code)), 1
    else:
        raise Http404
    services.record_export(request.user, unit, table, n)
    return _xlsx(data, f"chi-so-{unit.code}-{table}-{year}.xlsx")


@login_required
def quality(request, code):
    from binhdan.people.models import Household, Person

    unit = _unit(request, code)
    place = query._scope(unit)
    people = Person.objects.for_user(request.user, "view").filter(valid_to__isnull=True, **place)
    households = Household.objects.for_user(request.user, "view").filter(valid_to__isnull=True, **place)
    no_birth_date = people.filter(birth_date__isnull=True).count()
    no_birth_year = people.filter(birth_year__isnull=True).count()
    no_head = households.filter(head__isnull=True).count()
    from binhdan.kpi.models import Counter

    no_team = list(AdminUnit.objects.filter(pk__in=Counter.objects.filter(
        indicator="villages_with_team", slice=reg.TOTAL, numerator=0, denominator__gt=0, **place)
        .values("village_id")).order_by("path")[:200])
    last = ReconcileRun.objects.filter(scope="").first()
    return render(request, "kpi/quality.html", {
        "unit": unit, "crumbs": _crumbs(request.user, unit), "no_birth_date": no_birth_date,
        "no_birth_year": no_birth_year, "no_head": no_head, "no_team": no_team, "last_run": last,
        "stale": last is None or last.at < timezone.now() - datetime.timedelta(days=2)})


@login_required
def quality_list(request, code, what):
    from binhdan.people.models import Household, Person

    unit = _unit(request, code)
    place = query._scope(unit)
    if what == "ngay-sinh":
        qs = (Person.objects.for_user(request.user, "view").filter(valid_to__isnull=True, birth_date__isnull=True,
                                                                   **place)
              .select_related("village", "household", "kpi_facts").order_by("village__name_folded", "name_folded"))
        template, title = "kpi/list_person.html", _("People without a date of birth")
    elif what == "chu-ho":
        qs = (Household.objects.for_user(request.user, "view").filter(valid_to__isnull=True, head__isnull=True,
                                                                      **place)
              .select_related("village", "head").order_by("village__name_folded", "code"))
        template, title = "kpi/list_household.html", _("Households without a head")
    else:
        raise Http404
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, template, {"unit": unit, "crumbs": _crumbs(request.user, unit), "page": page,
                                      "title": title, "base": request.path, "extra": ""})
