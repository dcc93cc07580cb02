"""Formatting for the desk: money in won for the agent's language, states as words."""

import uuid

from django import template
from django.contrib.contenttypes.models import ContentType
from django.utils.html import format_html
from django.utils.translation import get_language

from core.choices import AuditAction

register = template.Library()


@register.simple_tag
def submission_key():
    """The hidden one-time key of a create form: sent twice, it still creates once."""
    return format_html('<input type="hidden" name="submission" value="{}">', uuid.uuid4())


@register.filter
def krw(value) -> str:
    """30000 → "30,000원" in Korean, "KRW 30,000" in English. Whole won, always."""
    if value is None or value == "":
        return ""
    amount = int(value)
    sign = "-" if amount < 0 else ""
    digits = f"{abs(amount):,}"
    if (get_language() or "ko").startswith("ko"):
        return f"{sign}{digits}원"
    return f"{sign}KRW {digits}"


@register.filter
def percent(value) -> str:
    if value is None:
        return "-"
    return f"{round(value * 100)}%"


@register.filter
def seconds_since(value, now) -> int:
    if value is None or now is None:
        return 0
    return max(int((now - value).total_seconds()), 0)


@register.filter
def waited(seconds) -> str:
    """Seconds waited as a clock: "0:42", "3:05", "1:02:09" (desk.js ticks it on)."""
    seconds = max(int(seconds or 0), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


# Recorded beside the steps: shown as what was done, not as the state the record is in.
_BESIDE_THE_STEPS = {
    AuditAction.OPEN,
    AuditAction.REQUOTE,
    AuditAction.TAG_CUSTOMER_TYPE,
    AuditAction.PROMISE_DEADLINE,
    AuditAction.COMPENSATION_PROPOSE,
    AuditAction.COMPENSATION_APPROVE,
    AuditAction.COMPENSATION_DENY,
    AuditAction.FLAG,
}


@register.filter
def history_label(entry) -> str:
    """An audit entry in words: the state it moved to (as the record's own machine names
    it), or what was done without moving."""
    if entry.action not in _BESIDE_THE_STEPS and entry.target:
        model = ContentType.objects.get_for_id(entry.subject_type_id).model_class()
        states = dict(model._meta.get_field("state").choices) if model else {}
        if entry.target in states:
            return str(states[entry.target])
    try:
        return str(AuditAction(entry.action).label)
    except ValueError:
        return entry.action


@register.filter
def duration(seconds) -> str:
    """Seconds as the largest two units: "45s", "3m 05s", "2h 10m", "3d 4h"."""
    if seconds is None:
        return "-"
    total = round(float(seconds))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"
