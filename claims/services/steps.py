"""The seven steps of a claim (apologize, listen, identify the cause, plan, present, execute,
close) and the detours: revise the countermeasure, escalate, and a supervisor's instruction."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.choices import CallTaskKind, SurveyTouchpoint
from calls.services.planning import call_task_request, call_tasks_end
from claims.choices import CustomerResponse, RecoveryOutcome, RootCause
from claims.models import Claim
from claims.services.common import _lock, _step, _text
from claims.webhook_events import claim_closed_emit
from core.errors import ServiceError


def claim_apologize(*, claim_id: int, user, expected_state: str | None = None) -> Claim:
    with transaction.atomic():
        claim = _lock(claim_id, expected_state)
        _step(claim, "apologize", user=user)
    return claim


def claim_listen(*, claim_id: int, user, account: str, expected_state: str | None = None) -> Claim:
    with transaction.atomic():
        claim = _lock(claim_id, expected_state)
        claim.customer_account = _text(account)
        _step(claim, "listen", user=user)
    return claim


def claim_identify_cause(
    *,
    claim_id: int,
    user,
    root_cause: str,
    description: str,
    expected_state: str | None = None,
) -> Claim:
    if root_cause not in RootCause.values:
        raise ServiceError(_("Choose a root cause from the list."), code="root_cause")
    with transaction.atomic():
        claim = _lock(claim_id, expected_state)
        claim.root_cause, claim.cause_description = root_cause, _text(description)
        _step(claim, "identify_cause", user=user, data={"root_cause": root_cause})
    return claim


def claim_plan(*, claim_id: int, user, plan: str, expected_state: str | None = None) -> Claim:
    with transaction.atomic():
        claim = _lock(claim_id, expected_state)
        claim.countermeasure_plan = _text(plan)
        _step(claim, "plan_countermeasure", user=user)
    return claim


def claim_escalate(*, claim_id: int, user, note: str, expected_state: str | None = None) -> Claim:
    """Cannot be solved on the spot: the claim goes to the supervisors' queue."""
    with transaction.atomic():
        claim = _lock(claim_id, expected_state)
        claim.escalation_note, claim.escalated_by = _text(note), user
        _step(claim, "escalate", user=user, note=claim.escalation_note)
    return claim


def claim_instruct(
    *, claim_id: int, user, instruction: str, expected_state: str | None = None
) -> Claim:
    """A supervisor answers an escalation; the instruction becomes the countermeasure."""
    with transaction.atomic():
        claim = _lock(claim_id, expected_state)
        claim.supervisor_instruction = _text(instruction)
        claim.instructed_by = user
        _step(claim, "instruct", user=user, note=claim.supervisor_instruction)
    return claim


def claim_present(
    *,
    claim_id: int,
    user,
    response: str,
    note: str = "",
    expected_state: str | None = None,
) -> Claim:
    """The method was explained; record whether the customer agreed or objected."""
    if response not in CustomerResponse.values:
        raise ServiceError(_("Record whether the customer agreed or objected."), code="response")
    with transaction.atomic():
        claim = _lock(claim_id, expected_state)
        claim.customer_response, claim.response_note = response, _text(note)
        _step(claim, "present_solution", user=user, data={"response": response})
    return claim


def claim_revise(*, claim_id: int, user, plan: str, expected_state: str | None = None) -> Claim:
    with transaction.atomic():
        claim = _lock(claim_id, expected_state)
        claim.countermeasure_plan = _text(plan) or claim.countermeasure_plan
        _step(claim, "revise_countermeasure", user=user)
    return claim


def claim_execute(
    *, claim_id: int, user, what_was_done: str, expected_state: str | None = None
) -> Claim:
    with transaction.atomic():
        claim = _lock(claim_id, expected_state)
        claim.execution_note = _text(what_was_done)
        _step(claim, "execute", user=user)
    return claim


def claim_close(
    *,
    claim_id: int,
    user,
    recovery_outcome: str,
    thanked: bool,
    expected_state: str | None = None,
) -> Claim:
    """Product recovered (or nothing to recover), customer thanked: closed. The
    after-service greeting and a survey call are planned; open interim contacts end."""
    if recovery_outcome not in RecoveryOutcome.values:
        raise ServiceError(
            _("Record the product recovery: recovered, or nothing to recover."), code="recovery"
        )
    with transaction.atomic():
        claim = _lock(claim_id, expected_state)
        claim.recovery_outcome, claim.thanked = recovery_outcome, bool(thanked)
        _step(claim, "close", user=user)
        now = timezone.now()
        call_tasks_end(claim_id=claim.pk, kinds=[CallTaskKind.CLAIM_INTERIM], taken_too=False)
        call_task_request(
            kind=CallTaskKind.AFTER_SERVICE,
            customer_id=claim.customer_id,
            contract_id=claim.contract_id,
            claim_id=claim.pk,
            due_at=now + timedelta(days=settings.CLAIMS_AFTER_SERVICE_DAYS),
            assignee_id=claim.agent_id,
            idempotency_key=f"claim-after-service:{claim.pk}",
        )
        call_task_request(
            kind=CallTaskKind.SURVEY,
            customer_id=claim.customer_id,
            contract_id=claim.contract_id,
            claim_id=claim.pk,
            due_at=now + timedelta(days=settings.CLAIMS_SURVEY_DELAY_DAYS),
            idempotency_key=f"survey:claim:{claim.pk}",
            touchpoint=SurveyTouchpoint.CLAIM,
        )
        claim_closed_emit(claim=claim)
    return claim
