"""What billing and the telephone system tell the desk: billing events kept against the
contract (a resent one a no-op); a call answered pops the caller up on the agent's screen,
and what the agent opens during the call keeps the call's id and its recording."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from calls.models import PhoneCall
from cancellations.services.opening import cancellation_open
from claims.services.opening import claim_open
from customers.models import BillingEvent
from tests.factories import ContractFactory, CustomerFactory

pytestmark = pytest.mark.django_db


def test_a_billing_event_is_kept_once_against_its_contract(api):
    contract = ContractFactory(external_id="K-7")
    client = api("book:write")
    event = {
        "id": "pay-1",
        "type": "payment.failed",
        "contract_external_id": "K-7",
        "occurred_at": "2026-12-02T10:00:00+09:00",
        "amount": 35000,
        "detail": {"attempt": 2},
    }
    assert client.post("/api/v1/billing-events", event, format="json").status_code == 201
    assert client.post("/api/v1/billing-events", event, format="json").status_code == 200
    kept = BillingEvent.objects.get()
    assert (kept.contract, kept.kind, kept.amount, kept.detail) == (
        contract,
        "payment.failed",
        35000,
        {"attempt": 2},
    )


def test_a_billing_event_for_an_unknown_contract_is_refused(api):
    response = api("book:write").post(
        "/api/v1/billing-events",
        {
            "id": "pay-2",
            "type": "contract.renewal_due",
            "contract_external_id": "nope",
            "occurred_at": "2026-12-02T10:00:00+09:00",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_reference"
    assert not BillingEvent.objects.exists()


@pytest.fixture
def phone(api):
    client = api("telephony:write")

    def send(event: str, **fields):
        response = client.post(
            "/api/v1/telephony/events",
            {"event": event, "call_id": "pbx-1", **fields},
            format="json",
        )
        assert response.status_code == 200, response.content
        return response.json()

    return send


def test_an_answered_call_pops_the_caller_up_on_the_agents_screen_once(
    phone, agent, client_as_agent, django_capture_on_commit_callbacks
):
    cache.clear()
    customer = CustomerFactory(phone="01055551234")
    agent.phone_extension = "2041"
    agent.save()
    assert client_as_agent.get(reverse("phone_pop")).status_code == 204
    phone("ringing", number="+82 10-5555-1234")
    assert client_as_agent.get(reverse("phone_pop")).status_code == 204, "not before it is answered"
    with django_capture_on_commit_callbacks(execute=True):
        answered = phone("answered", agent="2041")
    assert answered["state"] == "answered" and answered["agent"] == agent.username
    pop = client_as_agent.get(reverse("phone_pop"))
    assert pop.status_code == 200
    assert customer.name in pop.content.decode()
    assert reverse("customer", args=[customer.pk]) in pop.content.decode()
    assert client_as_agent.get(reverse("phone_pop")).status_code == 204, "shown once"


def test_a_number_several_customers_share_pops_the_search(
    phone, agent, client_as_agent, django_capture_on_commit_callbacks
):
    cache.clear()
    CustomerFactory(phone="01077770000")
    CustomerFactory(phone="01012340000", alt_phone="01077770000")
    with django_capture_on_commit_callbacks(execute=True):
        phone("answered", number="010-7777-0000", agent=agent.username)
    pop = client_as_agent.get(reverse("phone_pop")).content.decode()
    assert "01077770000" in pop and reverse("search") in pop


def test_what_the_agent_opens_during_the_call_keeps_it_and_its_recording(phone, agent):
    contract = ContractFactory()
    phone("answered", number=contract.customer.phone, agent=agent.username)
    request = cancellation_open(contract_id=contract.pk, user=agent)
    claim = claim_open(
        customer_id=contract.customer_id,
        contract_id=contract.pk,
        user=agent,
        subject="Noise",
    )
    phone("ended", recording_url="https://pbx.example/rec/1.wav")
    call = PhoneCall.objects.get(external_id="pbx-1")
    assert request.phone_call == call and claim.phone_call == call
    assert call.recording_url == "https://pbx.example/rec/1.wav"
    assert call.seconds is not None and call.state == "ended"
    after = cancellation_open(contract_id=ContractFactory().pk, user=agent)
    assert after.phone_call is None, "the call has ended"


def test_events_out_of_order_or_twice_keep_the_first_times(phone, agent):
    phone("ended", occurred_at="2026-12-02T10:05:00+09:00")
    phone("answered", agent=agent.username, occurred_at="2026-12-02T10:00:00+09:00")
    phone("answered", agent=agent.username, occurred_at="2026-12-02T10:01:00+09:00")
    call = PhoneCall.objects.get()
    assert call.state == "ended"
    assert call.answered_at.isoformat() == "2026-12-02T01:00:00+00:00"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"event": "answered", "call_id": "x"}, "required"),
        ({"event": "answered", "call_id": "x", "agent": "nobody"}, "unknown_reference"),
        ({"event": "hung", "call_id": "x"}, "invalid"),
        ({"event": "ringing"}, "invalid"),
    ],
)
def test_a_bad_telephony_event_is_refused_and_records_nothing(api, fields, code):
    response = api("telephony:write").post("/api/v1/telephony/events", fields, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert not PhoneCall.objects.exists()


def test_only_agents_poll_for_calls(client, login, catalog_admin):
    assert login(catalog_admin).get(reverse("phone_pop")).status_code == 403
