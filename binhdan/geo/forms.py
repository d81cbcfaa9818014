from django import forms
from django.utils.translation import gettext_lazy as _

from binhdan.core.text import clean_name, fold
from binhdan.geo.models import VILLAGE_KINDS, AdminUnit


class VillageForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=[(k.value, k.label) for k in VILLAGE_KINDS])

    def __init__(self, *args, commune: AdminUnit, village: AdminUnit | None = None, **kwargs):
        self.commune, self.village = commune, village
        super().__init__(*args, **kwargs)

    def clean_name(self):
        name = clean_name(self.cleaned_data["name"])
        clash = AdminUnit.objects.filter(parent=self.commune, name_folded=fold(name), valid_to__isnull=True)
        if self.village is not None:
            clash = clash.exclude(pk=self.village.pk)
        if clash.exists():
            raise forms.ValidationError(_("A village with this name already exists in the commune."))
        return name


class CloseUnitForm(forms.Form):
    valid_to = forms.DateField(label=_("Closed on"))
    successor = forms.ModelChoiceField(label=_("Merged into (optional)"), queryset=AdminUnit.objects.none(),
                                       required=False)

    def __init__(self, *args, unit: AdminUnit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = AdminUnit.objects.filter(
            parent_id=unit.parent_id, valid_to__isnull=True
        ).exclude(pk=unit.pk)


class VillageImportForm(forms.Form):
    file = forms.FileField(label=_("XLSX or CSV file (columns: name, kind)"))


class OrganisationForm(forms.ModelForm):
    class Meta:
        from binhdan.geo.models import Organisation

        model = Organisation
        fields = ["kind", "name", "phone", "active"]

    def __init__(self, *args, unit: AdminUnit, **kwargs):
        self.unit = unit
        super().__init__(*args, **kwargs)

    def clean_name(self):
        name = clean_name(self.cleaned_data["name"])
        clash = type(self.instance).objects.filter(unit=self.unit, name=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("An organisation with this name already exists in this unit."))
        return name
