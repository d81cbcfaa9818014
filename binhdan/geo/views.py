from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from binhdan.core import audit
from binhdan.core.scoping import can, get_for_read, get_for_write
from binhdan.core.views import filtered_page
from binhdan.geo import services
from binhdan.geo.forms import CloseUnitForm, OrganisationForm, VillageForm, VillageImportForm
from binhdan.geo.models import AdminUnit, Level, Organisation


def breadcrumb(user, unit):
    """Ancestors of the unit; each links only when the user may open it."""
    ancestors = unit.ancestors()
    visible = set(
        AdminUnit.objects.for_user(user, "view").filter(pk__in=[a.pk for a in ancestors]).values_list("pk", flat=True)
    )
    return [(a, a.pk in visible) for a in ancestors]


@login_required
def unit_detail(request, code):
    unit = get_for_read(AdminUnit.objects.select_related("parent", "successor"), request.user, code=code)
    children = AdminUnit.objects.filter(parent=unit)
    show_closed = request.GET.get("closed") == "1"
    if not show_closed:
        children = children.filter(valid_to__isnull=True)
    query = request.GET.get("q", "").strip()
    if query:
        children = children.filter(name_folded__contains=services.fold(query))
    if unit.level == Level.NATION:
        children = children.annotate(n_children=Count("children", filter=Q(children__valid_to__isnull=True)))
    elif unit.level == Level.PROVINCE:
        children = children.annotate(n_children=Count("children", filter=Q(children__valid_to__isnull=True)))
    page = Paginator(children.order_by("name_folded"), 100).get_page(request.GET.get("page"))
    context = {
        "unit": unit,
        "crumbs": breadcrumb(request.user, unit),
        "page": page,
        "query": query,
        "show_closed": show_closed,
        "organisations": Organisation.objects.for_user(request.user, "view").filter(unit=unit).in_kind_order(),
        "can_change": can(request.user, "change", unit),
        "is_commune": unit.level == Level.COMMUNE,
        "is_village": unit.level == Level.VILLAGE,
    }
    return render(request, "geo/unit_detail.html", context)


@login_required
def village_create(request, code):
    commune = get_for_write(AdminUnit.objects.filter(level=Level.COMMUNE), request.user, code=code)
    form = VillageForm(request.POST or None, commune=commune)
    if request.method == "POST" and form.is_valid():
        village = services.create_village(request.user, commune, form.cleaned_data["name"], form.cleaned_data["kind"])
        messages.success(request, _("Village “%(name)s” was added.") % {"name": village.name})
        return redirect("console:unit", code=commune.code)
    return render(request, "geo/village_form.html", {"form": form, "commune": commune,
                                                     "crumbs": breadcrumb(request.user, commune)})


@login_required
def village_edit(request, code):
    village = get_for_write(AdminUnit.objects.filter(level=Level.VILLAGE), request.user, code=code)
    commune = village.parent
    form = VillageForm(request.POST or None, commune=commune, village=village,
                       initial={"name": village.name, "kind": village.kind})
    close_form = CloseUnitForm(unit=village)
    if request.method == "POST" and form.is_valid():
        village.name, village.kind = form.cleaned_data["name"], form.cleaned_data["kind"]
        audit.audited_save(request.user, village)
        messages.success(request, _("Saved."))
        return redirect("console:unit", code=village.code)
    return render(request, "geo/village_form.html", {"form": form, "commune": commune, "village": village,
                                                     "close_form": close_form,
                                                     "crumbs": breadcrumb(request.user, village)})


@login_required
def unit_close(request, code):
    unit = get_for_write(AdminUnit.objects.filter(level=Level.VILLAGE), request.user, code=code)
    form = CloseUnitForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        try:
            services.close_unit(request.user, unit, form.cleaned_data["valid_to"], form.cleaned_data["successor"])
        except ValueError as exc:
            form.add_error("successor", str(exc))
        else:
            messages.success(request, _("“%(name)s” was closed; its history is kept.") % {"name": unit.name})
            return redirect("console:unit", code=unit.parent.code)
    return render(request, "geo/village_form.html", {"form": VillageForm(commune=unit.parent, village=unit,
                                                     initial={"name": unit.name, "kind": unit.kind}),
                                                     "commune": unit.parent, "village": unit, "close_form": form,
                                                     "crumbs": breadcrumb(request.user, unit)})


@login_required
def village_import(request, code):
    commune = get_for_write(AdminUnit.objects.filter(level=Level.COMMUNE), request.user, code=code)
    form = VillageImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        commit = request.POST.get("commit") == "1"
        result = services.import_villages(request.user, commune, upload.read(), upload.name, commit=commit)
        if commit and not result.problems:
            messages.success(request, _("Villages: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
                             % {"created": len(result.created), "updated": len(result.updated),
                                "unchanged": len(result.unchanged)})
            return redirect("console:unit", code=commune.code)
    return render(request, "geo/village_import.html", {"form": form, "commune": commune, "result": result,
                                                       "crumbs": breadcrumb(request.user, commune)})


@login_required
def organisation_list(request):
    qs = Organisation.objects.for_user(request.user, "view").select_related("unit")
    page, kind = filtered_page(request, qs, "kind", Organisation.Kind.choices)
    return render(request, "geo/organisation_list.html", {"page": page, "kinds": Organisation.Kind.choices,
                                                          "kind": kind})


@login_required
def organisation_detail(request, uuid):
    org = get_for_read(Organisation.objects.select_related("unit"), request.user, uuid=uuid)
    return render(request, "geo/organisation_detail.html", {"org": org, "crumbs": breadcrumb(request.user, org.unit),
                                                            "can_change": can(request.user, "change", org)})


@login_required
def organisation_create(request, code):
    unit = get_for_write(AdminUnit.objects.exclude(level=Level.NATION), request.user, code=code)
    form = OrganisationForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        org = form.save(commit=False)
        org.unit = unit
        audit.audited_save(request.user, org)
        messages.success(request, _("Saved."))
        return redirect("console:organisation", uuid=org.uuid)
    return render(request, "geo/organisation_form.html", {"form": form, "unit": unit,
                                                          "crumbs": breadcrumb(request.user, unit)})


@login_required
def organisation_edit(request, uuid):
    org = get_for_write(Organisation.objects.select_related("unit"), request.user, uuid=uuid)
    form = OrganisationForm(request.POST or None, instance=org, unit=org.unit)
    if request.method == "POST" and form.is_valid():
        audit.audited_save(request.user, form.save(commit=False))
        messages.success(request, _("Saved."))
        return redirect("console:organisation", uuid=org.uuid)
    return render(request, "geo/organisation_form.html", {"form": form, "unit": org.unit, "org": org,
                                                          "crumbs": breadcrumb(request.user, org.unit)})
