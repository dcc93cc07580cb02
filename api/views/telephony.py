"""Telephony events in: the telephone system tells the desk a call rang, was answered by an
agent (whose screen then shows the caller) or ended (with its recording)."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from api.choices import Scope
from api.rest.views import ApiView
from api.serializers import MomentField
from api.views.common import errors
from calls.services.phone import EVENTS, phone_event_record


class TelephonyEventSerializer(serializers.Serializer):
    event = serializers.ChoiceField([(e, e) for e in EVENTS])
    call_id = serializers.CharField(max_length=100, help_text="The telephone system's call id.")
    number = serializers.CharField(
        max_length=40, required=False, allow_blank=True, help_text="The caller's number."
    )
    agent = serializers.CharField(
        max_length=150,
        required=False,
        allow_blank=True,
        help_text="The agent's desk username or phone extension (required when answered).",
    )
    occurred_at = MomentField(required=False)
    recording_url = serializers.URLField(max_length=500, required=False, allow_blank=True)


class PhoneCallSerializer(serializers.Serializer):
    call_id = serializers.CharField(source="external_id")
    state = serializers.CharField()
    customer_external_id = serializers.CharField(
        source="customer.external_id", allow_null=True, default=None
    )
    customers_matching = serializers.IntegerField(source="matches")
    agent = serializers.CharField(source="agent.username", allow_null=True, default=None)
    answered_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)


class TelephonyEvents(ApiView):
    scopes = {"POST": Scope.TELEPHONY_WRITE}
    serializer_class = TelephonyEventSerializer
    pagination_class = None

    @extend_schema(
        operation_id="telephony_events_create",
        summary="Tell the desk about a call: ringing, answered, ended",
        description="On `answered`, the agent's desk shows the caller within two seconds (the "
        "customer, or the search with the number when several or none match). A request or "
        "claim the agent opens during the call keeps its id and, once `ended` brings it, the "
        "recording. The same event sent twice changes nothing.",
        request=TelephonyEventSerializer,
        responses={200: PhoneCallSerializer, **errors()},
        examples=[
            OpenApiExample(
                "Answered",
                request_only=True,
                value={
                    "event": "answered",
                    "call_id": "pbx-7781",
                    "number": "010-1234-5678",
                    "agent": "2041",
                },
            )
        ],
        tags=["telephony"],
    )
    def post(self, request):
        incoming = TelephonyEventSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        call = phone_event_record(**incoming.validated_data)
        return Response(PhoneCallSerializer(call).data)
