from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binhdan.geo.models import AdminUnit
from binhdan.kpi import registry as reg


class TargetForm(forms.Form):
    indicator = forms.ChoiceField(label=_("Indicator"))
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=AdminUnit.objects.none(), to_field_name="code")
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("Quarter"), required=False, coerce=int, empty_value=None,
                                     choices=[("", _("whole year")), (1, "1"), (2, "2"), (3, "3"), (4, "4")])
    value = forms.CharField(label=_("Target (percent for a share, number for a count)"), max_length=20)
    note = forms.CharField(label=_("Source or note"), required=False, max_length=255)

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [(i.code, i.name) for i in reg.INDICATORS]
        units = AdminUnit.objects.filter(pk=unit.pk) | AdminUnit.objects.filter(parent=unit, valid_to__isnull=True)
        self.fields["unit"].queryset = units.order_by("level", "name_folded")
        self.fields["unit"].initial = unit.code
        self.fields["year"].initial = timezone.localdate().year


class TargetImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (XLSX or CSV)"))
