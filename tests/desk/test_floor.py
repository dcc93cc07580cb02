"""The floor: each live call with its time (callbacks left out), calls due and overdue per
queue, idle open calls apart, in a fixed number of queries."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cancellations.models import CancellationRequest
from cancellations.services.closing import cancellation_resume, cancellation_schedule_callback
from claims.models import Claim
from claims.services.opening import claim_open
from tests.desk.helpers import NOW, contract_of_tier, seconds_ago
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


# ---- the floor --------------------------------------------------------------------------


def test_the_floor_lists_each_live_call_with_its_time_and_leaves_callbacks_out(
    client, login, clock, walk, agent, supervisor, product, future
):
    live = walk("financial_burden", contract_=contract_of_tier(product))
    CancellationRequest.objects.filter(pk=live.pk).update(opened_at=seconds_ago(125))
    promised = walk("dissatisfied", contract_=contract_of_tier(product))
    cancellation_schedule_callback(request_id=promised.pk, user=agent, callback_at=future)
    other = UserFactory(username="agent-lee", role="agent", first_name="Lee")
    claim_contract = contract_of_tier(product)
    claim = claim_open(
        customer_id=claim_contract.customer_id, contract_id=claim_contract.pk, user=other,
        subject="Leak",
    )  # fmt: skip
    Claim.objects.filter(pk=claim.pk).update(promised_deadline=seconds_ago(60))
    login(supervisor)
    body = client.get(reverse("floor")).content.decode()
    kim = body[body.index(f'data-agent="{agent.pk}"') :]
    kim = kim[: kim.index("</tr>")]
    assert f'data-call="{live.pk}"' in kim
    assert 'data-waited="125">2:05<' in kim
    assert f'data-call="{promised.pk}"' not in body
    lee = body[body.index(f'data-agent="{other.pk}"') :]
    lee = lee[: lee.index("</tr>")]
    assert "Lee" in lee and "1 overdue" in lee
    assert "data-call=" not in lee


def test_the_floor_query_count_does_not_grow_with_the_floor(
    client, login, clock, walk, agent, supervisor, product
):
    walk("financial_burden", contract_=contract_of_tier(product))
    login(supervisor)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("floor")).content.decode().count("data-call=") == 1
    for n in range(5):
        person = UserFactory(username=f"agent-{n}", role="agent")
        walk("dissatisfied", contract_=contract_of_tier(product), user=person)
        extra = contract_of_tier(product)
        claim_open(customer_id=extra.customer_id, contract_id=extra.pk, user=person, subject="x")
    with CaptureQueriesContext(connection) as large:
        body = client.get(reverse("floor")).content.decode()
    assert body.count("data-call=") == 6
    assert len(large) == len(small) <= 15


def test_the_floor_counts_calls_due_and_overdue_per_queue(client, login, clock, supervisor):
    from calls.models import CallTask

    def task(queue, minutes, status="scheduled"):
        customer = CustomerFactory()
        CallTask.objects.create(
            kind="win_back",
            customer=customer,
            queue=queue,
            status=status,
            due_at=NOW + timedelta(minutes=minutes),
            idempotency_key=f"floor-{customer.pk}",
        )

    task("agents", -10)  # due
    task("agents", -120, "due")  # due, and late by more than an hour
    task("agents", 24 * 60)  # tomorrow: not due
    task("agents", -180, "done")  # done: not waiting
    task("specialists", -5, "in_progress")
    login(supervisor)
    body = client.get(reverse("floor")).content.decode()

    def cells(queue):
        row = body[body.index(f'data-queue="{queue}"') :]
        return re.findall(r"<td>(\d+)</td>", row[: row.index("</tr>")])

    assert cells("agents") == ["2", "1", "0"]
    assert cells("specialists") == ["1", "0", "1"]
    assert cells("supervisors") == ["0", "0", "0"]


def test_the_floor_counts_an_idle_open_call_apart_and_times_a_resumed_callback(
    client, login, clock, walk, agent, supervisor, product
):
    forgotten = walk("dissatisfied", contract_=contract_of_tier(product))
    CancellationRequest.objects.filter(pk=forgotten.pk).update(
        opened_at=seconds_ago(3 * 86400), updated_at=seconds_ago(3 * 86400)
    )
    resumed = walk("financial_burden", contract_=contract_of_tier(product))
    cancellation_schedule_callback(
        request_id=resumed.pk, user=agent, callback_at=NOW + timedelta(minutes=1)
    )
    clock.shift(timedelta(minutes=1))  # the promised call; the floor looks 30 s in
    cancellation_resume(request_id=resumed.pk, user=agent)
    CancellationRequest.objects.filter(pk=resumed.pk).update(opened_at=seconds_ago(86400))
    clock.shift(timedelta(seconds=30))
    login(supervisor)
    body = client.get(reverse("floor")).content.decode()
    kim = body[body.index(f'data-agent="{agent.pk}"') :]
    kim = kim[: kim.index("</tr>")]
    assert f'data-call="{forgotten.pk}"' not in kim
    assert 'data-left-open="1"' in kim and "1 left open" in kim
    call = kim[kim.index(f'data-call="{resumed.pk}"') :]
    assert 'data-waited="30">0:30<' in call
