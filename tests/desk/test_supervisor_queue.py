"""The supervisor queue as one list: every kind of waiting item, oldest and most valuable
first, each row with its decision and a take-over / give-to."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cancellations.models import CancellationRequest, OfferPresentation
from cancellations.services.handling import cancellation_request_manager
from cancellations.services.offers import offer_deny, offer_present
from claims.choices import ClaimState, CompensationForm
from claims.models import Claim, Compensation
from claims.services.compensation import compensation_propose
from claims.services.handling import claim_request_manager
from claims.services.opening import claim_open
from core.models import AuditEntry
from desk.services.supervision import claim_hand_over
from tests.claims.helpers import walk_to
from tests.desk.helpers import contract_of_tier, seconds_ago
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


ROW = re.compile(r'<tr data-kind="(\w+)" data-[\w-]+="(\d+)"')


@pytest.fixture
def other_supervisor(db):
    return UserFactory(
        username="supervisor-han", role="supervisor", first_name="소희", last_name="한"
    )


def _rows(client) -> list[tuple[str, int]]:
    body = client.get(reverse("approvals")).content.decode()
    return [(kind, int(pk)) for kind, pk in ROW.findall(body)]


@pytest.fixture
def one_of_each(clock, walk, agent, product, costly_offer):
    """One item of every kind, each waiting a known time, for customers of known value."""

    def build(tag=""):
        approval = walk("competitor", contract_=contract_of_tier(product))
        offer_present(request_id=approval.pk, user=agent, offer_id=costly_offer.pk)
        OfferPresentation.objects.filter(request=approval).update(
            approval_requested_at=seconds_ago(100)
        )

        asking = walk("dissatisfied", contract_=contract_of_tier(product))
        cancellation_request_manager(request_id=asking.pk, user=agent)
        CancellationRequest.objects.filter(pk=asking.pk).update(
            manager_requested_at=seconds_ago(30)
        )

        vip = contract_of_tier(product, "vip")
        escalated = claim_open(
            customer_id=vip.customer_id, contract_id=vip.pk, user=agent, subject=f"Leak{tag}"
        )
        walk_to(escalated, ClaimState.ESCALATED, user=agent)
        Claim.objects.filter(pk=escalated.pk).update(escalated_at=seconds_ago(50))

        gold = contract_of_tier(product, "gold")
        generous = claim_open(
            customer_id=gold.customer_id, contract_id=gold.pk, user=agent, subject="Noise"
        )
        walk_to(generous, ClaimState.COUNTERMEASURE_PLANNED, user=agent)
        compensation = compensation_propose(
            claim_id=generous.pk, user=agent, form=CompensationForm.VOUCHER, amount=90_000
        )
        Compensation.objects.filter(pk=compensation.pk).update(proposed_at=seconds_ago(10))

        late_contract = contract_of_tier(product)
        late = claim_open(
            customer_id=late_contract.customer_id,
            contract_id=late_contract.pk,
            user=agent,
            subject="Late",
        )
        walk_to(late, ClaimState.LISTENED, user=agent)
        Claim.objects.filter(pk=late.pk).update(promised_deadline=seconds_ago(5))
        return {
            "approval": approval,
            "manager_request": asking,
            "escalated": escalated,
            "compensation": compensation,
            "overdue": late,
        }

    return build


def test_every_kind_waits_in_one_list_oldest_and_most_valuable_first(
    client, login, supervisor, one_of_each
):
    items = one_of_each()
    login(supervisor)
    # waited + head start: VIP claim 50 + 120, approval 100, gold compensation 10 + 60,
    # manager request 30, overdue claim 5.
    assert _rows(client) == [
        ("escalated", items["escalated"].pk),
        ("approval", items["approval"].pk),
        ("compensation", items["compensation"].pk),
        ("manager_request", items["manager_request"].pk),
        ("overdue", items["overdue"].pk),
    ]


def test_each_row_shows_the_seconds_waited_and_they_count_on(
    client, login, supervisor, one_of_each, clock
):
    items = one_of_each()
    login(supervisor)
    body = client.get(reverse("approvals")).content.decode()
    row = body[body.index(f'data-request="{items["approval"].pk}"') :]
    assert re.search(r'data-waited="100">1:40<', row[: row.index("</tr>")])
    clock.shift(timedelta(seconds=65))
    body = client.get(reverse("approvals")).content.decode()
    row = body[body.index(f'data-request="{items["approval"].pk}"') :]
    assert re.search(r'data-waited="165">2:45<', row[: row.index("</tr>")])


def test_a_poll_hears_nothing_new_while_only_time_passes(
    client, login, supervisor, one_of_each, clock, walk, agent, product
):
    one_of_each()
    login(supervisor)
    first = client.get(reverse("approvals"), HTTP_HX_REQUEST="true")
    version = re.search(r"\?seen=(\w+)", first.content.decode()).group(1)
    clock.shift(timedelta(seconds=30))
    again = client.get(reverse("approvals"), {"seen": version}, HTTP_HX_REQUEST="true")
    assert again.status_code == 204
    asking = walk("financial_burden", contract_=contract_of_tier(product))
    cancellation_request_manager(request_id=asking.pk, user=agent)
    changed = client.get(reverse("approvals"), {"seen": version}, HTTP_HX_REQUEST="true")
    assert changed.status_code == 200
    assert f'data-manager-request="{asking.pk}"' in changed.content.decode()


@pytest.mark.parametrize("kind", ["approval", "escalated", "compensation", "overdue"])
def test_every_row_can_be_taken_over_or_given_to_another_agent(
    client, login, supervisor, one_of_each, kind
):
    items = one_of_each()
    login(supervisor)
    body = client.get(reverse("approvals")).content.decode()
    subject = items[kind]
    claim_id = subject.claim_id if kind == "compensation" else subject.pk
    is_claim = kind != "approval"
    url = reverse("claim_hand_over" if is_claim else "hand_over", args=[claim_id])
    row = body[body.index(f'<tr data-kind="{kind}"') :]
    assert f'action="{url}"' in row[: row.index("</tr>")]

    other = UserFactory(username="agent-lee", role="agent", first_name="Lee", last_name="Jun")
    response = client.post(url, {"give": "1", "agent": other.pk}, follow=True)
    model = Claim if is_claim else CancellationRequest
    assert model.objects.get(pk=claim_id).agent == other
    assert "now goes to Lee Jun." in response.content.decode()
    entry = AuditEntry.objects.get(subject_id=claim_id, action="reassign")
    handler = subject.claim.agent_id if kind == "compensation" else subject.agent_id
    assert (entry.user, entry.data) == (supervisor, {"from": handler, "to": other.pk})


def test_taking_over_a_claim_is_audited_and_said(client, login, supervisor, one_of_each):
    late = one_of_each()["overdue"]
    login(supervisor)
    response = client.post(reverse("claim_hand_over", args=[late.pk]), {"take": "1"}, follow=True)
    assert Claim.objects.get(pk=late.pk).agent == supervisor
    assert f"Claim #{late.pk} is yours now." in response.content.decode()
    assert AuditEntry.objects.get(subject_id=late.pk, action="take_over").user == supervisor


def test_asking_for_a_manager_is_audited_on_both_machines(agent, walk, contract):
    request = walk("dissatisfied")
    cancellation_request_manager(request_id=request.pk, user=agent)
    claim = claim_open(customer_id=contract.customer_id, user=agent, subject="Rude")
    claim_request_manager(claim_id=claim.pk, user=agent)
    actions = AuditEntry.objects.filter(action="request_manager", user=agent)
    assert sorted(e.subject_id for e in actions) == sorted([request.pk, claim.pk])
    assert {(e.source, e.target) for e in actions} == {
        ("dissatisfied", "dissatisfied"),
        ("received", "received"),
    }


def test_an_empty_queue_says_so(client, login, supervisor):
    login(supervisor)
    body = client.get(reverse("approvals")).content.decode()
    assert "Nothing is waiting for you." in body
    assert ROW.findall(body) == []


def test_the_queue_query_count_does_not_grow_with_the_queue(client, login, supervisor, one_of_each):
    one_of_each()
    login(supervisor)
    with CaptureQueriesContext(connection) as small:
        assert len(_rows(client)) == 5
    for n in range(4):
        one_of_each(tag=str(n))
    with CaptureQueriesContext(connection) as large:
        assert len(_rows(client)) == 25
    assert len(large) == len(small) <= 14


# ---- what a row shows can change while it waits -----------------------------------------


def _second_costly_offer():
    from catalog.choices import OfferKind, ReasonCategory
    from tests.factories import OfferFactory

    return OfferFactory(
        code="MATCH-2",
        kind=OfferKind.COMPETITOR_MATCH,
        value=120000,
        fixed_cost=90000,
        agent_limit=50000,
        reason_categories=[ReasonCategory.COMPETITOR],
    )


def test_a_decision_on_an_offer_no_longer_waiting_is_refused_and_changes_nothing(
    client, login, clock, walk, agent, supervisor, other_supervisor, product, costly_offer
):
    request = walk("competitor", contract_=contract_of_tier(product))
    first = offer_present(request_id=request.pk, user=agent, offer_id=costly_offer.pk)
    login(supervisor)
    screen = client.get(reverse("approvals"), HTTP_HX_REQUEST="true").content.decode()
    version = re.search(r"\?seen=(\w+)", screen).group(1)
    assert f'name="presentation" value="{first.pk}"' in screen
    # Meanwhile another supervisor denies it, and the agent puts a costlier one on hold.
    offer_deny(request_id=request.pk, user=other_supervisor, note="Too much")
    second = offer_present(request_id=request.pk, user=agent, offer_id=_second_costly_offer().pk)
    # The queue hears about it (same request, another offer waiting) ...
    poll = client.get(reverse("approvals"), {"seen": version}, HTTP_HX_REQUEST="true")
    assert poll.status_code == 200
    assert f'name="presentation" value="{second.pk}"' in poll.content.decode()
    # ... and the decision sent from the old screen is refused.
    response = client.post(
        reverse("approval_approve", args=[request.pk]),
        {"expected_state": "awaiting_approval", "presentation": first.pk, "note": "ok"},
        follow=True,
    )
    assert "Another offer is waiting now" in response.content.decode()
    request.refresh_from_db()
    assert (request.state, request.current_presentation_id) == ("awaiting_approval", second.pk)
    assert OfferPresentation.objects.get(pk=second.pk).approval_decided_by is None


def test_a_poll_hears_when_a_row_changes_hands(
    client, login, clock, one_of_each, supervisor, other_supervisor
):
    items = one_of_each()
    login(supervisor)
    screen = client.get(reverse("approvals"), HTTP_HX_REQUEST="true").content.decode()
    version = re.search(r"\?seen=(\w+)", screen).group(1)
    claim_hand_over(claim_id=items["overdue"].pk, user=other_supervisor)
    poll = client.get(reverse("approvals"), {"seen": version}, HTTP_HX_REQUEST="true")
    assert poll.status_code == 200
    assert "한소희" in poll.content.decode()


def test_a_supervisors_own_items_have_no_decision_for_them(
    client, login, clock, walk, supervisor, product, costly_offer
):
    own = walk("competitor", contract_=contract_of_tier(product), user=supervisor)
    offer_present(request_id=own.pk, user=supervisor, offer_id=costly_offer.pk)
    gold = contract_of_tier(product, "gold")
    claim = claim_open(
        customer_id=gold.customer_id, contract_id=gold.pk, user=supervisor, subject="Noise"
    )
    walk_to(claim, ClaimState.COUNTERMEASURE_PLANNED, user=supervisor)
    for amount in (60_000, 70_000):  # two on one claim: each row its own controls
        compensation_propose(
            claim_id=claim.pk, user=supervisor, form=CompensationForm.VOUCHER, amount=amount
        )
    login(supervisor)
    body = client.get(reverse("approvals")).content.decode()
    row = body[body.index(f'data-request="{own.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Your own request: another supervisor decides." in row
    assert reverse("approval_approve", args=[own.pk]) not in row
    compensations = re.findall(r'<tr data-kind="compensation".*?</tr>', body, re.S)
    assert len(compensations) == 2
    assert all("Your own claim: another supervisor decides." in r for r in compensations)
    ids = re.findall(r'id="([^"]+)"', body)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
