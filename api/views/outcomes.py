"""Outcomes read back: cancellation requests as they changed, for billing and BI."""

from drf_spectacular.utils import extend_schema

from api.choices import Scope
from api.rest.views import ApiView
from api.serializers import CancellationSerializer
from api.views.common import errors
from cancellations.models import CancellationRequest


class Cancellations(ApiView):
    scopes = {"GET": Scope.READ}
    serializer_class = CancellationSerializer

    def get_queryset(self):
        return CancellationRequest.objects.select_related("contract", "customer", "reason")

    @extend_schema(
        operation_id="cancellations_list",
        summary="List cancellation requests in the order they changed",
        description="Each request's state (retained, cancelled, withdrawn, or still open), "
        "its reason and, for a cancellation, the quote given. Webhooks push the same outcomes "
        "as they happen; this is for a sync that catches up.",
        responses={200: CancellationSerializer(many=True), **errors()},
        tags=["outcomes"],
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(CancellationSerializer(page, many=True).data)
