"""Formatting for the desk: money in won for the agent's language, states as words."""

from django import template
from django.utils.translation import gettext as _

from catalog.choices import OfferKind
from core.templatetags.desk import krw

register = template.Library()


@register.filter
def pitch(offer, category) -> str:
    """The offer's pitch for the call's branch (reason category), else its script."""
    return offer.pitch_for(category)


@register.filter
def offer_kind_label(value) -> str:
    try:
        return str(OfferKind(value).label)
    except ValueError:
        return value


@register.filter
def offer_value(offer) -> str:
    """What the offer gives the customer, in words: "10% for 6 months", "1 month free"."""
    kind, value = offer.kind, offer.value
    if kind == OfferKind.DISCOUNT_PERCENT:
        if offer.duration_months:
            return _("%(percent)d%% off for %(months)d months") % {
                "percent": value,
                "months": offer.duration_months,
            }
        return _("%(percent)d%% off") % {"percent": value}
    if kind == OfferKind.FEE_ADJUSTMENT:
        return _("%(amount)s off every month") % {"amount": krw(value)}
    if kind == OfferKind.FREE_MONTHS:
        return _("%(months)d month(s) free") % {"months": value}
    if kind == OfferKind.PAUSE:
        return _("pause for up to %(months)d months") % {"months": value}
    if kind == OfferKind.PRODUCT_CHANGE:
        return _("a lower-priced product")
    if kind == OfferKind.CONTRACT_CHANGE:
        if offer.new_term_months:
            return _("term changed to %(months)d months") % {"months": offer.new_term_months}
        return _("free relocation")
    return _("worth %(amount)s") % {"amount": krw(value)}
