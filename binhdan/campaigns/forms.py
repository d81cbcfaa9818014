from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from binhdan.campaigns.models import Activity, Commendation, Plan, Report, Task
from binhdan.core.querysets import assignments
from binhdan.geo.models import AdminUnit, Organisation


def units_for(user, roles, levels=(1, 2, 3)):
    """Open units, at the given levels, inside the subtree of one of the user's assignments with these roles."""
    qs = AdminUnit.objects.filter(valid_to__isnull=True, level__in=levels)
    if user.is_superuser:
        return qs.order_by("level", "name_folded")
    cond = Q(pk__in=[])
    for role, _unit, _level, path in assignments(user):
        if role in roles:
            cond |= Q(path__startswith=path)
    return qs.filter(cond).order_by("level", "path")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class DateInput(forms.DateInput):
    input_type = "text"

    def __init__(self, **kwargs):
        super().__init__(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}, **kwargs)


class PlanForm(forms.ModelForm):
    unit = UnitChoiceField(label=_("Unit covered"), queryset=AdminUnit.objects.none())

    class Meta:
        model = Plan
        fields = ["unit", "number", "issued_on", "issuing_body", "title", "summary"]
        widgets = {"issued_on": DateInput(), "summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from binhdan.campaigns.models import OFFICERS

        self.fields["unit"].queryset = units_for(user, OFFICERS, levels=(1, 2))


class PhaseForm(forms.Form):
    name = forms.CharField(label=_("Phase"), max_length=200)
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput())
    goals = forms.CharField(label=_("Goals"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            raise forms.ValidationError(_("A phase cannot end before it starts."))
        return data


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), widget=forms.Textarea(attrs={"rows": 2}))
    lead_organisations = forms.ModelMultipleChoiceField(label=_("Lead unit"), queryset=Organisation.objects.none())
    partners_text = forms.CharField(label=_("Partner units"), max_length=500, required=False)
    time_text = forms.CharField(label=_("Time frame (e.g. Quý III/2026, Tháng 10/2026)"), max_length=200,
                                required=False)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        from binhdan.campaigns.importer import organisation_index

        ids = {o.pk for o in organisation_index(plan).values()}
        self.fields["lead_organisations"].queryset = Organisation.objects.filter(pk__in=ids).order_by("name")


class TaskUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Task.Status.choices)
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    result = forms.CharField(label=_("Result"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("File"), required=False)
    url = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")
    note = forms.CharField(label=_("Description"), max_length=255, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("url"):
            raise forms.ValidationError(_("Attach a file or give a link."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("XLSX or CSV file (columns: STT, task, lead unit, partners, time, note)"))


class ActivityForm(forms.ModelForm):
    unit = UnitChoiceField(label=_("Place"), queryset=AdminUnit.objects.none())

    class Meta:
        model = Activity
        fields = ["kind", "on", "unit", "organiser", "title", "quantity", "people_reached", "evidence_url",
                  "evidence_file"]
        widgets = {"on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from binhdan.campaigns.models import RECORDERS

        units = units_for(user, RECORDERS)
        self.fields["unit"].queryset = units
        self.fields["organiser"].queryset = Organisation.objects.filter(
            unit__in=units.filter(level__lte=2), active=True).order_by("name")


class ReportForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = ["symbol", "dated", "place_name", "title", "results_text", "limitations_text", "causes_text",
                  "proposals_text", "recipients", "signing_capacity", "signer_title", "signer_name"]
        widgets = {"dated": DateInput(), **{f: forms.Textarea(attrs={"rows": 6}) for f in (
            "results_text", "limitations_text", "causes_text", "proposals_text")},
                   "recipients": forms.Textarea(attrs={"rows": 4})}


class ReviewForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class CommendationForm(forms.Form):
    unit = UnitChoiceField(label=_("Place"), queryset=AdminUnit.objects.none())
    subject = forms.ChoiceField(label=_("Nominee is a"), choices=Commendation.Subject.choices)
    category = forms.ChoiceField(label=_("For"), choices=Commendation.Category.choices)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    person = forms.UUIDField(label=_("Person in the register (optional)"), required=False)
    achievements = forms.CharField(label=_("Achievements"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from binhdan.campaigns.models import RECORDERS

        self.fields["unit"].queryset = units_for(user, RECORDERS)

    def clean(self):
        data = super().clean()
        if not data.get("name") and not data.get("person"):
            raise forms.ValidationError(_("Give the nominee's name or choose the person."))
        return data


class DecideForm(forms.Form):
    decision = forms.CharField(label=_("Decision number"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
