"""Shared by the dashboard tests: cancellation calls opened, saved and cancelled through
the real services, and filters over everything."""

from django.utils import timezone

from cancellations.services.closing import cancellation_confirm, cancellation_insist
from cancellations.services.offers import offer_accept, offer_present
from cancellations.services.opening import cancellation_identify_reason, cancellation_open
from reporting.analytics.filters import Filters
from tests.factories import ContractFactory


def call_opened(agent, reason, code, *, contract=None, competitor="", offer_note=""):
    request = cancellation_open(contract_id=(contract or ContractFactory()).pk, user=agent)
    return cancellation_identify_reason(
        request_id=request.pk,
        user=agent,
        reason_id=reason(code).pk,
        competitor_name=competitor,
        competitor_offer=offer_note,
    )


def call_saved(agent, reason, code, offer, **kwargs):
    request = call_opened(agent, reason, code, **kwargs)
    offer_present(request_id=request.pk, user=agent, offer_id=offer.pk)
    return offer_accept(request_id=request.pk, user=agent)


def call_cancelled(agent, reason, code, **kwargs):
    request = call_opened(agent, reason, code, **kwargs)
    if request.state != "cancelling":
        cancellation_insist(request_id=request.pk, user=agent)
    return cancellation_confirm(request_id=request.pk, user=agent, pickup_date=timezone.localdate())


def filters_all(**params) -> Filters:
    return Filters.from_query(params)
