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


def filtered_page(request, queryset, field: str, choices, per_page: int = 50):
    """One page of `queryset`, filtered on `field` by the ?field= parameter when it is a known choice."""
    value = request.GET.get(field)
    if value in {v for v, _label in choices}:
        queryset = queryset.filter(**{field: value})
    else:
        value = None
    return Paginator(queryset, per_page).get_page(request.GET.get("page")), value


@login_required
def audit_list(request):
    qs = AuditLog.objects.for_user(request.user, "view").select_related("user")
    page, action = filtered_page(request, qs, "action", AuditLog.Action.choices)
    return render(request, "core/audit_list.html", {"page": page, "actions": AuditLog.Action.choices,
                                                    "action": action})


@login_required
def audit_detail(request, uuid):
    entry = get_for_read(AuditLog.objects.select_related("user"), request.user, uuid=uuid)
    return render(request, "core/audit_detail.html", {"entry": entry})
