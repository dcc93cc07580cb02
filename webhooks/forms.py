"""Forms of the webhook screens. They check shape with the same rules as the services
(`webhooks.rules`), so a person sees each problem beside its field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import submission_field
from webhooks import rules
from webhooks.choices import EventType


def _checked(problem: str | None, value):
    if problem:
        raise forms.ValidationError(problem)
    return value


class EndpointForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=rules.NAME_MAX)
    url = forms.CharField(
        label=_("URL"),
        max_length=rules.URL_MAX,
        help_text=_("Events are POSTed here, signed (Standard Webhooks): https://…"),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=rules.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    all_events = forms.BooleanField(
        label=_("Every event type, including types added later"), required=False
    )
    event_types = forms.MultipleChoiceField(
        label=_("Event types it receives"),
        choices=EventType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_name(self):
        return _checked(rules.name_problem(self.cleaned_data["name"]), self.cleaned_data["name"])

    def clean_url(self):
        url = self.cleaned_data["url"].strip()
        return _checked(rules.url_problem(url), url)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("all_events") and not cleaned.get("event_types"):
            self.add_error(
                "event_types", _("Choose the event types it receives, or every event type.")
            )
        return cleaned

    @property
    def event_types_value(self) -> list[str]:
        """What the service takes: empty for every type."""
        if self.cleaned_data.get("all_events"):
            return []
        return list(self.cleaned_data.get("event_types") or [])

    @classmethod
    def initial_for(cls, endpoint) -> dict:
        return {
            "name": endpoint.name,
            "url": endpoint.url,
            "description": endpoint.description,
            "all_events": endpoint.receives_all,
            "event_types": list(endpoint.event_types),
        }


class EndpointCreateForm(EndpointForm):
    submission = submission_field()


class DisableForm(forms.Form):
    reason = forms.CharField(label=_("Why"), required=False, max_length=500)


LOCAL = "%Y-%m-%dT%H:%M"


class ReplayRangeForm(forms.Form):
    since = forms.DateTimeField(
        label=_("From"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL)
    )
    until = forms.DateTimeField(
        label=_("Until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL)
    )

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since >= until:
            self.add_error("until", _("The end of the range must be after its start."))
        return cleaned
