"""Formatting for the desk: money in won for the agent's language, states as words."""

from django import template

from cancellations.choices import RequestState

register = template.Library()


@register.filter
def state_label(value) -> str:
    try:
        return str(RequestState(value).label)
    except ValueError:
        return value
