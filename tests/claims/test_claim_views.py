"""The claim screens: open from the customer view, walk the seven steps, the supervisors'
queue, per role, with bad input and bounded queries."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from calls.models import CallTask
from claims.models import Claim, Compensation
from demo.book import demo_seed
from tests.factories import ContractFactory, UserFactory

pytestmark = pytest.mark.django_db


def _state(claim) -> str:
    return Claim.objects.get(pk=claim.pk).state


def _act(client, claim, name, data=None, *, seen=None):
    # Every form of the console carries its one-time key, as the rendered page does.
    payload = {"expected_state": seen or _state(claim), "submission": uuid.uuid4(), **(data or {})}
    return client.post(reverse("claim_act", args=[claim.pk, name]), payload, HTTP_HX_REQUEST="true")


@pytest.fixture
def contract():
    return ContractFactory()


@pytest.fixture
def claim(client_as_agent, contract):
    response = client_as_agent.post(
        reverse("claim_open", args=[contract.customer_id]),
        {"subject": "Water purifier leaks", "contract": contract.pk, "submission": uuid.uuid4()},
    )
    created = Claim.objects.get()
    assert response.url == reverse("claim_console", args=[created.pk])
    return created


def test_the_seven_steps_with_an_escalation_through_the_screens(
    client, login, claim, agent, supervisor
):
    login(agent)
    body = client.get(reverse("claim_console", args=[claim.pk])).content.decode()
    assert "Apologise first" in body
    assert "I have apologised" in body
    _act(client, claim, "apologize")
    _act(client, claim, "listen", {"text": "Leaks every morning under the sink"})
    _act(client, claim, "identify_cause", {"root_cause": "installation", "text": "Loose hose"})
    assert _state(claim) == "cause_identified"
    body = _act(client, claim, "escalate", {"text": "Needs a part we do not stock"}).content
    assert _state(claim) == "escalated"
    assert "Escalated to a supervisor" in body.decode()

    login(supervisor)
    queue = client.get(reverse("approvals")).content.decode()
    assert "Needs a part we do not stock" in queue
    client.post(reverse("claim_instruct", args=[claim.pk]), {"instruction": "Send a new hose"})
    assert _state(claim) == "countermeasure_planned"
    assert Claim.objects.get(pk=claim.pk).countermeasure_plan == "Send a new hose"

    login(agent)
    _act(client, claim, "present_solution", {"response": "agreed", "text": ""})
    _act(client, claim, "execute", {"text": "Hose replaced by the technician"})
    body = _act(client, claim, "close", {"recovery_outcome": "recovered", "thanked": "on"})
    assert _state(claim) == "closed"
    assert "This claim is closed." in body.content.decode()
    assert CallTask.objects.filter(claim=claim, kind="after_service").count() == 1


def test_customer_view_shows_claims_with_their_customer_status(client_as_agent, claim):
    body = client_as_agent.get(reverse("customer", args=[claim.customer_id])).content.decode()
    assert "Water purifier leaks" in body
    assert "Received" in body


def test_steps_in_the_wrong_order_are_refused(client_as_agent, claim):
    response = _act(client_as_agent, claim, "listen", {"text": "Too early"})
    assert "not possible" in response.content.decode()
    assert _state(claim) == "received"


@pytest.mark.parametrize(
    ("setup", "name", "data", "message"),
    [
        ([], "set_deadline", {"deadline": "2001-01-01T10:00"}, "must be in the future"),
        ([], "set_deadline", {"deadline": "soon"}, "Enter a valid date/time"),
        ([], "compensate", {"form": "refund", "amount": "-5"}, "cannot be negative"),
        ([], "compensate", {"form": "refund", "amount": "lots"}, "Enter a whole number"),
        ([], "compensate", {"form": "yacht", "amount": "5"}, "Choose the form"),
        (["apologize"], "listen", {"text": "  "}, "Record the customer"),
        (
            ["apologize", "listen"],
            "identify_cause",
            {"root_cause": "gremlins", "text": "x"},
            "Choose a root cause from the list.",
        ),
    ],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(
    client_as_agent, claim, setup, name, data, message
):
    for step in setup:
        _act(client_as_agent, claim, step, {"text": "The customer's full account"})
    before = Claim.objects.get(pk=claim.pk)
    response = _act(client_as_agent, claim, name, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    after = Claim.objects.get(pk=claim.pk)
    assert (after.state, after.promised_deadline) == (before.state, before.promised_deadline)
    assert not Compensation.objects.exists()


def test_a_promised_deadline_and_compensation_above_the_threshold(
    client_as_agent, client, login, claim, supervisor, settings
):
    deadline = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    _act(client_as_agent, claim, "set_deadline", {"deadline": deadline})
    assert Claim.objects.get(pk=claim.pk).promised_deadline is not None
    amount = settings.CLAIMS_COMPENSATION_APPROVAL_THRESHOLD + 1
    _act(client_as_agent, claim, "compensate", {"form": "voucher", "amount": amount})
    compensation = Compensation.objects.get()
    assert compensation.status == "awaiting_approval"
    login(supervisor)
    assert f"{amount:,}" in client.get(reverse("approvals")).content.decode()
    client.post(reverse("compensation_approve", args=[compensation.pk]), {"note": "ok"})
    compensation.refresh_from_db()
    assert compensation.status == "approved"


def test_an_overdue_claim_is_visibly_overdue_in_lists_and_queue(
    client, login, claim, agent, supervisor
):
    Claim.objects.filter(pk=claim.pk).update(promised_deadline=timezone.now() - timedelta(hours=1))
    login(agent)
    assert "Overdue" in client.get(reverse("claim_list")).content.decode()
    assert "Overdue" in client.get(reverse("claim_console", args=[claim.pk])).content.decode()
    login(supervisor)
    queue = client.get(reverse("approvals")).content.decode()
    assert f'data-overdue-claim="{claim.pk}"' in queue
    assert "Past the promised deadline" in queue


def test_claim_leads_to_a_linked_cancellation(client_as_agent, claim):
    response = client_as_agent.post(reverse("claim_cancellation", args=[claim.pk]))
    request = claim.cancellation_requests.get()
    assert response.url == reverse("console", args=[request.pk])
    assert request.source_claim == claim


@pytest.mark.parametrize(
    ("who", "expected"),
    [("agent", 200), ("supervisor", 200), ("catalog_admin", 403), (None, 302)],
)
def test_claim_pages_per_role(client, login, request, claim, who, expected):
    client.logout()
    if who:
        login(request.getfixturevalue(who))
    for url in [
        reverse("claim_list"),
        reverse("claim_console", args=[claim.pk]),
        reverse("claim_poll", args=[claim.pk]) + "?seen=x",
    ]:
        assert client.get(url).status_code == expected, url


def test_another_agent_cannot_see_or_move_my_claim(client, login, claim):
    login(UserFactory(username="agent-other", role="agent"))
    assert client.get(reverse("claim_console", args=[claim.pk])).status_code == 403
    assert _act(client, claim, "apologize").status_code == 403
    assert _state(claim) == "received"


def test_only_supervisors_instruct_and_decide(client, login, claim, agent):
    login(agent)
    assert client.post(reverse("claim_instruct", args=[claim.pk])).status_code == 403
    assert client.post(reverse("compensation_approve", args=[1])).status_code == 403


@pytest.mark.parametrize("customers", [10, 1000])
def test_claim_pages_run_a_bounded_number_of_queries(client_as_agent, claim, customers, agent):
    demo_seed(customers=customers, today=timezone.localdate())
    for _ in range(customers // 100):
        other = ContractFactory()
        client_as_agent.post(
            reverse("claim_open", args=[other.customer_id]),
            {"subject": "Noise", "submission": uuid.uuid4()},
        )
    # The seeding changed the catalog and the roles: the first page loads what is kept
    # per version (catalog.live, accounts.access) once; the counts are of the pages after.
    client_as_agent.get(reverse("claim_console", args=[claim.pk]))
    counts = {}
    for label, url in [
        ("console", reverse("claim_console", args=[claim.pk])),
        ("poll", reverse("claim_poll", args=[claim.pk]) + "?seen=x"),
        ("list", reverse("claim_list")),
        ("customer", reverse("customer", args=[claim.customer_id])),
    ]:
        with CaptureQueriesContext(connection) as queries:
            assert client_as_agent.get(url, HTTP_HX_REQUEST="true").status_code == 200
        counts[label] = len(queries)
    assert max(counts.values()) <= 15, counts
    test_claim_pages_run_a_bounded_number_of_queries.seen[customers] = counts


test_claim_pages_run_a_bounded_number_of_queries.seen = {}


def test_claim_page_queries_do_not_grow_with_data():
    seen = test_claim_pages_run_a_bounded_number_of_queries.seen
    assert set(seen) == {10, 1000}
    assert seen[10] == seen[1000]
