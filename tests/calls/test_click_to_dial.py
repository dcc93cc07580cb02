"""Click to dial: the agent's "Call" sends `call.dial_requested` to the telephone system
(agent, extension, number), once however often it is pressed, never for a customer who
asked not to be called; audited."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from calls.services.planning import call_task_request
from core.models import AuditEntry
from tests.factories import CustomerFactory
from webhooks.models import Event

pytestmark = pytest.mark.django_db


def _dial(client, customer, **extra):
    return client.post(reverse("phone_dial", args=[customer.pk]), {"next": "/desk/", **extra})


def test_call_sends_the_dial_request_to_the_telephone_system(client_as_agent, agent):
    cache.clear()
    agent.phone_extension = "2041"
    agent.save()
    customer = CustomerFactory(phone="01012345678")
    response = _dial(client_as_agent, customer)
    assert response.status_code == 302 and response["Location"] == "/desk/"
    event = Event.objects.get(type="call.dial_requested")
    data = event.payload["data"]
    assert data["number"] == "01012345678"
    assert data["agent"] == {"id": agent.pk, "username": agent.username, "extension": "2041"}
    assert data["customer"]["id"] == customer.pk
    assert AuditEntry.objects.filter(action="dial_request", subject_id=customer.pk).count() == 1


def test_a_double_click_dials_once(client_as_agent):
    cache.clear()
    customer = CustomerFactory()
    _dial(client_as_agent, customer)
    _dial(client_as_agent, customer)
    assert Event.objects.filter(type="call.dial_requested").count() == 1


def test_a_customer_who_asked_not_to_be_called_is_not_dialled(client_as_agent):
    cache.clear()
    customer = CustomerFactory(do_not_call=True)
    response = _dial(client_as_agent, customer)
    assert response.status_code == 302
    assert not Event.objects.filter(type="call.dial_requested").exists()
    assert not AuditEntry.objects.filter(action="dial_request").exists()


def test_a_taken_call_is_named_and_another_customers_call_refused(client_as_agent):
    cache.clear()
    customer, other = CustomerFactory(), CustomerFactory()
    task = call_task_request(
        kind="save_follow_up", customer_id=other.pk, due_at=timezone.now(), idempotency_key="d:1"
    )
    _dial(client_as_agent, customer, call_task=task.pk)
    _dial(client_as_agent, customer, call_task="abc")
    assert not Event.objects.filter(type="call.dial_requested").exists()
    _dial(client_as_agent, other, call_task=task.pk)
    assert Event.objects.get(type="call.dial_requested").payload["data"]["call_id"] == task.pk


def test_only_people_who_take_calls_dial(client, login, catalog_admin):
    cache.clear()
    _dial(login(catalog_admin), CustomerFactory())
    assert not Event.objects.exists()


def test_the_customer_page_offers_the_call_only_when_allowed(client_as_agent):
    reachable, barred = CustomerFactory(), CustomerFactory(do_not_call=True)
    page = client_as_agent.get(reverse("customer", args=[reachable.pk])).content.decode()
    assert reverse("phone_dial", args=[reachable.pk]) in page
    page = client_as_agent.get(reverse("customer", args=[barred.pk])).content.decode()
    assert reverse("phone_dial", args=[barred.pk]) not in page
