"""Formatting for the desk: money in won for the agent's language, states as words."""

from django import template

from core.templatetags.desk import duration, krw, percent

register = template.Library()


@register.filter
def cell(row: dict, column) -> str:
    """One cell of a dashboard table, formatted by its column's kind."""
    value = row.get(column.key)
    if column.kind == "rate":
        return percent(value)
    if column.kind == "krw":
        return krw(value or 0)
    if column.kind == "seconds":
        return duration(value)
    if column.kind == "score":
        return "-" if value is None else f"{value:.1f}"
    if column.kind == "p":
        return "-" if value is None else f"{value:.3f}"
    return "-" if value is None or value == "" else value
