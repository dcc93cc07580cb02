"""What billing tells the desk about a contract: a failed or recovered payment, a renewal
coming up. Kept as sent; the same event sent again (billing's own id) changes nothing."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.errors import ServiceError
from customers.choices import BillingEventKind
from customers.models import BillingEvent, Contract


def billing_event_record(
    *,
    external_id: str,
    kind: str,
    contract_external_id: str,
    occurred_at: datetime,
    amount: int | None = None,
    detail: dict | None = None,
) -> tuple[BillingEvent, bool]:
    """(the event, whether it is new). Refused for an unknown contract or kind."""
    if kind not in BillingEventKind.values:
        raise ServiceError(_("Unknown billing event type."), code="invalid")
    earlier = BillingEvent.objects.filter(external_id=external_id).first()
    if earlier is not None:
        return earlier, False
    contract = Contract.objects.filter(external_id=contract_external_id).first()
    if contract is None:
        raise ServiceError(
            _("No contract has the external id %(id)s.") % {"id": contract_external_id},
            code="unknown_reference",
        )
    try:
        with transaction.atomic():
            event = BillingEvent.objects.create(
                contract=contract,
                kind=kind,
                external_id=external_id,
                occurred_at=occurred_at,
                amount=amount,
                detail=detail or {},
            )
    except IntegrityError:  # the same event, sent twice at the same moment
        return BillingEvent.objects.get(external_id=external_id), False
    return event, True
