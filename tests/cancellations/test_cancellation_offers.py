"""Every legal step of the cancellation tree, and a refusal for every illegal one with the
state left as it was."""

from datetime import timedelta

import pytest
from django.utils import timezone

from calls.choices import CallTaskKind
from calls.models import CallTask
from cancellations.choices import PresentationAnswer, RequestState
from cancellations.models import CancellationRequest
from cancellations.services.closing import (
    cancellation_confirm,
    cancellation_insist,
    cancellation_reconsider,
    cancellation_requote,
    cancellation_resume,
    cancellation_schedule_callback,
    cancellation_withdraw,
)
from cancellations.services.handling import cancellation_notes_save
from cancellations.services.offers import (
    offer_accept,
    offer_approval_withdraw,
    offer_approve,
    offer_decline,
    offer_deny,
    offer_present,
)
from cancellations.services.opening import cancellation_identify_reason, cancellation_open
from core.errors import NotPermitted, RequestAlreadyOpen, ServiceError
from core.models import AuditEntry
from customers.choices import AmendmentKind, ContractStatus
from tests.factories import ContractFactory, UserFactory

pytestmark = pytest.mark.django_db
S = RequestState


def _state(request) -> str:
    return CancellationRequest.objects.get(pk=request.pk).state


def _audit(request) -> list[tuple[str, str, str]]:
    return list(
        AuditEntry.objects.filter(subject_id=request.pk)
        .order_by("pk")
        .values_list("action", "source", "target")
    )


# ---- opening -------------------------------------------------------------------------------


def test_open_creates_a_request_for_the_contract_and_audits_it(agent, contract):
    request = cancellation_open(contract_id=contract.pk, user=agent)
    assert request.state == S.OPENED
    assert request.customer_id == contract.customer_id
    assert request.agent == agent
    assert _audit(request) == [("open", "", "opened")]


def test_a_second_open_request_for_the_same_contract_is_refused(opened, agent, contract):
    with pytest.raises(RequestAlreadyOpen) as refused:
        cancellation_open(contract_id=contract.pk, user=agent)
    assert refused.value.request_id == opened.pk
    assert CancellationRequest.objects.count() == 1


def test_the_database_itself_refuses_two_open_requests(opened, agent, contract):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        CancellationRequest.objects.create(
            contract=contract, customer=contract.customer, agent=agent
        )


@pytest.mark.parametrize("status", [ContractStatus.CANCELLED, ContractStatus.ENDED])
def test_a_closed_contract_cannot_be_cancelled_again(agent, status, today):
    contract = ContractFactory(status=status, cancelled_on=today)
    with pytest.raises(ServiceError, match="nothing left to cancel"):
        cancellation_open(contract_id=contract.pk, user=agent)
    assert not CancellationRequest.objects.exists()


def test_opening_an_unknown_contract_is_a_clear_error(agent):
    with pytest.raises(ServiceError, match="does not exist"):
        cancellation_open(contract_id=999999, user=agent)


def test_catalog_admins_do_not_take_calls(catalog_admin, contract):
    with pytest.raises(NotPermitted):
        cancellation_open(contract_id=contract.pk, user=catalog_admin)


def test_after_a_final_outcome_a_new_request_may_be_opened(opened, agent, contract):
    cancellation_withdraw(request_id=opened.pk, user=agent)
    again = cancellation_open(contract_id=contract.pk, user=agent)
    assert again.pk != opened.pk


# ---- identify the reason ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "target"),
    [
        ("product_quality", S.DISSATISFIED),
        ("price_value", S.DISSATISFIED),
        ("fee_burden", S.FINANCIAL_BURDEN),
        ("relocation", S.CONTRACT_CHANGE),
        ("competitor_cheaper", S.COMPETITOR),
        ("emigration", S.CANCELLING),
        ("death", S.CANCELLING),
    ],
)
def test_identify_reason_branches_by_category(opened, agent, reason, code, target):
    request = cancellation_identify_reason(
        request_id=opened.pk, user=agent, reason_id=reason(code).pk, competitor_name="Rival"
    )
    assert request.state == target
    assert _state(request) == target
    assert request.branch == (target if target != S.CANCELLING else "")
    assert _audit(request)[-1] == ("identify_reason", "opened", target)


def test_an_unknown_reason_is_refused_and_nothing_changes(opened, agent):
    with pytest.raises(ServiceError, match="Choose a reason"):
        cancellation_identify_reason(request_id=opened.pk, user=agent, reason_id=424242)
    assert _state(opened) == S.OPENED


def test_a_retired_reason_is_refused(opened, agent, reason):
    retired = reason("long_absence")
    retired.is_active = False
    retired.save()
    with pytest.raises(ServiceError, match="Choose a reason"):
        cancellation_identify_reason(request_id=opened.pk, user=agent, reason_id=retired.pk)
    assert _state(opened) == S.OPENED


def test_competitor_branch_needs_the_competitor_named(opened, agent, reason):
    with pytest.raises(ServiceError, match="which competitor"):
        cancellation_identify_reason(
            request_id=opened.pk, user=agent, reason_id=reason("competitor_gift").pk
        )
    assert _state(opened) == S.OPENED
    request = cancellation_identify_reason(
        request_id=opened.pk,
        user=agent,
        reason_id=reason("competitor_gift").pk,
        competitor_name="Rival Rentals",
        competitor_offer="A free air purifier for signing",
    )
    assert request.state == S.COMPETITOR
    assert request.competitor_offer == "A free air purifier for signing"


def test_identify_reason_twice_is_refused(walk, agent, reason):
    request = walk("financial_burden")
    with pytest.raises(ServiceError, match="not possible"):
        cancellation_identify_reason(
            request_id=request.pk, user=agent, reason_id=reason("emigration").pk
        )
    assert _state(request) == S.FINANCIAL_BURDEN


# ---- offers ----------------------------------------------------------------------------------


def test_present_then_accept_retains_amends_and_plans_a_follow_up(walk, agent, fee_offer):
    request = walk("financial_burden")
    presentation = offer_present(request_id=request.pk, user=agent, offer_id=fee_offer.pk)
    assert _state(request) == S.OFFER_PRESENTED
    assert presentation.answer == PresentationAnswer.PENDING
    assert presentation.monthly_fee_after == 27000

    offer_accept(request_id=request.pk, user=agent)
    request.refresh_from_db()
    contract = request.contract
    contract.refresh_from_db()
    assert request.state == S.RETAINED
    assert request.closed_at is not None
    assert contract.monthly_fee == 27000
    assert contract.fee_adjusted_on == timezone.localdate()
    amendment = contract.amendments.get()
    assert amendment.kind == AmendmentKind.FEE_ADJUSTMENT
    assert (amendment.old_monthly_fee, amendment.new_monthly_fee) == (30000, 27000)
    assert amendment.created_by == agent
    follow_up = CallTask.objects.get(cancellation_request=request, kind="save_follow_up")
    assert follow_up.kind == CallTaskKind.SAVE_FOLLOW_UP
    assert follow_up.assignee == agent
    assert timedelta(days=6) < follow_up.due_at - timezone.now() <= timedelta(days=7)
    presentation.refresh_from_db()
    assert presentation.answer == PresentationAnswer.ACCEPTED
    assert [a for a, _, _ in _audit(request)] == [
        "open",
        "identify_reason",
        "present_offer",
        "accept_offer",
    ]


def test_decline_returns_to_the_branch_and_logs_the_decline(walk, agent, visit_offer, fee_offer):
    request = walk("financial_burden")
    first = offer_present(request_id=request.pk, user=agent, offer_id=visit_offer.pk)
    offer_decline(request_id=request.pk, user=agent, note="Not interested")
    assert _state(request) == S.FINANCIAL_BURDEN
    first.refresh_from_db()
    assert first.answer == PresentationAnswer.DECLINED
    assert first.answer_note == "Not interested"
    second = offer_present(request_id=request.pk, user=agent, offer_id=fee_offer.pk)
    assert second.position == 2


def test_the_same_offer_is_not_presented_twice_in_one_call(walk, agent, visit_offer):
    request = walk("dissatisfied")
    offer_present(request_id=request.pk, user=agent, offer_id=visit_offer.pk)
    offer_decline(request_id=request.pk, user=agent)
    with pytest.raises(ServiceError, match="already presented"):
        offer_present(request_id=request.pk, user=agent, offer_id=visit_offer.pk)
    assert _state(request) == S.DISSATISFIED


def test_offer_cap_stops_a_fourth_offer_and_steers_to_the_quote(walk, agent):
    from tests.factories import OfferFactory

    offers = [OfferFactory(reason_categories=["financial"]) for _ in range(4)]
    request = walk("financial_burden")
    for offer in offers[:3]:
        offer_present(request_id=request.pk, user=agent, offer_id=offer.pk)
        offer_decline(request_id=request.pk, user=agent)
    with pytest.raises(ServiceError, match="limit of offers"):
        offer_present(request_id=request.pk, user=agent, offer_id=offers[3].pk)
    assert _state(request) == S.FINANCIAL_BURDEN
    assert request.presentations.count() == 3
    assert set(request.presentations.values_list("answer", flat=True)) == {"declined"}
    # the way out is still there
    cancellation_insist(request_id=request.pk, user=agent)
    assert _state(request) == S.CANCELLING


def test_an_ineligible_offer_is_refused_with_the_reason(walk, agent, fee_offer):
    request = walk("dissatisfied")  # a fee adjustment answers the financial branch only
    with pytest.raises(ServiceError, match="does not answer this reason") as refused:
        offer_present(request_id=request.pk, user=agent, offer_id=fee_offer.pk)
    assert refused.value.details
    assert _state(request) == S.DISSATISFIED
    assert not request.presentations.exists()


def test_an_expired_offer_is_refused(walk, agent, visit_offer):
    visit_offer.active_until = timezone.now() - timedelta(minutes=1)
    visit_offer.save()
    request = walk("dissatisfied")
    with pytest.raises(ServiceError, match="expired"):
        offer_present(request_id=request.pk, user=agent, offer_id=visit_offer.pk)
    assert _state(request) == S.DISSATISFIED


def test_unknown_offer_is_refused(walk, agent):
    request = walk("dissatisfied")
    with pytest.raises(ServiceError, match="does not exist"):
        offer_present(request_id=request.pk, user=agent, offer_id=987654)


def test_an_offer_above_authority_waits_for_a_supervisor(walk, agent, supervisor, costly_offer):
    request = walk("competitor")
    presentation = offer_present(request_id=request.pk, user=agent, offer_id=costly_offer.pk)
    assert presentation.needs_approval
    assert _state(request) == S.AWAITING_APPROVAL
    with pytest.raises(NotPermitted):
        offer_approve(request_id=request.pk, user=agent)
    with pytest.raises(ServiceError, match="not possible"):
        offer_accept(request_id=request.pk, user=agent)
    assert _state(request) == S.AWAITING_APPROVAL

    offer_approve(request_id=request.pk, user=supervisor, note="Worth keeping")
    assert _state(request) == S.OFFER_PRESENTED
    presentation.refresh_from_db()
    assert presentation.approval_decided_by == supervisor
    assert presentation.answer == PresentationAnswer.PENDING
    offer_accept(request_id=request.pk, user=agent)
    assert _state(request) == S.RETAINED


def test_a_denied_offer_returns_to_the_branch_with_the_note(walk, agent, supervisor, costly_offer):
    request = walk("competitor")
    presentation = offer_present(request_id=request.pk, user=agent, offer_id=costly_offer.pk)
    with pytest.raises(ServiceError, match="Say why"):
        offer_deny(request_id=request.pk, user=supervisor, note=" ")
    assert _state(request) == S.AWAITING_APPROVAL
    offer_deny(request_id=request.pk, user=supervisor, note="Too generous for this tier")
    assert _state(request) == S.COMPETITOR
    presentation.refresh_from_db()
    assert presentation.answer == PresentationAnswer.APPROVAL_DENIED
    assert presentation.approval_note == "Too generous for this tier"


def test_a_supervisor_cannot_approve_on_their_own_request(walk, supervisor, costly_offer):
    request = walk("competitor", user=supervisor)
    offer_present(request_id=request.pk, user=supervisor, offer_id=costly_offer.pk)
    with pytest.raises(NotPermitted):
        offer_approve(request_id=request.pk, user=supervisor)
    assert _state(request) == S.AWAITING_APPROVAL
    other = UserFactory(username="supervisor-two", role="supervisor")
    offer_approve(request_id=request.pk, user=other)
    assert _state(request) == S.OFFER_PRESENTED


def test_an_unanswered_approval_can_be_withdrawn_only_after_the_timeout(
    walk, agent, costly_offer, settings
):
    import time_machine

    request = walk("competitor")
    presentation = offer_present(request_id=request.pk, user=agent, offer_id=costly_offer.pk)
    with pytest.raises(ServiceError, match="withdrawn after 120 seconds"):
        offer_approval_withdraw(request_id=request.pk, user=agent)
    assert _state(request) == S.AWAITING_APPROVAL
    later = timezone.now() + timedelta(seconds=settings.RETENTION_APPROVAL_TIMEOUT_SECONDS + 1)
    with time_machine.travel(later):
        offer_approval_withdraw(request_id=request.pk, user=agent)
    assert _state(request) == S.COMPETITOR
    presentation.refresh_from_db()
    assert presentation.approval_timed_out
    assert presentation.answer == PresentationAnswer.APPROVAL_WITHDRAWN


# ---- the way out -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "branch", ["dissatisfied", "financial_burden", "contract_change", "competitor"]
)
def test_insist_is_possible_from_every_branch(walk, agent, branch):
    request = walk(branch)
    cancellation_insist(request_id=request.pk, user=agent)
    request.refresh_from_db()
    assert request.state == S.CANCELLING
    assert request.quote["total"] == sum(line["amount"] for line in request.quote["lines"])
    assert request.effective_date == timezone.localdate()


def test_insist_from_an_offer_on_the_table_logs_the_decline(walk, agent, visit_offer):
    request = walk("dissatisfied")
    presentation = offer_present(request_id=request.pk, user=agent, offer_id=visit_offer.pk)
    cancellation_insist(request_id=request.pk, user=agent)
    presentation.refresh_from_db()
    assert presentation.answer == PresentationAnswer.DECLINED
    assert _state(request) == S.CANCELLING


def test_insist_while_on_hold_withdraws_the_approval_request(walk, agent, costly_offer):
    request = walk("competitor")
    presentation = offer_present(request_id=request.pk, user=agent, offer_id=costly_offer.pk)
    cancellation_insist(request_id=request.pk, user=agent)
    presentation.refresh_from_db()
    assert presentation.answer == PresentationAnswer.APPROVAL_WITHDRAWN
    assert _state(request) == S.CANCELLING


def test_a_quote_for_a_past_date_is_refused(walk, agent, today):
    request = walk("financial_burden")
    with pytest.raises(ServiceError, match="past"):
        cancellation_insist(
            request_id=request.pk, user=agent, effective_date=today - timedelta(days=1)
        )
    assert _state(request) == S.FINANCIAL_BURDEN


def test_reconsider_goes_back_to_the_branch(walk, agent):
    request = walk("financial_burden")
    cancellation_insist(request_id=request.pk, user=agent)
    cancellation_reconsider(request_id=request.pk, user=agent)
    assert _state(request) == S.FINANCIAL_BURDEN


def test_reconsider_after_an_unavoidable_reason_goes_back_to_the_reason(walk, agent):
    request = walk("cancelling")
    cancellation_reconsider(request_id=request.pk, user=agent)
    assert _state(request) == S.OPENED


def test_confirm_cancels_the_contract_on_the_quoted_date_and_plans_a_survey(walk, agent, today):
    request = walk("financial_burden")
    effective = today + timedelta(days=10)
    cancellation_insist(request_id=request.pk, user=agent, effective_date=effective)
    cancellation_confirm(request_id=request.pk, user=agent, pickup_date=effective)
    request.refresh_from_db()
    request.contract.refresh_from_db()
    assert request.state == S.CANCELLED
    assert request.pickup_date == effective
    assert request.contract.status == ContractStatus.CANCELLED
    assert request.contract.cancelled_on == effective
    assert CallTask.objects.get(cancellation_request=request).kind == CallTaskKind.SURVEY


def test_requote_changes_the_quote_while_cancelling(walk, agent, today):
    request = walk("financial_burden")
    cancellation_insist(request_id=request.pk, user=agent)
    before = CancellationRequest.objects.get(pk=request.pk).quote
    later = today + timedelta(days=120)
    cancellation_requote(request_id=request.pk, user=agent, effective_date=later)
    after = CancellationRequest.objects.get(pk=request.pk)
    assert after.effective_date == later
    assert after.quote["total"] < before["total"]
    assert _audit(request)[-1][0] == "requote"


def test_confirm_without_pickup_date_is_refused(walk, agent):
    request = walk("cancelling")
    with pytest.raises(ServiceError, match="pick"):
        cancellation_confirm(request_id=request.pk, user=agent, pickup_date=None)
    assert _state(request) == S.CANCELLING


def test_confirm_needs_a_quote(walk, agent, today):
    request = walk("cancelling")  # unavoidable: in cancelling without insist, so no quote yet
    with pytest.raises(ServiceError, match="quote"):
        cancellation_confirm(request_id=request.pk, user=agent, pickup_date=today)
    cancellation_requote(request_id=request.pk, user=agent, effective_date=today)
    cancellation_confirm(request_id=request.pk, user=agent, pickup_date=today)
    assert _state(request) == S.CANCELLED


# ---- callbacks and withdrawal ----------------------------------------------------------------


def test_callback_then_resume_returns_to_where_the_call_was(walk, agent, future):
    request = walk("financial_burden")
    cancellation_schedule_callback(request_id=request.pk, user=agent, callback_at=future)
    assert _state(request) == S.CALLBACK_SCHEDULED
    task = CallTask.objects.get(cancellation_request=request, kind="callback")
    assert (task.kind, task.due_at, task.assignee) == (CallTaskKind.CALLBACK, future, agent)
    cancellation_resume(request_id=request.pk, user=agent)
    assert _state(request) == S.FINANCIAL_BURDEN
    task.refresh_from_db()
    assert task.status == "done"


def test_a_callback_in_the_past_is_refused(walk, agent):
    request = walk("financial_burden")
    with pytest.raises(ServiceError, match="future"):
        cancellation_schedule_callback(
            request_id=request.pk, user=agent, callback_at=timezone.now() - timedelta(hours=1)
        )
    assert _state(request) == S.FINANCIAL_BURDEN
    assert not CallTask.objects.exists()


def test_withdraw_from_any_open_state_closes_the_request(walk, agent, visit_offer, future):
    request = walk("dissatisfied")
    offer_present(request_id=request.pk, user=agent, offer_id=visit_offer.pk)
    cancellation_schedule_callback(request_id=request.pk, user=agent, callback_at=future)
    cancellation_withdraw(request_id=request.pk, user=agent, note="Changed their mind")
    request.refresh_from_db()
    assert request.state == S.WITHDRAWN
    assert CallTask.objects.get(cancellation_request=request, kind="callback").status == "cancelled"


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
    audit_before = _audit(request)
    with pytest.raises(ServiceError, match="not possible"):
        step(request, agent)
    assert _state(request) == S.WITHDRAWN
    assert _audit(request) == audit_before


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
    before = _state(request)
    with pytest.raises(ServiceError, match="not possible"):
        step(request, agent)
    assert _state(request) == before


def test_another_agent_cannot_act_on_my_request(walk, visit_offer):
    request = walk("dissatisfied")
    stranger = UserFactory(username="agent-other", role="agent")
    with pytest.raises(NotPermitted):
        offer_present(request_id=request.pk, user=stranger, offer_id=visit_offer.pk)
    with pytest.raises(NotPermitted):
        cancellation_notes_save(request_id=request.pk, user=stranger, notes="hi")
    assert _state(request) == S.DISSATISFIED


def test_a_supervisor_may_take_a_step_on_an_agents_request(walk, supervisor):
    request = walk("dissatisfied")
    cancellation_insist(request_id=request.pk, user=supervisor)
    assert _state(request) == S.CANCELLING


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
