"""Forms of the register. Values are checked by the same parsers as the importer."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from binhdan.core import pii
from binhdan.core.text import fold
from binhdan.geo.models import AdminUnit, Level
from binhdan.people import parsing
from binhdan.people.ethnicity import ETHNICITY_CHOICES, KINH
from binhdan.people.importer import FIELDS, field_labels
from binhdan.people.models import SEGMENTS, EndReason, Household, Person

SEGMENT_FIELDS = [name for name, _label in SEGMENTS]


class HouseholdChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        head = obj.head.full_name if obj.head_id and obj.head else "—"
        return f"{obj.code or '—'} · {head}"


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    birth = forms.CharField(label=_("Date of birth (dd/mm/yyyy) or year of birth"), max_length=20, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Person.Sex.choices], required=False)
    ethnicity = forms.ChoiceField(label=_("Ethnicity"), choices=ETHNICITY_CHOICES, initial=KINH)
    village = forms.ModelChoiceField(label=_("Village"), queryset=AdminUnit.objects.none(), to_field_name="code")
    household = HouseholdChoiceField(label=_("Household"), queryset=Household.objects.none(), to_field_name="uuid",
                                     required=False)
    new_household = forms.BooleanField(label=_("Start a new household"), required=False)
    relation = forms.ChoiceField(label=_("Relation to head"), choices=[("", "—"), *Person.Relation.choices],
                                 required=False)
    id_number = forms.CharField(label=_("ID number (CCCD or CMND)"), max_length=20, required=False,
                                help_text=_("Only a keyed fingerprint and the last 4 digits are kept."))
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}))
    clear_phone = forms.BooleanField(label=_("Remove the phone number"), required=False)
    is_official = forms.BooleanField(label=_("public official"), required=False)
    is_student = forms.BooleanField(label=_("student"), required=False)
    is_worker = forms.BooleanField(label=_("enterprise or cooperative worker"), required=False)
    is_trader = forms.BooleanField(label=_("small trader"), required=False)
    is_farmer = forms.BooleanField(label=_("farmer"), required=False)
    has_disability = forms.BooleanField(label=_("person with disability"), required=False)
    has_smartphone = forms.BooleanField(label=_("has a smartphone"), required=False)
    vneid_level = forms.TypedChoiceField(label=_("VNeID account"), choices=Person.VNeID.choices, coerce=int,
                                         initial=0)
    has_bank_account = forms.BooleanField(label=_("digital bank account"), required=False)
    uses_email = forms.BooleanField(label=_("uses email"), required=False)
    uses_zalo = forms.BooleanField(label=_("uses Zalo"), required=False)
    consent_at = forms.DateField(label=_("Consent to data processing given on (dd/mm/yyyy)"), required=False)
    consent_source = forms.ChoiceField(label=_("Consent recorded from"),
                                       choices=[("", "—"), *Person.ConsentSource.choices], required=False)

    def __init__(self, *args, commune: AdminUnit, person: Person | None = None, village: AdminUnit | None = None,
                 **kwargs):
        self.commune, self.person = commune, person
        if person is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_for(person)
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = AdminUnit.objects.filter(parent=commune, level=Level.VILLAGE,
                                                                   valid_to__isnull=True).order_by("name_folded")
        if village is not None and not self.is_bound and "village" not in self.initial:
            self.initial["village"] = village.code
        households = Household.objects.filter(commune=commune, valid_to__isnull=True).select_related("head")
        shown = village or (person.village if person else None)
        if shown is not None:
            households = households.filter(village=shown)
        self.fields["household"].queryset = households.order_by("code", "pk")
        if person is not None:
            self.fields["id_number"].help_text = _("Leave blank to keep the ID number on record (ending %(last4)s).") \
                % {"last4": person.id_last4 or "—"}
            self.fields["phone"].help_text = _("Leave blank to keep the phone number on record (%(masked)s).") \
                % {"masked": person.phone_masked or "—"}

    def clean_full_name(self):
        try:
            return parsing.parse_name(self.cleaned_data["full_name"])
        except parsing.Invalid as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_birth(self):
        try:
            return parsing.parse_birth(self.cleaned_data["birth"])
        except parsing.Invalid as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_id_number(self):
        try:
            number = parsing.parse_id_number(self.cleaned_data["id_number"])
        except parsing.Invalid as exc:
            raise forms.ValidationError(str(exc)) from exc
        if number:
            clash = Person.objects.filter(commune=self.commune, id_hash=pii.id_hash(number), valid_to__isnull=True)
            if self.person is not None:
                clash = clash.exclude(pk=self.person.pk)
            if clash.exists():
                raise forms.ValidationError(_("Another person in this commune has this ID number."))
        return number

    def clean_phone(self):
        try:
            return parsing.parse_phone(self.cleaned_data["phone"])
        except parsing.Invalid as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self):
        data = super().clean()
        village, household = data.get("village"), data.get("household")
        if household is not None and village is not None and household.village_id != village.pk:
            self.add_error("household", _("This household is in another village."))
        if household is not None and data.get("new_household"):
            self.add_error("new_household", _("Choose a household or start a new one, not both."))
        birth = data.get("birth") or (None, None)
        if data.get("full_name") and village is not None and not data.get("id_number"):
            clash = Person.objects.filter(commune=self.commune, village=village, valid_to__isnull=True,
                                          name_folded=fold(data["full_name"]))
            if birth[0]:
                clash = clash.filter(birth_date=birth[0])
            elif birth[1]:
                clash = clash.filter(birth_year=birth[1])
            if self.person is not None:
                clash = clash.exclude(pk=self.person.pk)
            if (birth[0] or birth[1]) and clash.exists():
                self.add_error("full_name", _("A person with this name and birth date is already registered in "
                                              "this village."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        birth_date, birth_year = data["birth"] or (None, None)
        values = {
            "full_name": data["full_name"], "birth_date": birth_date, "birth_year": birth_year,
            "sex": data["sex"], "ethnicity": data["ethnicity"], "relation": data["relation"],
            "vneid_level": data["vneid_level"], "consent_at": data["consent_at"],
            "consent_source": data["consent_source"] if data["consent_at"] else "",
        }
        for name in (*SEGMENT_FIELDS, "has_smartphone", "has_bank_account", "uses_email", "uses_zalo"):
            values[name] = bool(data.get(name))
        if data["consent_at"] and not values["consent_source"]:
            values["consent_source"] = Person.ConsentSource.PAPER
        phone = "" if data.get("clear_phone") else (data["phone"] or None)
        return {
            "village": data["village"], "data": values,
            "id_number": data["id_number"] or None, "phone": phone,
            "household": data["household"], "new_household": data["new_household"],
        }


def initial_for(person: Person) -> dict:
    initial = {name: getattr(person, name) for name in (
        "full_name", "sex", "ethnicity", "relation", "vneid_level", "consent_at", "consent_source", *SEGMENT_FIELDS,
        "has_smartphone", "has_bank_account", "uses_email", "uses_zalo")}
    initial["birth"] = person.birth_display
    initial["village"] = person.village.code if person.village_id else None
    initial["household"] = person.household.uuid if person.household_id else None
    return initial


class EndPersonForm(forms.Form):
    on = forms.DateField(label=_("Date (dd/mm/yyyy)"))
    reason = forms.ChoiceField(label=_("Reason"), choices=EndReason.choices)
    note = forms.CharField(label=_("Note (e.g. where they moved)"), max_length=255, required=False)


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("Excel (.xlsx) or CSV file"))
    village = forms.ModelChoiceField(
        label=_("All rows belong to this village (leave blank if the file has a village column)"),
        queryset=AdminUnit.objects.none(), to_field_name="code", required=False)

    def __init__(self, *args, commune: AdminUnit, village: AdminUnit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = AdminUnit.objects.filter(parent=commune, level=Level.VILLAGE,
                                                                   valid_to__isnull=True).order_by("name_folded")
        if village is not None:
            self.initial["village"] = village.code

    def clean_file(self):
        from django.conf import settings

        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s MB; the limit is %(limit)s MB.")
                % {"size": round(upload.size / 1048576, 1), "limit": round(limit / 1048576, 1)})
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload


class MappingForm(forms.Form):
    """One select per field: which column of the file holds it."""

    def __init__(self, *args, columns: list, mapping: dict, **kwargs):
        super().__init__(*args, **kwargs)
        labels = field_labels()
        choices = [("", _("— not in the file —"))] + [
            (str(index), f"{letter}: {text}" if text else letter) for index, letter, text in columns]
        for name in FIELDS:
            self.fields[name] = forms.ChoiceField(label=labels[name], choices=choices, required=False,
                                                  initial=str(mapping[name]) if name in mapping else "")

    def clean(self):
        data = super().clean()
        chosen = [v for v in data.values() if v not in ("", None)]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError(_("A column can hold only one field."))
        if not data.get("full_name"):
            self.add_error("full_name", _("Choose the column that holds the full name."))
        return data

    def mapping(self) -> dict:
        return {k: int(v) for k, v in self.cleaned_data.items() if v not in ("", None)}
