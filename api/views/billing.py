"""Billing events in: recorded against the contract for the desk (and the prevention work)."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from api.choices import Scope
from api.rest.views import ApiView, idempotent
from api.serializers import BillingEventSerializer
from api.views.common import IDEMPOTENCY_KEY, errors
from customers.services.billing import billing_event_record


class BillingEvents(ApiView):
    scopes = {"POST": Scope.BOOK_WRITE}
    serializer_class = BillingEventSerializer
    pagination_class = None

    @extend_schema(
        operation_id="billing_events_create",
        summary="Record a billing event for a contract",
        description="`payment.failed`, `payment.recovered` or `contract.renewal_due`. "
        "Billing's own event id makes a resent event a no-op (200 with the event as first "
        "recorded).",
        request=BillingEventSerializer,
        responses={201: BillingEventSerializer, 200: BillingEventSerializer, **errors(422)},
        parameters=[IDEMPOTENCY_KEY],
        tags=["billing"],
    )
    @idempotent
    def post(self, request):
        incoming = BillingEventSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        event, created = billing_event_record(
            external_id=data["id"],
            kind=data["type"],
            contract_external_id=data["contract_external_id"],
            occurred_at=data["occurred_at"],
            amount=data.get("amount"),
            detail=data.get("detail") or {},
        )
        body = {
            "id": event.external_id,
            "type": event.kind,
            "contract_external_id": data["contract_external_id"],
            "occurred_at": event.occurred_at,
            "amount": event.amount,
            "detail": event.detail,
        }
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
