"""Opening a cancellation request for a contract, and the customer's reason for leaving."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from calls.services.phone import phone_call_current
from cancellations.models import OPEN_STATES, CancellationRequest
from cancellations.services.common import _lock
from catalog.choices import ReasonCategory
from catalog.models import Reason
from core.choices import AuditAction
from core.errors import NotPermitted, RequestAlreadyOpen, ServiceError
from core.fsm import transition_run
from core.services.audit import audit_record
from customers.models import Contract


def cancellation_open(
    *, contract_id: int, user, note: str = "", source_claim_id: int | None = None
) -> CancellationRequest:
    """Open a request for one contract. A contract has at most one open request: opening
    again returns the refusal with the open request's id, so the console can go there."""
    if not user.has_perm("customers.handle_calls"):
        raise NotPermitted(_("Only agents and supervisors handle cancellation calls."))
    with transaction.atomic():
        try:
            contract = (
                Contract.objects.select_for_update().select_related("customer").get(pk=contract_id)
            )
        except (Contract.DoesNotExist, ValueError, TypeError):
            raise ServiceError(_("That contract does not exist."), code="not_found") from None
        if not contract.is_open:
            raise ServiceError(
                _("This contract is %(status)s: there is nothing left to cancel.")
                % {"status": contract.get_status_display().lower()},
                code="contract_closed",
            )
        existing = (
            CancellationRequest.objects.filter(contract=contract, state__in=OPEN_STATES)
            .values_list("pk", flat=True)
            .first()
        )
        if existing:
            raise RequestAlreadyOpen(
                _("This contract already has an open cancellation request."), request_id=existing
            )
        try:
            with transaction.atomic():
                request = CancellationRequest.objects.create(
                    contract=contract,
                    customer=contract.customer,
                    agent=user,
                    phone_call=phone_call_current(agent=user),
                    max_offers=settings.RETENTION_MAX_OFFERS_PER_REQUEST,
                    notes=note,
                    source_claim_id=source_claim_id,
                )
        except IntegrityError:
            raise RequestAlreadyOpen(
                _("This contract already has an open cancellation request."),
                request_id=CancellationRequest.objects.filter(
                    contract=contract, state__in=OPEN_STATES
                )
                .values_list("pk", flat=True)
                .first(),
            ) from None
        audit_record(
            subject=request,
            action=AuditAction.OPEN,
            target=request.state,
            user=user,
            note=note,
            data={"source_claim": source_claim_id} if source_claim_id else None,
        )
    return request


def cancellation_identify_reason(
    *,
    request_id: int,
    user,
    reason_id: int,
    note: str = "",
    competitor_name: str = "",
    competitor_offer: str = "",
    expected_state: str | None = None,
) -> CancellationRequest:
    with transaction.atomic():
        request = _lock(request_id, expected_state)
        try:
            reason = Reason.objects.get(pk=reason_id, is_active=True)
        except (Reason.DoesNotExist, ValueError, TypeError):
            raise ServiceError(_("Choose a reason from the list."), code="unknown_reason") from None
        request.reason = reason
        request.reason_note = note.strip()
        # Who they leave for is recorded for the competitor branch only, so the competitor
        # analysis never counts a name typed by habit on another reason.
        is_competitor = reason.category == ReasonCategory.COMPETITOR
        request.competitor_name = competitor_name.strip() if is_competitor else ""
        request.competitor_offer = competitor_offer.strip() if is_competitor else ""
        transition_run(
            request,
            "identify_reason",
            user=user,
            note=note,
            data={"reason": reason.code, "category": reason.category},
        )
    return request
