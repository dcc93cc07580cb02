"""Forms for the console's steps. They check shape (a date is a date); the services check
meaning (the reason exists, the offer is eligible, the time is in the future)."""

from django import forms
from django.utils.translation import gettext_lazy as _


def submission_field() -> forms.UUIDField:
    """The one-time key a create form carries ({% submission_key %} renders it), so the same
    form sent twice creates once (retention.services.submissions)."""
    return forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("This form is out of date: reload the page and send it again."),
            "invalid": _("This form is out of date: reload the page and send it again."),
        },
    )
