from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from binhdan.core.models import AuditLog
from binhdan.core.querysets import assignments
from binhdan.core.scoping import get_for_read
from binhdan.geo.models import AdminUnit


def home(request):
    return render(request, "core/home.html")


@login_required
def console_index(request):
    unit_ids = sorted({unit_id for _role, unit_id, *_ in assignments(request.user)})
    units = list(AdminUnit.objects.filter(pk__in=unit_ids).order_by("level", "name_folded"))
    if request.user.is_superuser and not units:
        units = list(AdminUnit.objects.filter(level=0))
    roles = {role for role, *_ in assignments(request.user)}
    field_worker = bool(roles & {"team_leader", "team_member"})
    if len(units) == 1 and not field_worker:
        return redirect("console:unit", code=units[0].code)
    return render(request, "core/console.html", {"units": units, "field_worker": field_worker})


@login_required
def audit_list(request):
    qs = AuditLog.objects.for_user(request.user, "view").select_related("user")
    action = request.GET.get("action")
    if action in AuditLog.Action.values:
        qs = qs.filter(action=action)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_list.html", {"page": page, "actions": AuditLog.Action.choices,
                                                    "action": action})


@login_required
def audit_detail(request, uuid):
    entry = get_for_read(AuditLog.objects.select_related("user"), request.user, uuid=uuid)
    return render(request, "core/audit_detail.html", {"entry": entry})
