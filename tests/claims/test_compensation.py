"""Compensation for a claim (SPEC §5): material or emotional; up to the threshold the agent
grants it at once, above it a supervisor who does not handle the claim decides."""

import pytest
from django.conf import settings

from claims.choices import ClaimState, CompensationForm, CompensationStatus
from claims.models import Compensation
from claims.services.compensation import compensation_decide, compensation_propose
from core.errors import NotPermitted, ServiceError
from tests.claims.helpers import actions, audit, trail

pytestmark = pytest.mark.django_db
S = ClaimState
THRESHOLD = settings.CLAIMS_COMPENSATION_APPROVAL_THRESHOLD


@pytest.fixture
def claim(walk):
    return walk(S.COUNTERMEASURE_PLANNED)


@pytest.fixture
def propose(claim, agent):
    def _propose(amount, *, form=CompensationForm.VOUCHER, user=None, description=""):
        return compensation_propose(
            claim_id=claim.pk,
            user=user or agent,
            form=form,
            amount=amount,
            description=description,
        )

    return _propose


@pytest.fixture
def awaiting(propose):
    """A voucher above the threshold, waiting for a supervisor."""
    return propose(THRESHOLD + 1)


def _fresh(compensation) -> Compensation:
    return Compensation.objects.get(pk=compensation.pk)


# ---- proposing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "amount"),
    [
        (CompensationForm.VOUCHER, THRESHOLD),
        (CompensationForm.REFUND, 1),
        (CompensationForm.FREE_MONTHS, 30_000),
        (CompensationForm.APOLOGY, 0),
        (CompensationForm.GIFT, 15_000),
    ],
)
def test_up_to_the_threshold_compensation_is_granted_at_once(propose, claim, agent, form, amount):
    compensation = _fresh(propose(amount, form=form, description="  For the trouble  "))

    assert compensation.status == CompensationStatus.APPROVED
    assert (compensation.claim_id, compensation.form, compensation.amount) == (
        claim.pk,
        form,
        amount,
    )
    assert compensation.description == "For the trouble"
    assert compensation.proposed_by == agent
    entry = audit(claim).last()
    assert (entry.action, entry.source, entry.target, entry.user) == (
        "compensation_propose",
        S.COUNTERMEASURE_PLANNED,
        S.COUNTERMEASURE_PLANNED,
        agent,
    )
    assert entry.data == {"form": form, "amount": amount, "needs_approval": False}


def test_above_the_threshold_compensation_waits_for_a_supervisor(propose, claim):
    compensation = _fresh(propose(THRESHOLD + 1, form=CompensationForm.REFUND))

    assert compensation.status == CompensationStatus.AWAITING_APPROVAL
    assert compensation.decided_by is None
    assert audit(claim).last().data["needs_approval"] is True


def test_the_threshold_comes_from_the_settings(propose, settings):
    settings.CLAIMS_COMPENSATION_APPROVAL_THRESHOLD = 10_000
    assert propose(10_000).status == CompensationStatus.APPROVED
    assert propose(10_001).status == CompensationStatus.AWAITING_APPROVAL


def test_a_supervisor_may_propose_on_an_agents_claim(propose, supervisor):
    assert propose(5_000, user=supervisor).proposed_by == supervisor


@pytest.mark.parametrize(
    ("form", "amount", "message"),
    [
        (CompensationForm.VOUCHER, -1, "A compensation cannot be negative."),
        (CompensationForm.GIFT, -5_000, "A compensation cannot be negative."),
        (CompensationForm.VOUCHER, "ten thousand", "Give the amount in whole won."),
        (CompensationForm.VOUCHER, "12.5", "Give the amount in whole won."),
        (CompensationForm.VOUCHER, None, "Give the amount in whole won."),
        (CompensationForm.VOUCHER, "", "Give the amount in whole won."),
        ("cash_in_an_envelope", 10_000, "Choose the form of compensation."),
        ("", 10_000, "Choose the form of compensation."),
        (CompensationForm.REFUND, 0, "A refund or voucher needs an amount."),
        (CompensationForm.VOUCHER, 0, "A refund or voucher needs an amount."),
        (CompensationForm.VOUCHER, "0", "A refund or voucher needs an amount."),
    ],
)
def test_bad_compensation_is_refused_and_nothing_is_saved(propose, claim, form, amount, message):
    audit_before = trail(claim)

    with pytest.raises(ServiceError) as refused:
        propose(amount, form=form)

    assert type(refused.value) is ServiceError
    assert str(refused.value) == message
    assert not Compensation.objects.exists()
    assert trail(claim) == audit_before


@pytest.mark.parametrize("amount", [12.5, "12.5"], ids=["float", "text"])
def test_an_amount_in_fractions_of_a_won_is_refused_not_rounded(propose, claim, amount):
    with pytest.raises(ServiceError, match="whole won"):
        propose(amount)
    assert not Compensation.objects.exists()


def test_an_amount_too_large_to_store_is_refused_with_a_message(propose, claim):
    """Three billion won does not fit the column: the agent gets a refusal, not a crash."""
    audit_before = trail(claim)
    with pytest.raises(ServiceError):
        propose(3_000_000_000, form=CompensationForm.REFUND)
    assert not Compensation.objects.exists()
    assert trail(claim) == audit_before


def test_an_amount_given_as_text_digits_is_taken_in_won(propose):
    assert _fresh(propose("20000")).amount == 20_000


def test_another_agent_cannot_propose_compensation_on_my_claim(propose, claim, stranger):
    with pytest.raises(NotPermitted):
        propose(5_000, user=stranger)
    assert not Compensation.objects.exists()
    assert "compensation_propose" not in actions(claim)


def test_a_closed_claim_gets_no_more_compensation(walk, agent):
    claim = walk(S.CLOSED)
    with pytest.raises(ServiceError, match="This claim is closed"):
        compensation_propose(
            claim_id=claim.pk, user=agent, form=CompensationForm.GIFT, amount=10_000
        )
    assert not Compensation.objects.exists()


# ---- deciding --------------------------------------------------------------------------------


def test_a_supervisor_approves_a_compensation_above_the_threshold(awaiting, claim, supervisor):
    compensation_decide(compensation_id=awaiting.pk, user=supervisor, approve=True, note="  Fair  ")

    decided = _fresh(awaiting)
    assert decided.status == CompensationStatus.APPROVED
    assert decided.decided_by == supervisor
    assert decided.decided_at is not None
    assert decided.decision_note == "Fair"
    entry = audit(claim).last()
    assert (entry.action, entry.user, entry.note) == ("compensation_approve", supervisor, "Fair")
    assert entry.data == {"compensation": awaiting.pk, "amount": THRESHOLD + 1}


def test_a_supervisor_may_approve_without_a_note(awaiting, supervisor):
    compensation_decide(compensation_id=awaiting.pk, user=supervisor, approve=True)
    assert _fresh(awaiting).status == CompensationStatus.APPROVED


def test_a_supervisor_denies_a_compensation_with_a_reason(awaiting, claim, supervisor):
    compensation_decide(
        compensation_id=awaiting.pk,
        user=supervisor,
        approve=False,
        note="A free month is enough here.",
    )

    decided = _fresh(awaiting)
    assert decided.status == CompensationStatus.DENIED
    assert decided.decided_by == supervisor
    assert decided.decision_note == "A free month is enough here."
    assert actions(claim)[-1] == "compensation_deny"


@pytest.mark.parametrize("note", ["", "   "])
def test_denying_needs_a_reason(awaiting, claim, supervisor, note):
    audit_before = trail(claim)
    with pytest.raises(ServiceError, match="Say why"):
        compensation_decide(compensation_id=awaiting.pk, user=supervisor, approve=False, note=note)
    kept = _fresh(awaiting)
    assert (kept.status, kept.decided_by, kept.decided_at) == (
        CompensationStatus.AWAITING_APPROVAL,
        None,
        None,
    )
    assert trail(claim) == audit_before


@pytest.mark.parametrize("approve", [True, False])
def test_agents_cannot_decide_compensation(awaiting, claim, agent, stranger, approve):
    audit_before = trail(claim)
    for user in (agent, stranger):
        with pytest.raises(NotPermitted):
            compensation_decide(
                compensation_id=awaiting.pk, user=user, approve=approve, note="Because"
            )
    assert _fresh(awaiting).status == CompensationStatus.AWAITING_APPROVAL
    assert trail(claim) == audit_before


def test_a_supervisor_cannot_decide_compensation_on_a_claim_they_handle(
    walk, supervisor, other_supervisor
):
    claim = walk(S.COUNTERMEASURE_PLANNED, user=supervisor)
    compensation = compensation_propose(
        claim_id=claim.pk, user=supervisor, form=CompensationForm.REFUND, amount=THRESHOLD * 2
    )
    assert compensation.status == CompensationStatus.AWAITING_APPROVAL

    with pytest.raises(NotPermitted):
        compensation_decide(compensation_id=compensation.pk, user=supervisor, approve=True)
    assert _fresh(compensation).status == CompensationStatus.AWAITING_APPROVAL

    compensation_decide(compensation_id=compensation.pk, user=other_supervisor, approve=True)
    assert _fresh(compensation).decided_by == other_supervisor


@pytest.mark.parametrize("second", [True, False])
def test_a_compensation_is_decided_only_once(awaiting, claim, supervisor, other_supervisor, second):
    compensation_decide(compensation_id=awaiting.pk, user=supervisor, approve=True)
    audit_before = trail(claim)

    with pytest.raises(ServiceError, match="already decided"):
        compensation_decide(
            compensation_id=awaiting.pk, user=other_supervisor, approve=second, note="No"
        )

    kept = _fresh(awaiting)
    assert (kept.status, kept.decided_by) == (CompensationStatus.APPROVED, supervisor)
    assert trail(claim) == audit_before


def test_a_compensation_granted_at_once_has_nothing_to_decide(propose, supervisor):
    granted = propose(1_000)
    with pytest.raises(ServiceError, match="already decided"):
        compensation_decide(compensation_id=granted.pk, user=supervisor, approve=False, note="x")
    assert _fresh(granted).decided_by is None


def test_deciding_an_unknown_compensation_is_a_clear_error(supervisor):
    with pytest.raises(ServiceError, match="That compensation does not exist"):
        compensation_decide(compensation_id=987654321, user=supervisor, approve=True)
