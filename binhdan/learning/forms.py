from django import forms
from django.utils.translation import gettext_lazy as _

from binhdan.learning import pii

_PIN_ATTRS = {"inputmode": "numeric", "pattern": "[0-9]{6}", "maxlength": "6", "autocomplete": "off",
              "class": "pin"}


class PinField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("6-digit PIN"))
        super().__init__(min_length=6, max_length=6, widget=forms.PasswordInput(attrs=_PIN_ATTRS), **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value and not value.isdigit():
            raise forms.ValidationError(_("The PIN must be exactly 6 digits."), code="pin")
        return value


class PhoneField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Phone number"))
        super().__init__(max_length=20, widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel",
                                                                     "autocomplete": "tel"}), **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value and not pii.normalise_phone(value):
            raise forms.ValidationError(_("This is not a Vietnamese phone number."), code="phone")
        return pii.normalise_phone(value) if value else ""


class SignUpForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    phone = PhoneField()
    pin = PinField()
    pin2 = PinField(label=_("The same PIN again"))

    def clean(self):
        data = super().clean()
        if data.get("pin") and data.get("pin2") and data["pin"] != data["pin2"]:
            self.add_error("pin2", _("The two PINs are not the same."))
        return data


class PhoneSignInForm(forms.Form):
    phone = PhoneField()
    pin = PinField()


class CardSignInForm(forms.Form):
    pin = PinField()


class CreateLearnerForm(forms.Form):
    """A team member creates an account for a learner (phone optional)."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    village = forms.ModelChoiceField(label=_("Village"), queryset=None, to_field_name="code")
    phone = PhoneField(required=False)
    pin = PinField()

    def __init__(self, *args, villages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revoking"), max_length=255)
