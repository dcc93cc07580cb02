"""Forms for the console's steps. They check shape (a date is a date); the services check
meaning (the reason exists, the offer is eligible, the time is in the future)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import submission_field


class CoachingNoteForm(forms.Form):
    agent = forms.IntegerField(error_messages={"required": _("Choose an agent from the list.")})
    text = forms.CharField(max_length=5000, error_messages={"required": _("Write the note first.")})
    submission = submission_field()
