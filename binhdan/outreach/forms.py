"""Forms of the field pages. They only check shapes; the services check scope and meaning."""

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binhdan.outreach.models import CommunityClass, DeviceGift, Mode, Team, TeamMember, VisitStatus


def _today():
    return timezone.localdate()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class SessionForm(forms.Form):
    uid = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    code = forms.CharField(widget=forms.HiddenInput, required=False)
    person = forms.UUIDField(label=_("Person"), required=False, widget=forms.HiddenInput)
    mode = forms.ChoiceField(label=_("Where"), choices=Mode.choices, initial=Mode.HOME)
    date = forms.DateField(label=_("Date"), initial=_today, widget=DateInput)
    start_time = forms.TimeField(label=_("Start time"), required=False,
                                 widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    minutes = forms.IntegerField(label=_("Minutes"), initial=20,
                                 widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": 1440}))
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=500,
                           widget=forms.TextInput)


class NewPersonForm(forms.Form):
    uid = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    birth_year = forms.IntegerField(label=_("Year of birth"), required=False, min_value=1900,
                                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    sex = forms.ChoiceField(label=_("Sex"), required=False,
                            choices=[("", "—"), ("M", _("male")), ("F", _("female"))])
    village = forms.ChoiceField(label=_("Village"))
    household = forms.UUIDField(required=False, widget=forms.HiddenInput)
    address = forms.CharField(label=_("Address (new household)"), required=False, max_length=255)

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [(v.code, v.name) for v in villages]


class VisitForm(forms.Form):
    uid = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    status = forms.ChoiceField(label=_("Visit"), choices=[c for c in VisitStatus.choices
                                                         if c[0] != VisitStatus.NOT_VISITED])
    date = forms.DateField(label=_("Date"), initial=_today, widget=DateInput)
    follow_up_on = forms.DateField(label=_("Follow up on"), required=False, widget=DateInput)
    note = forms.CharField(label=_("Note"), required=False, max_length=255)


class MeetingForm(forms.Form):
    uid = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    date = forms.DateField(label=_("Date"), initial=_today, widget=DateInput)
    minutes = forms.IntegerField(label=_("Minutes"), initial=60,
                                 widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": 1440}))
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=255)


class DeviceForm(forms.Form):
    uid = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    household = forms.UUIDField(label=_("Household"), widget=forms.HiddenInput)
    recipient = forms.ChoiceField(label=_("Received by"), required=False)
    donor = forms.CharField(label=_("Given by"), max_length=200)
    device = forms.CharField(label=_("Device"), max_length=120)
    condition = forms.ChoiceField(label=_("Condition"), choices=DeviceGift.Condition.choices)
    given_on = forms.DateField(label=_("Given on"), initial=_today, widget=DateInput)
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=255)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].choices = [("", "—")] + [(str(p.uuid), p.full_name) for p in members]


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Team.Kind.choices)
    villages = forms.MultipleChoiceField(label=_("Villages covered"), widget=forms.CheckboxSelectMultiple)
    founded_on = forms.DateField(label=_("Founded on"), initial=_today, widget=DateInput)
    organisation = forms.ChoiceField(label=_("Run by"), required=False)
    reports_to = forms.ChoiceField(label=_("Reports to"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=255)

    def __init__(self, *args, villages=(), organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["villages"].choices = [(v.code, v.name) for v in villages]
        orgs = [("", "—")] + [(str(o.uuid), o.name) for o in organisations]
        self.fields["organisation"].choices = orgs
        self.fields["reports_to"].choices = orgs


class TeamStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Team.Status.choices)
    on = forms.DateField(label=_("Date"), initial=_today, widget=DateInput)


class MemberForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    person = forms.UUIDField(required=False, widget=forms.HiddenInput)
    role = forms.ChoiceField(label=_("Role"), choices=TeamMember.Role.choices, initial=TeamMember.Role.MEMBER)
    username = forms.CharField(label=_("User account (if they sign in)"), required=False, max_length=150)
    joined_on = forms.DateField(label=_("Joined on"), initial=_today, widget=DateInput)


class AssignForm(forms.Form):
    villages = forms.MultipleChoiceField(label=_("Villages"), required=False, widget=forms.CheckboxSelectMultiple)
    households = forms.CharField(label=_("Household codes, one per line"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["villages"].choices = [(v.code, v.name) for v in villages]


class ChampionForm(forms.Form):
    recognised_on = forms.DateField(label=_("Recognised on"), initial=_today, widget=DateInput)
    recognised_by = forms.ChoiceField(label=_("Recognised by"), required=False)
    recognised_by_name = forms.CharField(label=_("Or the unit's name"), required=False, max_length=200)
    note = forms.CharField(label=_("Note"), required=False, max_length=255)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recognised_by"].choices = [("", "—")] + [(str(o.uuid), o.name) for o in organisations]


class ClassForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=CommunityClass.Kind.choices)
    village = forms.ChoiceField(label=_("Village"))
    venue = forms.CharField(label=_("Venue"), max_length=200)
    schedule = forms.CharField(label=_("Schedule"), required=False, max_length=200)
    skills = forms.MultipleChoiceField(label=_("Skills covered"), required=False,
                                       widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, villages=(), skills=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [(v.code, v.name) for v in villages]
        self.fields["skills"].choices = [(s.code, s.title) for s in skills]
