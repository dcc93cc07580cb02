"""Forms for the console's steps. They check shape (a date is a date); the services check
meaning (the reason exists, the offer is eligible, the time is in the future)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReasonForm(forms.Form):
    reason = forms.IntegerField(
        label=_("Reason"), error_messages={"required": _("Choose a reason from the list.")}
    )
    note = forms.CharField(label=_("In the customer's words"), required=False, max_length=2000)
    competitor_name = forms.CharField(label=_("Competitor"), required=False, max_length=100)
    competitor_offer = forms.CharField(
        label=_("What the competitor offered"), required=False, max_length=2000
    )


class OfferForm(forms.Form):
    offer = forms.IntegerField(error_messages={"required": _("Choose an offer.")})


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class AcceptForm(forms.Form):
    new_address = forms.CharField(label=_("New address"), required=False, max_length=200)


class InsistForm(NoteForm):
    effective_date = forms.DateField(label=_("Effective date"), required=False)


class RequoteForm(forms.Form):
    effective_date = forms.DateField(label=_("Effective date"))


class ConfirmForm(NoteForm):
    pickup_date = forms.DateField(label=_("Pickup date"))


class CallbackForm(NoteForm):
    callback_at = forms.DateTimeField(
        label=_("Call back at"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )

    def clean_callback_at(self):
        value = self.cleaned_data["callback_at"]
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value


class CustomerTypeForm(forms.Form):
    customer_type = forms.IntegerField(required=False)


class NotesForm(forms.Form):
    notes = forms.CharField(required=False, max_length=20000)
