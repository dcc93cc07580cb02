"""What every catalog form shares: the version the editor started from, one message per bad
value, and the check that a text is not blank."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _


def _stripped(form, *names):
    for name in names:
        value = form.cleaned_data.get(name)
        if isinstance(value, str) and not value.strip():
            form.add_error(name, _("This cannot be blank."))


class VersionedForm(forms.ModelForm):
    """Every catalog form carries the version the editor started from: if someone saved a
    newer one meanwhile, the service refuses instead of silently overwriting it."""

    base_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def _update_errors(self, errors):
        """One message per bad value. The model's clean() runs after this form's checks, on an
        instance that still holds the defaults of the fields the form refused, so it would
        repeat (sometimes in other words) what the form already said about those fields:
        a field the form has put an error on keeps only the form's."""
        if hasattr(errors, "error_dict"):
            kept = {}
            for name, messages in errors.error_dict.items():
                if name == NON_FIELD_ERRORS:
                    known = {str(m) for m in self._errors.get(NON_FIELD_ERRORS, [])}
                    messages = [m for m in messages if not set(m) <= known]
                elif name in self._errors:
                    continue
                if messages:
                    kept[name] = messages
            if not kept:
                return
            errors = ValidationError(kept)
        super()._update_errors(errors)
