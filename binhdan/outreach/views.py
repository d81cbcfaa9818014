"""Pages of community digital teams. Thin: fetch through scope, call services, render.

The member's pages (coaching log, visit list, class attendance) work as plain forms without
JavaScript; with it, static/outreach/field.js queues records on the phone and sends them
through the API, and the service worker (sw.js, served below at /doi/sw.js) keeps the pages
available with no network.
"""

from __future__ import annotations

import datetime
import json
import uuid as uuidlib
from collections import OrderedDict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from binhdan.accounts.models import User
from binhdan.core import audit
from binhdan.core.models import AuditLog
from binhdan.core.scoping import get_for_read
from binhdan.core.text import fold
from binhdan.geo.models import AdminUnit, Level, Organisation
from binhdan.kpi.levels import digital_households
from binhdan.learning.models import Skill
from binhdan.outreach import forms, reports, services
from binhdan.outreach.models import (
    REPORT_ROLES,
    CoachingSession,
    CommunityClass,
    DeviceGift,
    HouseholdStatus,
    SyncConflict,
    Team,
    TeamMember,
    VisitStatus,
)
from binhdan.outreach.services import OutreachError
from binhdan.people.models import Household, Person

SEARCH_LIMIT = 20


def _field_context(request) -> dict:
    """What every field page gives field.js: where the API is, which pages to keep offline."""
    villages = list(services.villages_for(request.user).values_list("code", flat=True)[:50])
    visit_url = reverse("outreach:visits")
    pages = [reverse("outreach:home"), reverse("outreach:log"), visit_url, reverse("outreach:classes"),
             reverse("outreach:follow_ups")]
    pages += [f"{visit_url}?thon={code}" for code in villages]
    classes = CommunityClass.objects.for_user(request.user, "change").filter(active=True)
    pages += [reverse("outreach:class", args=[u]) for u in classes.values_list("uuid", flat=True)[:20]]
    pages += [static("outreach/field.js"), static("outreach/field.css"), static("core/site.css")]
    return {"offline_pages": pages}


def _skills():
    return list(Skill.objects.filter(active=True).select_related("level").order_by("level__position", "position"))


def _levels(skills) -> list[tuple[str, list]]:
    grouped: OrderedDict[str, list] = OrderedDict()
    for s in skills:
        grouped.setdefault(s.level.short_title, []).append(s)
    return list(grouped.items())


def _staff_required(request):
    if not services.is_officer(request.user) and not services.field_roles(request.user):
        raise PermissionDenied


# --- member home ----------------------------------------------------------------------------

@login_required
def home(request):
    _staff_required(request)
    user = request.user
    memberships = list(TeamMember.objects.filter(user=user, active=True).select_related("team"))
    sessions = list(CoachingSession.objects.filter(coach=user).select_related("person")[:10])
    conflicts = SyncConflict.objects.filter(user=user, resolved_at__isnull=True).count()
    return render(request, "outreach/home.html", {
        "memberships": memberships, "sessions": sessions, "conflicts": conflicts,
        "villages": list(services.villages_for(user)[:50]), **_field_context(request),
    })


# --- coaching log ---------------------------------------------------------------------------

@login_required
def log(request):
    """Ghi nhận hỗ trợ: find (or add) the person, tick the skills, save."""
    _staff_required(request)
    user = request.user
    villages = list(services.villages_for(user)[:200])
    session_form = forms.SessionForm(request.POST if request.POST.get("action") == "session" else None)
    person_form = forms.NewPersonForm(request.POST if request.POST.get("action") == "person" else None,
                                      villages=villages)
    skills = _skills()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "person" and person_form.is_valid():
            data = person_form.cleaned_data
            village = next((v for v in villages if v.code == data["village"]), None)
            household = None
            if data.get("household"):
                household = services.households_for(user).filter(uuid=data["household"]).first()
            try:
                outcome = services.add_person(user, full_name=data["full_name"], village=village,
                                              birth_year=data.get("birth_year"), sex=data.get("sex") or "",
                                              household=household, address=data.get("address", ""),
                                              uid=data["uid"])
            except OutreachError as exc:
                person_form.add_error(None, exc.message)
            else:
                messages.success(request, _("%(name)s was added.") % {"name": outcome.obj.full_name})
                return redirect(reverse("outreach:log") + f"?person={outcome.obj.uuid}")
        elif action == "session" and session_form.is_valid():
            data = session_form.cleaned_data
            person = services.people_for(user).filter(uuid=data["person"]).first() if data["person"] else None
            codes = request.POST.getlist("skill")
            observed = set(request.POST.getlist("observed"))
            items = [{"code": c, "observed": c in observed} for c in dict.fromkeys(codes + sorted(observed))]
            try:
                if person is None:
                    raise OutreachError(_("Pick the person first."), "person")
                outcome = services.log_session(user, person=person, skills=items, date=data["date"],
                                               minutes=data["minutes"], mode=data["mode"],
                                               start_time=data.get("start_time"), note=data.get("note", ""),
                                               uid=data["uid"], code=data.get("code", ""))
            except OutreachError as exc:
                session_form.add_error(None, exc.message)
            else:
                messages.success(request, _("The session was saved."))
                return redirect("outreach:session", uuid=outcome.obj.uuid)
    q = request.GET.get("q", "").strip()
    found = []
    if q:
        found = list(services.people_for(user).search(q).select_related("household")
                     .order_by("name_folded")[:SEARCH_LIMIT])
    chosen = None
    chosen_uuid = request.GET.get("person") or request.POST.get("person")
    if chosen_uuid:
        try:
            chosen = services.people_for(user).filter(uuid=uuidlib.UUID(str(chosen_uuid))).first()
        except ValueError:
            chosen = None
    if chosen is not None and not session_form.is_bound:
        session_form = forms.SessionForm(initial={"person": chosen.uuid})
    return render(request, "outreach/log.html", {
        "q": q, "found": found, "chosen": chosen, "form": session_form, "person_form": person_form,
        "levels": _levels(skills), "ticked": set(request.POST.getlist("skill")),
        "seen": set(request.POST.getlist("observed")), **_field_context(request),
    })


@login_required
def session_detail(request, uuid):
    session = get_for_read(CoachingSession.objects.select_related("person", "member"), request.user, uuid=uuid)
    skills = list(session.skills.select_related("skill"))
    confirm_url = request.build_absolute_uri(reverse("outreach:confirm_code", args=[session.confirm_code]))
    qr = ""
    if not session.confirmed:
        import segno

        qr = segno.make(confirm_url + "?qr=1", error="m").svg_inline(scale=4, omitsize=False)
    return render(request, "outreach/session.html", {"session": session, "skills": skills, "qr": qr,
                                                      "confirm_url": confirm_url})


@never_cache
def confirm(request, code=""):
    """Public: the learner confirms a session by scanning the member's QR code or typing the code."""
    code = (request.POST.get("code") or code or request.GET.get("code", "")).strip()
    session = None
    error = ""
    if request.method == "POST":
        ip = request.META.get("REMOTE_ADDR", "")
        key = f"outreach-confirm:{ip}"
        tries = cache.get(key, 0)
        if tries >= 30:
            error = _("Too many tries. Wait a few minutes and try again.")
        else:
            cache.set(key, tries + 1, 600)
            via = (CoachingSession.Confirmation.QR if request.POST.get("via") == "qr"
                   else CoachingSession.Confirmation.CODE)
            session = services.confirm_session(code, via)
            if session is None:
                error = _("This code was not found. Check it with the team member.")
    return render(request, "outreach/confirm.html", {"code": code, "session": session, "error": error,
                                                      "via": "qr" if request.GET.get("qr") else "code"})


# --- household visits -----------------------------------------------------------------------

def street_of(address: str) -> str:
    """"Số 12, Ngõ 3, Thôn Tân An" → "Ngõ 3, Thôn Tân An": the address without the house number."""
    parts = [p.strip() for p in (address or "").split(",") if p.strip()]
    kept = [p for p in parts if not (fold(p).startswith("so ") or p[:1].isdigit())]
    return ", ".join(kept) or _("(no address)")


@login_required
def visits(request):
    _staff_required(request)
    user = request.user
    villages = list(services.villages_for(user)[:200])
    if not villages:
        return render(request, "outreach/visits.html", {"villages": [], **_field_context(request)})
    code = request.GET.get("thon") or villages[0].code
    village = next((v for v in villages if v.code == code), None)
    if village is None:
        raise Http404
    only = request.GET.get("con-lai")  # only what is left to do
    mine = request.GET.get("cua-toi")  # only the households the leader assigned to me
    qs = services.households_for(user).filter(village_id=village.pk)
    member = services.member_of(user, village.pk)
    assigned = member is not None and member.households.exists()
    if mine and assigned:
        qs = qs.filter(pk__in=member.households.values("pk"))
    households = list(
        qs.select_related("head", "outreach_status")
        .annotate(size=Count("members", filter=Q(members__valid_to__isnull=True))).order_by("address", "code")
    )
    digital = digital_households([h.pk for h in households])
    streets: OrderedDict[str, list] = OrderedDict()
    counts = {s: 0 for s in VisitStatus.values}
    for h in sorted(households, key=lambda h: (street_of(h.address), h.address, h.code)):
        st = getattr(h, "outreach_status", None)
        h.visit_status = st.status if st else VisitStatus.NOT_VISITED
        h.visit_label = VisitStatus(h.visit_status).label
        h.version = st.version if st else 0
        h.follow_up_on = st.follow_up_on if st else None
        h.digital = h.pk in digital
        counts[h.visit_status] += 1
        if only and h.visit_status in (VisitStatus.VISITED, VisitStatus.DECLINED):
            continue
        streets.setdefault(street_of(h.address), []).append(h)
    return render(request, "outreach/visits.html", {
        "villages": villages, "village": village, "streets": streets, "counts": counts, "total": len(households),
        "digital": len(digital), "only": only, "mine": mine, "assigned": assigned, "statuses": [c for c in VisitStatus.choices
                                                             if c[0] != VisitStatus.NOT_VISITED],
        "today": timezone.localdate(), "uid": uuidlib.uuid4, **_field_context(request),
    })


@login_required
@require_POST
def visit(request, uuid):
    user = request.user
    household = services.households_for(user).filter(uuid=uuid).first()
    if household is None:
        raise PermissionDenied
    form = forms.VisitForm(request.POST)
    back = reverse("outreach:visits") + "?thon=" + (request.POST.get("thon") or "")
    if not form.is_valid():
        messages.error(request, _("Check the visit: %(errors)s") % {
            "errors": "; ".join(str(e) for errs in form.errors.values() for e in errs)})
        return redirect(back)
    data = form.cleaned_data
    try:
        outcome = services.record_visit(user, household=household, status=data["status"], date=data["date"],
                                        follow_up_on=data.get("follow_up_on"), note=data.get("note", ""),
                                        uid=data["uid"], base_version=data.get("base_version"))
    except OutreachError as exc:
        messages.error(request, exc.message)
    else:
        if outcome.status == "conflict":
            messages.warning(request, _("Someone changed this household after you opened the list. Your visit "
                                        "was kept and is shown under “To review”."))
        else:
            messages.success(request, _("Visit saved."))
    return redirect(back + f"#h-{household.uuid}")


@login_required
def follow_ups(request):
    _staff_required(request)
    rows = list(HouseholdStatus.objects.for_user(request.user, "view").filter(status=VisitStatus.FOLLOW_UP)
                .select_related("household__head", "village").order_by("follow_up_on")[:500])
    return render(request, "outreach/follow_ups.html", {"rows": rows, "today": timezone.localdate(),
                                                         **_field_context(request)})


# --- conflicts ------------------------------------------------------------------------------

@login_required
def conflicts(request):
    if request.method == "POST":
        conflict = SyncConflict.objects.filter(user=request.user, uuid=request.POST.get("conflict")).first()
        if conflict is None:
            raise PermissionDenied
        services.resolve_conflict(request.user, conflict)
        messages.success(request, _("Marked as reviewed."))
        return redirect("outreach:conflicts")
    rows = list(SyncConflict.objects.filter(user=request.user, resolved_at__isnull=True)[:200])
    return render(request, "outreach/conflicts.html", {"rows": rows})


# --- classes and clubs ----------------------------------------------------------------------

@login_required
def classes(request):
    _staff_required(request)
    rows = list(CommunityClass.objects.for_user(request.user, "view").select_related("village", "organiser")
                .annotate(n_learners=Count("learners", distinct=True), n_meetings=Count("meetings", distinct=True))
                .order_by("name")[:200])
    return render(request, "outreach/classes.html", {"rows": rows, **_field_context(request)})


@login_required
def class_new(request):
    _staff_required(request)
    user = request.user
    villages = list(services.villages_for(user)[:200])
    skills = _skills()
    form = forms.ClassForm(request.POST or None, villages=villages, skills=skills)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        village = next(v for v in villages if v.code == data["village"])
        member = services.member_of(user, village.pk)
        try:
            klass = services.save_class(
                user, None, name=data["name"], kind=data["kind"], village=village, venue=data["venue"],
                schedule=data["schedule"], team=member.team if member else None,
                organiser=member.team.organisation if member else None, tutors=[member] if member else [],
                skills=[s for s in skills if s.code in set(data["skills"])])
        except OutreachError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The class was created."))
            return redirect("outreach:class", uuid=klass.uuid)
    return render(request, "outreach/class_form.html", {"form": form})


@login_required
def class_detail(request, uuid):
    user = request.user
    klass = get_for_read(CommunityClass.objects.select_related("village", "organiser", "team"), user, uuid=uuid)
    learners = list(klass.learners.order_by("name_folded"))
    skills = list(klass.skills.order_by("level__position", "position"))
    form = forms.MeetingForm(request.POST if request.POST.get("action") == "meeting" else None)
    if request.method == "POST":
        if not CommunityClass.objects.for_user(user, "change").filter(pk=klass.pk).exists():
            raise PermissionDenied
        action = request.POST.get("action")
        if action == "enrol":
            person = services.people_for(user).filter(uuid=request.POST.get("person") or None).first()
            try:
                if person is None:
                    raise OutreachError(_("This person is not in your villages."), "scope")
                services.enrol(user, klass, person)
            except OutreachError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("%(name)s was enrolled.") % {"name": person.full_name})
            return redirect("outreach:class", uuid=klass.uuid)
        if action == "meeting" and form.is_valid():
            data = form.cleaned_data
            present = set(request.POST.getlist("present"))
            attendance = [(p, request.POST.getlist(f"obs-{p.uuid}")) for p in learners if str(p.uuid) in present]
            try:
                services.record_meeting(user, klass, date=data["date"], minutes=data["minutes"],
                                        attendance=attendance, note=data.get("note", ""), uid=data["uid"])
            except OutreachError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Attendance saved."))
                return redirect("outreach:class", uuid=klass.uuid)
    q = request.GET.get("q", "").strip()
    found = list(services.people_for(user).search(q).order_by("name_folded")[:SEARCH_LIMIT]) if q else []
    meetings = list(klass.meetings.annotate(n=Count("attendance"))[:20])
    return render(request, "outreach/class_detail.html", {
        "klass": klass, "learners": learners, "skills": skills, "form": form, "q": q, "found": found,
        "meetings": meetings, **_field_context(request),
    })


# --- device reuse drive ---------------------------------------------------------------------

@login_required
def devices(request):
    _staff_required(request)
    user = request.user
    household = None
    hh_uuid = request.GET.get("ho") or request.POST.get("household")
    if hh_uuid:
        try:
            household = services.households_for(user).filter(uuid=uuidlib.UUID(str(hh_uuid))).first()
        except ValueError:
            household = None
    members = list(household.members.filter(valid_to__isnull=True)) if household else []
    form = forms.DeviceForm(request.POST or None, members=members,
                            initial={"household": household.uuid if household else None})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        recipient = next((p for p in members if str(p.uuid) == data.get("recipient")), None)
        try:
            services.record_device(user, household=household, recipient=recipient, donor=data["donor"],
                                   device=data["device"], condition=data["condition"], given_on=data["given_on"],
                                   note=data.get("note", ""), uid=data["uid"])
        except OutreachError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The device was recorded."))
            return redirect("outreach:devices")
    q = request.GET.get("q", "").strip()
    found = []
    if q:
        found = list(services.households_for(user).filter(
            Q(code__icontains=q) | Q(head__name_folded__contains=fold(q))).select_related("head")[:SEARCH_LIMIT])
    rows = list(DeviceGift.objects.for_user(user, "view").select_related("household__head", "recipient",
                                                                         "village")[:100])
    return render(request, "outreach/devices.html", {"form": form, "household": household, "rows": rows,
                                                      "q": q, "found": found})


# --- service worker -------------------------------------------------------------------------

def service_worker(request):
    """The service worker, served from /doi/ so that its scope covers every field page."""
    body = render_to_string("outreach/sw.js", {
        "version": _asset_version(),
        "static": json.dumps([static("outreach/field.js"), static("outreach/field.css"), static("core/site.css")]),
        "offline": reverse("outreach:home"),
    })
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("outreach:home")
    response["Cache-Control"] = "no-cache"
    return response


def _asset_version() -> str:
    import hashlib
    from pathlib import Path

    root = Path(__file__).resolve().parent / "static" / "outreach"
    digest = hashlib.sha256()
    for name in ("field.js", "field.css"):
        path = root / name
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


# --- teams ----------------------------------------------------------------------------------

@login_required
def teams(request):
    _staff_required(request)
    rows = list(Team.objects.for_user(request.user, "view").select_related("commune", "organisation")
                .prefetch_related("villages")
                .annotate(n_members=Count("members", filter=Q(members__active=True), distinct=True))
                .order_by("commune__name_folded", "name")[:300])
    communes = list(AdminUnit.objects.for_user(request.user, "change").filter(level=Level.COMMUNE)[:50]) \
        if services.is_officer(request.user) else []
    return render(request, "outreach/teams.html", {"rows": rows, "communes": communes})


def _commune_for_change(request, code):
    commune = AdminUnit.objects.filter(code=code, level=Level.COMMUNE).first()
    if commune is None or not services.covers(request.user, commune, Team.scope_policy["change"]):
        raise PermissionDenied
    return commune


@login_required
def team_new(request):
    commune = _commune_for_change(request, request.GET.get("xa") or request.POST.get("xa", ""))
    villages = list(AdminUnit.objects.filter(parent=commune, level=Level.VILLAGE, valid_to__isnull=True)
                    .order_by("name_folded"))
    orgs = list(Organisation.objects.filter(unit=commune, active=True))
    form = forms.TeamForm(request.POST or None, villages=villages, organisations=orgs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = set(data["villages"])
        try:
            team = services.create_team(
                request.user, commune, name=data["name"], kind=data["kind"],
                villages=[v for v in villages if v.code in chosen], founded_on=data["founded_on"],
                organisation=next((o for o in orgs if str(o.uuid) == data["organisation"]), None),
                reports_to=next((o for o in orgs if str(o.uuid) == data["reports_to"]), None), note=data["note"])
        except OutreachError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The team was created."))
            return redirect("outreach:team", uuid=team.uuid)
    return render(request, "outreach/team_form.html", {"form": form, "commune": commune, "team": None})


@login_required
def team_detail(request, uuid):
    team = get_for_read(Team.objects.select_related("commune", "organisation", "reports_to"), request.user,
                        uuid=uuid)
    members = list(team.members.select_related("person", "user").prefetch_related(
        "villages", Prefetch("recognitions", queryset=Champion_qs())).annotate(
        n_households=Count("households", distinct=True)))
    manage = services.can_manage_team(request.user, team)
    officer = Team.objects.for_user(request.user, "change").filter(pk=team.pk).exists()
    start, end = reports.default_period()
    activity = reports.member_activity(AdminUnit(pk=team.commune_id), start, end, team=team) if manage else []
    week_rows = reports.weeks(AdminUnit(pk=team.commune_id), start, end, team=team) if manage else []
    team_villages = list(team.villages.order_by("name_folded"))
    covered = []
    if manage:
        ids = {v.pk for v in team_villages}
        covered = [r for r in reports.villages_covered(AdminUnit(pk=team.commune_id)) if r["village"].pk in ids]
    return render(request, "outreach/team_detail.html", {
        "team": team, "members": members, "villages": team_villages, "covered": covered,
        "manage": manage, "officer": officer, "activity": activity, "weeks": week_rows,
        "status_form": forms.TeamStatusForm(initial={"status": team.status}),
        "member_form": forms.MemberForm(), "start": start, "end": end,
    })


def Champion_qs():  # noqa: N802 - a queryset factory used in Prefetch
    from binhdan.outreach.models import Champion

    return Champion.objects.select_related("recognised_by")


@login_required
def team_edit(request, uuid):
    team = Team.objects.for_user(request.user, "change").filter(uuid=uuid).select_related("commune").first()
    if team is None:
        raise PermissionDenied
    commune = team.commune
    villages = list(AdminUnit.objects.filter(parent=commune, level=Level.VILLAGE, valid_to__isnull=True)
                    .order_by("name_folded"))
    orgs = list(Organisation.objects.filter(unit=commune, active=True))
    initial = {"name": team.name, "kind": team.kind, "founded_on": team.founded_on, "note": team.note,
               "villages": list(team.villages.values_list("code", flat=True)),
               "organisation": str(team.organisation.uuid) if team.organisation else "",
               "reports_to": str(team.reports_to.uuid) if team.reports_to else ""}
    form = forms.TeamForm(request.POST or None, villages=villages, organisations=orgs, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = set(data["villages"])
        try:
            services.update_team(
                request.user, team, name=data["name"], villages=[v for v in villages if v.code in chosen],
                organisation=next((o for o in orgs if str(o.uuid) == data["organisation"]), None),
                reports_to=next((o for o in orgs if str(o.uuid) == data["reports_to"]), None), note=data["note"])
        except OutreachError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The team was changed."))
            return redirect("outreach:team", uuid=team.uuid)
    return render(request, "outreach/team_form.html", {"form": form, "commune": commune, "team": team})


@login_required
@require_POST
def team_status(request, uuid):
    team = Team.objects.for_user(request.user, "change").filter(uuid=uuid).first()
    if team is None:
        raise PermissionDenied
    form = forms.TeamStatusForm(request.POST)
    if form.is_valid():
        try:
            services.update_team(request.user, team, status=form.cleaned_data["status"], on=form.cleaned_data["on"])
        except OutreachError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The team was changed."))
    return redirect("outreach:team", uuid=team.uuid)


def _managed_team(request, uuid) -> Team:
    team = Team.objects.for_user(request.user, "view").filter(uuid=uuid).first()
    if team is None or not services.can_manage_team(request.user, team):
        raise PermissionDenied
    return team


@login_required
def member_add(request, uuid):
    team = _managed_team(request, uuid)
    form = forms.MemberForm(request.POST or None)
    q = request.GET.get("q", "").strip()
    found = list(Person.objects.filter(commune_id=team.commune_id, valid_to__isnull=True).search(q)
                 .order_by("name_folded")[:SEARCH_LIMIT]) if q else []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = Person.objects.filter(commune_id=team.commune_id, uuid=data["person"]).first() \
            if data.get("person") else None
        account = None
        if data.get("username"):
            account = User.objects.filter(username=data["username"]).first()
            if account is None:
                form.add_error("username", _("No such user account."))
        if form.is_valid():
            try:
                services.add_member(request.user, team, full_name=data["full_name"], person=person, account=account,
                                    role=data["role"], joined_on=data["joined_on"])
            except OutreachError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The member was added."))
                return redirect("outreach:team", uuid=team.uuid)
    return render(request, "outreach/member_form.html", {"form": form, "team": team, "q": q, "found": found})


def _managed_member(request, uuid) -> TeamMember:
    member = TeamMember.objects.for_user(request.user, "view").filter(uuid=uuid).select_related("team").first()
    if member is None or not services.can_manage_team(request.user, member.team):
        raise PermissionDenied
    return member


@login_required
def member_assign(request, uuid):
    member = _managed_member(request, uuid)
    team = member.team
    villages = list(team.villages.order_by("name_folded"))
    initial = {"villages": list(member.villages.values_list("code", flat=True)),
               "households": "\n".join(member.households.values_list("code", flat=True))}
    form = forms.AssignForm(request.POST or None, villages=villages, initial=initial)
    if request.method == "POST" and form.is_valid():
        chosen = set(form.cleaned_data["villages"])
        codes = [c.strip() for c in form.cleaned_data["households"].splitlines() if c.strip()]
        households = list(Household.objects.filter(commune_id=team.commune_id, code__in=codes))
        missing = set(codes) - {h.code for h in households}
        if missing:
            form.add_error("households", _("Unknown household codes: %(codes)s") % {"codes": ", ".join(sorted(missing))})
        else:
            try:
                services.assign_member(request.user, member, villages=[v for v in villages if v.code in chosen],
                                       households=households)
            except OutreachError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Assignments saved."))
                return redirect("outreach:team", uuid=team.uuid)
    return render(request, "outreach/assign_form.html", {"form": form, "member": member, "team": team})


@login_required
@require_POST
def member_end(request, uuid):
    member = _managed_member(request, uuid)
    services.end_membership(request.user, member, on=parse_date(request.POST.get("on") or "") or None)
    messages.success(request, _("%(name)s left the team.") % {"name": member.full_name})
    return redirect("outreach:team", uuid=member.team.uuid)


@login_required
def champion_add(request, uuid):
    member = TeamMember.objects.for_user(request.user, "change").filter(uuid=uuid).select_related("team").first()
    if member is None:
        raise PermissionDenied
    orgs = list(Organisation.objects.filter(unit_id=member.team.commune_id, active=True)) + \
        list(Organisation.objects.filter(unit_id=member.team.province_id, active=True))
    form = forms.ChampionForm(request.POST or None, organisations=orgs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.recognise_champion(request.user, member, on=data["recognised_on"],
                                        by=next((o for o in orgs if str(o.uuid) == data["recognised_by"]), None),
                                        by_name=data["recognised_by_name"], note=data["note"])
        except OutreachError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%(name)s was recognised as a village digital champion.")
                             % {"name": member.full_name})
            return redirect("outreach:team", uuid=member.team.uuid)
    return render(request, "outreach/champion_form.html", {"form": form, "member": member})


# --- commune pages --------------------------------------------------------------------------

def _report_commune(request, code) -> AdminUnit:
    commune = AdminUnit.objects.filter(code=code, level=Level.COMMUNE).first()
    if commune is None or not services.covers(request.user, commune, REPORT_ROLES):
        raise Http404
    return commune


def _period(request) -> tuple[datetime.date, datetime.date]:
    start, end = reports.default_period()
    start = parse_date(request.GET.get("tu", "") or "") or start
    end = parse_date(request.GET.get("den", "") or "") or end
    if start > end:
        start, end = end, start
    return start, end


@login_required
def commune_report(request, code):
    commune = _report_commune(request, code)
    start, end = _period(request)
    rows = reports.member_activity(commune, start, end)
    return render(request, "outreach/commune.html", {
        "commune": commune, "start": start, "end": end, "rows": rows, "teams": reports.team_totals(rows),
        "weeks": reports.weeks(commune, start, end), "villages": reports.villages_covered(commune),
        "inactive": [r for r in rows if r["inactive"]],
    })


@login_required
def commune_xlsx(request, code):
    commune = _report_commune(request, code)
    start, end = _period(request)
    data = reports.workbook(commune, start, end)
    audit.record(request.user, AuditLog.Action.EXPORT, commune, note=f"outreach {start}..{end}")
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="to-cong-nghe-so-{commune.code}-{end:%Y%m%d}.xlsx"'
    return response
