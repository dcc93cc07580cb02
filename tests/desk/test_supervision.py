"""A customer asks for a manager; a supervisor takes over or reassigns; the floor view."""

import re
import uuid

import pytest
from django.urls import reverse

from cancellations.models import CancellationRequest
from cancellations.services.offers import offer_accept, offer_present
from claims.services.handling import claim_request_manager
from claims.services.opening import claim_open
from core.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_asking_for_a_manager_puts_the_call_in_the_queue_and_keeps_its_step(
    client, login, walk, agent, supervisor
):
    request = walk("financial_burden")
    login(agent)
    client.post(
        reverse("console_act", args=[request.pk, "request_manager"]),
        {"expected_state": "financial_burden"},
    )
    request.refresh_from_db()
    assert request.state == "financial_burden"
    assert request.manager_requested_at is not None
    login(supervisor)
    queue = client.get(reverse("approvals")).content.decode()
    assert f'data-manager-request="{request.pk}"' in queue

    client.post(reverse("hand_over", args=[request.pk]), {"take": "1"})
    request.refresh_from_db()
    assert (request.agent, request.manager_requested_at) == (supervisor, None)
    entry = AuditEntry.objects.filter(subject_id=request.pk, action="take_over").get()
    assert entry.user == supervisor


def test_a_supervisor_can_give_a_call_to_another_agent(client, login, walk, supervisor):
    request = walk("dissatisfied")
    other = UserFactory(username="agent-lee", role="agent")
    login(supervisor)
    client.post(reverse("hand_over", args=[request.pk]), {"give": "1", "agent": other.pk})
    assert CancellationRequest.objects.get(pk=request.pk).agent == other


@pytest.mark.parametrize("agent_value", ["", "abc", "999999"])
def test_giving_to_nobody_or_a_stranger_is_refused(
    client, login, walk, agent, supervisor, agent_value
):
    request = walk("dissatisfied")
    login(supervisor)
    response = client.post(
        reverse("hand_over", args=[request.pk]), {"give": "1", "agent": agent_value}, follow=True
    )
    assert "Choose an agent from the list." in response.content.decode()
    assert CancellationRequest.objects.get(pk=request.pk).agent == agent


def test_agents_cannot_take_over(client, login, walk):
    request = walk("dissatisfied")
    login(UserFactory(username="agent-park", role="agent"))
    client.post(reverse("hand_over", args=[request.pk]), {"take": "1"})
    assert CancellationRequest.objects.get(pk=request.pk).agent.username == "agent-kim"


def test_a_claim_customer_asking_for_a_manager_and_take_over(
    client, login, contract, agent, supervisor
):
    claim = claim_open(customer_id=contract.customer_id, user=agent, subject="Rude")
    claim_request_manager(claim_id=claim.pk, user=agent)
    login(supervisor)
    assert f'data-manager-claim="{claim.pk}"' in client.get(reverse("approvals")).content.decode()
    client.post(reverse("claim_hand_over", args=[claim.pk]), {"take": "1"})
    claim.refresh_from_db()
    assert claim.agent == supervisor and claim.manager_requested_at is None


def test_the_floor_shows_who_is_on_calls_and_today_so_far(
    client, login, walk, agent, supervisor, fee_offer, django_assert_max_num_queries
):
    request = walk("financial_burden")
    offer_present(request_id=request.pk, user=agent, offer_id=fee_offer.pk)
    offer_accept(request_id=request.pk, user=agent)
    walk_again = walk  # a second, still open call for the same agent on another contract
    from tests.factories import ContractFactory

    still_open = walk_again("dissatisfied", contract_=ContractFactory())
    login(supervisor)
    with django_assert_max_num_queries(15):
        body = client.get(reverse("floor")).content.decode()
    kim = body[body.index(f'data-agent="{agent.pk}"') :]
    assert f'data-call="{still_open.pk}"' in kim[: kim.index("</tr>")]
    assert body.count("data-call=") == 1  # the saved call is over
    figures = re.findall(r'<p class="figure">([^<]*)</p>', body)
    assert figures == ["1", "0", "100%"]  # saves, cancellations, save rate today


@pytest.mark.parametrize(("who", "expected"), [("agent", 403), ("catalog_admin", 403), (None, 302)])
def test_the_floor_is_for_supervisors(client, login, request, who, expected):
    if who:
        login(request.getfixturevalue(who))
    assert client.get(reverse("floor")).status_code == expected


def test_a_coaching_note_reaches_the_agents_home_page(client, login, agent, supervisor):
    login(supervisor)
    client.post(
        reverse("coach"),
        {"agent": agent.pk, "text": "Lead with empathy", "submission": uuid.uuid4()},
    )
    login(agent)
    body = client.get(reverse("home")).content.decode()
    assert "From your supervisor" in body
    assert "Lead with empathy" in body


@pytest.mark.parametrize("data", [{"agent": "", "text": "x"}, {"text": "  "}])
def test_a_coaching_note_needs_an_agent_and_text(client, login, agent, supervisor, data):
    from desk.models import CoachingNote

    login(supervisor)
    client.post(reverse("coach"), {"agent": agent.pk, **data})
    assert not CoachingNote.objects.exists()


def test_agents_cannot_write_coaching_notes(client, login, agent):
    from desk.models import CoachingNote

    login(agent)
    client.post(reverse("coach"), {"agent": agent.pk, "text": "I am great"})
    assert not CoachingNote.objects.exists()
