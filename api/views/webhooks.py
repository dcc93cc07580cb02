"""Webhook endpoints managed by an integration (scope `webhooks:manage`): the same services
and rules as the desk's screens, so both refuse the same things."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from api.choices import Scope
from api.rest.errors import problem
from api.rest.views import ApiView, idempotent
from api.views.common import IDEMPOTENCY_KEY, errors
from webhooks.choices import EventType
from webhooks.models import Endpoint
from webhooks.rules import description_problem, name_problem, url_problem
from webhooks.services.endpoints import (
    endpoint_create,
    endpoint_disable,
    endpoint_enable,
    endpoint_secret_rotate,
    endpoint_update,
)


class EndpointSerializer(serializers.ModelSerializer):
    event_types = serializers.ListField(
        child=serializers.ChoiceField(EventType.choices),
        help_text="The events it receives; empty: every type, including ones added later.",
    )

    class Meta:
        model = Endpoint
        fields = [
            "id",
            "name",
            "url",
            "description",
            "event_types",
            "is_active",
            "disabled_at",
            "disabled_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "disabled_at", "disabled_reason", "created_at", "updated_at"]


class EndpointInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    url = serializers.CharField(max_length=500)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    event_types = serializers.ListField(
        child=serializers.ChoiceField(EventType.choices), required=False, default=list
    )
    is_active = serializers.BooleanField(required=False)

    # The desk's rules, as per-field errors (the service checks them again).
    def _checked(self, value: str, rule) -> str:
        refusal = rule(value.strip())
        if refusal:
            raise serializers.ValidationError(str(refusal), code="invalid")
        return value

    def validate_name(self, value: str) -> str:
        return self._checked(value, name_problem)

    def validate_url(self, value: str) -> str:
        return self._checked(value, url_problem)

    def validate_description(self, value: str) -> str:
        return self._checked(value, description_problem)


class EndpointWithSecret(EndpointSerializer):
    secret = serializers.CharField(help_text="The signing secret (whsec_…): shown only here.")

    class Meta(EndpointSerializer.Meta):
        fields = [*EndpointSerializer.Meta.fields, "secret"]


def _with_secret(made) -> dict:
    return {**EndpointSerializer(made.endpoint).data, "secret": made.secret}


class Endpoints(ApiView):
    scopes = {"*": Scope.WEBHOOKS_MANAGE}
    serializer_class = EndpointSerializer

    def get_queryset(self):
        return Endpoint.objects.all()

    @extend_schema(
        operation_id="webhook_endpoints_list",
        summary="List webhook endpoints",
        responses={200: EndpointSerializer(many=True), **errors()},
        tags=["webhooks"],
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(EndpointSerializer(page, many=True).data)

    @extend_schema(
        operation_id="webhook_endpoints_create",
        summary="Add a webhook endpoint",
        description="Answers the endpoint with its signing secret, shown only in this answer.",
        request=EndpointInput,
        responses={201: EndpointWithSecret, **errors(422)},
        parameters=[IDEMPOTENCY_KEY],
        tags=["webhooks"],
    )
    @idempotent
    def post(self, request):
        incoming = EndpointInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = {k: v for k, v in incoming.validated_data.items() if k != "is_active"}
        made = endpoint_create(user=None, **data)
        return Response(_with_secret(made), status=status.HTTP_201_CREATED)


class EndpointDetail(ApiView):
    scopes = {"*": Scope.WEBHOOKS_MANAGE}
    serializer_class = EndpointSerializer
    pagination_class = None

    @extend_schema(
        operation_id="webhook_endpoints_read",
        summary="Read a webhook endpoint",
        responses={200: EndpointSerializer, **errors(404)},
        tags=["webhooks"],
    )
    def get(self, request, endpoint_id: int):
        endpoint = Endpoint.objects.filter(pk=endpoint_id).first()
        if endpoint is None:
            return problem(404, "not_found", "No webhook endpoint has this id.")
        return Response(EndpointSerializer(endpoint).data)

    @extend_schema(
        operation_id="webhook_endpoints_update",
        summary="Change a webhook endpoint, disable or enable it",
        description="Send the whole endpoint (name, url, description, event_types); "
        "`is_active: false` disables it (nothing is sent until enabled), `true` enables it "
        "and sends what was waiting, in order.",
        request=EndpointInput,
        responses={200: EndpointSerializer, **errors(404)},
        tags=["webhooks"],
    )
    def put(self, request, endpoint_id: int):
        incoming = EndpointInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        active = data.pop("is_active", None)
        endpoint = endpoint_update(endpoint_id=endpoint_id, user=None, **data)
        if active is False and endpoint.is_active:
            endpoint = endpoint_disable(endpoint_id=endpoint_id, user=None)
        elif active is True and not endpoint.is_active:
            endpoint = endpoint_enable(endpoint_id=endpoint_id, user=None)
        return Response(EndpointSerializer(endpoint).data)


class EndpointSecretRotate(ApiView):
    scopes = {"POST": Scope.WEBHOOKS_MANAGE}
    serializer_class = EndpointWithSecret
    pagination_class = None

    @extend_schema(
        operation_id="webhook_endpoints_rotate_secret",
        summary="Rotate an endpoint's signing secret",
        description="A new secret, shown only in this answer. The old one keeps signing for "
        "the grace period (24 hours by default): meanwhile every delivery carries both "
        "signatures, so the receiver can switch without losing an event.",
        request=None,
        responses={200: EndpointWithSecret, **errors(404)},
        tags=["webhooks"],
    )
    def post(self, request, endpoint_id: int):
        return Response(_with_secret(endpoint_secret_rotate(endpoint_id=endpoint_id, user=None)))
