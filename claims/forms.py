from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import submission_field

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class ClaimOpenForm(forms.Form):
    subject = forms.CharField(label=_("What is the claim about?"), max_length=200)
    contract = forms.IntegerField(required=False)
    submission = submission_field()


class TextForm(forms.Form):
    """One free-text field, which the step's guard checks (the service says what is missing)."""

    text = forms.CharField(required=False, max_length=5000)


class CauseForm(forms.Form):
    root_cause = forms.CharField(required=False, max_length=30)
    text = forms.CharField(required=False, max_length=5000)


class ResponseForm(forms.Form):
    response = forms.CharField(required=False, max_length=20)
    text = forms.CharField(required=False, max_length=5000)


class CloseForm(forms.Form):
    recovery_outcome = forms.CharField(required=False, max_length=20)
    thanked = forms.BooleanField(required=False)


class EmptyForm(forms.Form):
    pass


class DeadlineForm(forms.Form):
    deadline = forms.DateTimeField(label=_("Promised deadline"), input_formats=DATETIME_FORMATS)

    def clean_deadline(self):
        value = self.cleaned_data["deadline"]
        return timezone.make_aware(value) if timezone.is_naive(value) else value


class CompensationForm(forms.Form):
    form = forms.CharField(max_length=20)
    amount = forms.IntegerField(label=_("Amount (KRW)"))
    description = forms.CharField(required=False, max_length=2000)
    submission = submission_field()


class CustomerTypeForm(forms.Form):
    customer_type = forms.IntegerField(required=False)


class DecisionForm(forms.Form):
    note = forms.CharField(required=False, max_length=2000)
