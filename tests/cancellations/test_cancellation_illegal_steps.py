"""A refusal for every illegal step of the cancellation tree and for the wrong person, with
the state and the audit trail left as they were; a supervisor may step in, and notes
save while the request is open."""

from datetime import timedelta

import pytest

from cancellations.choices import RequestState
from cancellations.models import CancellationRequest
from cancellations.services.closing import (
    cancellation_insist,
    cancellation_reconsider,
    cancellation_resume,
    cancellation_withdraw,
)
from cancellations.services.handling import cancellation_notes_save
from cancellations.services.offers import (
    offer_accept,
    offer_approval_withdraw,
    offer_decline,
    offer_present,
)
from core.errors import NotPermitted, ServiceError
from core.models import AuditEntry
from tests.cancellations.helpers import audit_trail, request_state
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

S = RequestState


@pytest.mark.parametrize(
    "step",
    [
        lambda r, u: offer_decline(request_id=r.pk, user=u),
        lambda r, u: offer_accept(request_id=r.pk, user=u),
        lambda r, u: cancellation_insist(request_id=r.pk, user=u),
        lambda r, u: cancellation_reconsider(request_id=r.pk, user=u),
        lambda r, u: cancellation_resume(request_id=r.pk, user=u),
        lambda r, u: cancellation_withdraw(request_id=r.pk, user=u),
    ],
    ids=["decline", "accept", "insist", "reconsider", "resume", "withdraw"],
)
def test_nothing_moves_a_closed_request(walk, agent, step):
    request = walk("dissatisfied")
    cancellation_withdraw(request_id=request.pk, user=agent)
    audit_before = audit_trail(request)
    with pytest.raises(ServiceError, match="not possible"):
        step(request, agent)
    assert request_state(request) == S.WITHDRAWN
    assert audit_trail(request) == audit_before


@pytest.mark.parametrize(
    ("branch", "step"),
    [
        ("opened", lambda r, u: offer_decline(request_id=r.pk, user=u)),
        ("opened", lambda r, u: offer_accept(request_id=r.pk, user=u)),
        ("opened", lambda r, u: cancellation_reconsider(request_id=r.pk, user=u)),
        ("opened", lambda r, u: cancellation_resume(request_id=r.pk, user=u)),
        ("financial_burden", lambda r, u: offer_accept(request_id=r.pk, user=u)),
        ("financial_burden", lambda r, u: offer_decline(request_id=r.pk, user=u)),
        ("financial_burden", lambda r, u: cancellation_reconsider(request_id=r.pk, user=u)),
        ("financial_burden", lambda r, u: offer_approval_withdraw(request_id=r.pk, user=u)),
        ("cancelling", lambda r, u: cancellation_insist(request_id=r.pk, user=u)),
        ("cancelling", lambda r, u: offer_accept(request_id=r.pk, user=u)),
    ],
)
def test_illegal_steps_are_refused_and_change_nothing(walk, opened, agent, branch, step):
    request = opened if branch == "opened" else None
    if request is None:
        cancellation_withdraw(request_id=opened.pk, user=agent)
        request = walk(branch)
    before = request_state(request)
    with pytest.raises(ServiceError, match="not possible"):
        step(request, agent)
    assert request_state(request) == before


def test_another_agent_cannot_act_on_my_request(walk, visit_offer):
    request = walk("dissatisfied")
    stranger = UserFactory(username="agent-other", role="agent")
    with pytest.raises(NotPermitted):
        offer_present(request_id=request.pk, user=stranger, offer_id=visit_offer.pk)
    with pytest.raises(NotPermitted):
        cancellation_notes_save(request_id=request.pk, user=stranger, notes="hi")
    assert request_state(request) == S.DISSATISFIED


def test_a_supervisor_may_take_a_step_on_an_agents_request(walk, supervisor):
    request = walk("dissatisfied")
    cancellation_insist(request_id=request.pk, user=supervisor)
    assert request_state(request) == S.CANCELLING


def test_a_refused_step_leaves_no_audit_entry(walk, agent, today):
    request = walk("financial_burden")
    before = AuditEntry.objects.count()
    with pytest.raises(ServiceError):
        cancellation_insist(
            request_id=request.pk, user=agent, effective_date=today - timedelta(days=3)
        )
    assert AuditEntry.objects.count() == before


def test_notes_are_saved_while_open(walk, agent):
    request = walk("dissatisfied")
    cancellation_notes_save(request_id=request.pk, user=agent, notes="Filter smells")
    assert CancellationRequest.objects.get(pk=request.pk).notes == "Filter smells"
