"""One service per step of the claim workflow, plus post-handling and compensation.

Same shape as the cancellation services: lock the row, compare the state the caller saw,
record the step's input, run the transition (its guard refuses missing input with a
message), save, audit, and plan calls as rows. Nothing is half-written: every service is
one transaction.
"""

from datetime import datetime, timedelta

import pghistory
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calls.choices import CallTaskKind, SurveyTouchpoint
from calls.services.planning import call_task_request, call_tasks_end
from claims.choices import (
    ClaimState,
    CompensationForm,
    CompensationStatus,
    CustomerResponse,
    FlagReason,
    RecoveryOutcome,
    RootCause,
)
from claims.models import Claim, Compensation
from core.choices import AuditAction
from core.errors import NotPermitted, ServiceError
from core.fsm import record_lock, transition_run
from core.models import AuditEntry
from core.permissions import can_decide_approval, can_handle_request
from core.services.audit import audit_record
from core.services.handling import (
    handled_call_notes_save,
    handled_call_request_manager,
    handled_call_tag,
)
from core.services.submissions import submission_once
from customers.models import Contract, Customer

S = ClaimState


_MISSING = gettext_lazy("That claim does not exist.")


def _claims():
    return Claim.objects.select_related("customer", "contract")


def _lock(claim_id: int, expected_state: str | None) -> Claim:
    return record_lock(_claims(), claim_id, expected_state=expected_state, missing=_MISSING)


def _step(claim: Claim, name: str, *, user, note: str = "", data: dict | None = None) -> None:
    """Run one step: the activity resets the idle clock and clears an idle flag."""
    claim.last_activity_at = timezone.now()
    if claim.flag_reason == FlagReason.IDLE:
        claim.flagged_at, claim.flag_reason = None, ""
    transition_run(claim, name, user=user, note=note, data=data)


def _text(value: str | None) -> str:
    return (value or "").strip()


# ---- opening ---------------------------------------------------------------------------------


def claim_open(
    *, customer_id: int, user, subject: str, contract_id: int | None = None, submission=None
) -> Claim:
    """Open a claim at `received`. `submission`: the form's one-time key, so the same form
    sent twice (or twenty times at once) opens one claim."""
    if not user.has_perm("customers.handle_calls"):
        raise NotPermitted(_("Only agents and supervisors handle claims."))
    subject = _text(subject)
    if not subject:
        raise ServiceError(_("Say in a few words what the claim is about."), code="subject")
    if len(subject) > 200:
        raise ServiceError(_("Keep the subject under 200 characters."), code="subject")
    with transaction.atomic():
        try:
            customer = Customer.objects.get(pk=customer_id)
        except (Customer.DoesNotExist, ValueError, TypeError):
            raise ServiceError(_("That customer does not exist."), code="not_found") from None
        if contract_id is not None:
            try:
                belongs = Contract.objects.filter(pk=int(contract_id), customer=customer).exists()
            except (TypeError, ValueError):
                belongs = False
            if not belongs:
                raise ServiceError(_("That contract is not this customer's."), code="contract")

        def create() -> Claim:
            now = timezone.now()
            claim = Claim.objects.create(
                customer=customer,
                contract_id=contract_id,
                agent=user,
                subject=subject,
                received_at=now,
                last_activity_at=now,
                next_contact_due=now + timedelta(days=settings.CLAIMS_INTERIM_CONTACT_DAYS),
            )
            audit_record(subject=claim, action=AuditAction.OPEN, target=claim.state, user=user)
            return claim

        return submission_once(
            kind="claim.open", key=submission, user=user, model=Claim, create=create
        )


# ---- the seven steps -------------------------------------------------------------------------


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
    return claim


# ---- post-handling ---------------------------------------------------------------------------


def _check_may_handle(claim: Claim, user) -> None:
    if not can_handle_request(user, claim):
        raise NotPermitted(_("You are not allowed to take that step."))


def claim_set_deadline(*, claim_id: int, user, deadline: datetime) -> Claim:
    """The deadline promised to the customer (대기기한). A new promise clears a deadline flag."""
    if deadline is None or timezone.is_naive(deadline):
        raise ServiceError(_("Give the date and time promised to the customer."), code="deadline")
    if deadline <= timezone.now():
        raise ServiceError(_("The promised deadline must be in the future."), code="deadline")
    with transaction.atomic():
        claim = _lock(claim_id, None)
        _check_may_handle(claim, user)
        if not claim.is_open:
            raise ServiceError(_("This claim is closed."), code="closed")
        claim.promised_deadline = deadline
        if claim.flag_reason in (FlagReason.DEADLINE, FlagReason.IDLE):
            claim.flagged_at, claim.flag_reason = None, ""
        claim.last_activity_at = timezone.now()
        with pghistory.context(user=user.pk):
            claim.save()
        audit_record(
            subject=claim,
            action=AuditAction.PROMISE_DEADLINE,
            source=claim.state,
            target=claim.state,
            user=user,
            data={"deadline": deadline.isoformat()},
        )
    return claim


# ---- compensation ----------------------------------------------------------------------------


def compensation_propose(
    *, claim_id: int, user, form: str, amount: int, description: str = "", submission=None
) -> Compensation:
    """Material or emotional compensation in KRW. Up to the threshold it is granted at once;
    above it a supervisor approves. `submission`: the form's one-time key (sent twice, one
    compensation); without one, the same proposal within 30 s counts as a double click."""
    if form not in CompensationForm.values:
        raise ServiceError(_("Choose the form of compensation."), code="form")
    try:
        amount = int(str(amount).strip())  # "12.5", 12.5 and "lots" are refused, not rounded
    except (TypeError, ValueError):
        raise ServiceError(_("Give the amount in whole won."), code="amount") from None
    if amount < 0:
        raise ServiceError(_("A compensation cannot be negative."), code="amount")
    if amount > settings.CLAIMS_COMPENSATION_MAX:
        raise ServiceError(
            _("A compensation above %(max)s won is not given from the desk.")
            % {"max": f"{settings.CLAIMS_COMPENSATION_MAX:,}"},
            code="amount",
        )
    if form in (CompensationForm.REFUND, CompensationForm.VOUCHER) and amount == 0:
        raise ServiceError(_("A refund or voucher needs an amount."), code="amount")
    with transaction.atomic():
        claim = _lock(claim_id, None)
        _check_may_handle(claim, user)
        if not claim.is_open:
            raise ServiceError(_("This claim is closed."), code="closed")
        recent = claim.compensations.filter(
            proposed_by=user,
            form=form,
            amount=amount,
            proposed_at__gte=timezone.now() - timedelta(seconds=30),
        ).first()
        if recent is not None and submission is None:
            return recent  # the same proposal twice in a moment: a double click

        def create() -> Compensation:
            given = sum(
                claim.compensations.exclude(status=CompensationStatus.DENIED).values_list(
                    "amount", flat=True
                )
            )
            # The threshold is on what the claim has cost in all, so splitting a large
            # refund into small ones still reaches a supervisor.
            needs_approval = given + amount > settings.CLAIMS_COMPENSATION_APPROVAL_THRESHOLD
            compensation = Compensation.objects.create(
                claim=claim,
                form=form,
                amount=amount,
                description=_text(description),
                status=(
                    CompensationStatus.AWAITING_APPROVAL
                    if needs_approval
                    else CompensationStatus.APPROVED
                ),
                proposed_by=user,
            )
            audit_record(
                subject=claim,
                action=AuditAction.COMPENSATION_PROPOSE,
                source=claim.state,
                target=claim.state,
                user=user,
                data={"form": form, "amount": amount, "needs_approval": needs_approval},
            )
            return compensation

        return submission_once(
            kind="compensation", key=submission, user=user, model=Compensation, create=create
        )


def compensation_decide(
    *, compensation_id: int, user, approve: bool, note: str = ""
) -> Compensation:
    """A supervisor approves or denies a compensation above the threshold (never on a claim
    they handle themselves). Denying needs a note."""
    if not approve and not _text(note):
        raise ServiceError(_("Say why, so the agent can tell the customer."), code="note")
    with transaction.atomic():
        compensation = (
            Compensation.objects.select_for_update(of=("self",))
            .select_related("claim")
            .filter(pk=compensation_id)
            .first()
        )
        if compensation is None:
            raise ServiceError(_("That compensation does not exist."), code="not_found")
        if (
            not can_decide_approval(user, compensation.claim)
            or compensation.proposed_by_id == user.pk
        ):
            raise NotPermitted(_("You are not allowed to take that step."))
        if compensation.status != CompensationStatus.AWAITING_APPROVAL:
            raise ServiceError(_("This compensation was already decided."), code="decided")
        compensation.status = CompensationStatus.APPROVED if approve else CompensationStatus.DENIED
        compensation.decided_by, compensation.decided_at = user, timezone.now()
        compensation.decision_note = _text(note)
        compensation.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit_record(
            subject=compensation.claim,
            action=AuditAction.COMPENSATION_APPROVE if approve else AuditAction.COMPENSATION_DENY,
            source=compensation.claim.state,
            target=compensation.claim.state,
            user=user,
            note=compensation.decision_note,
            data={"compensation": compensation.pk, "amount": compensation.amount},
        )
    return compensation


# ---- the sweep (Celery beat, every minute) ---------------------------------------------------


def claims_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Flag claims past their promised deadline or idle too long for their step, and plan the
    interim contacts that have come due. Safe to run as often as beat likes, even twice at
    once: each claim is flagged once (the UPDATE only takes unflagged rows) and each interim
    contact has its own idempotency key."""
    now = now or timezone.now()
    open_unflagged = Claim.objects.exclude(state=S.CLOSED).filter(flagged_at__isnull=True)
    with transaction.atomic():
        past_deadline = list(
            open_unflagged.filter(promised_deadline__lt=now)
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        Claim.objects.filter(pk__in=past_deadline, flagged_at__isnull=True).update(
            flagged_at=now, flag_reason=FlagReason.DEADLINE
        )
        idle_filter = Q(pk__in=[])  # no idle limits configured: nothing is idle
        for state, hours in settings.CLAIMS_IDLE_HOURS.items():
            idle_filter |= Q(state=state, last_activity_at__lt=now - timedelta(hours=hours))
        idle = list(
            open_unflagged.exclude(pk__in=past_deadline)
            .filter(idle_filter)
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        Claim.objects.filter(pk__in=idle, flagged_at__isnull=True).update(
            flagged_at=now, flag_reason=FlagReason.IDLE
        )
        _audit_flags(past_deadline, FlagReason.DEADLINE, now)
        _audit_flags(idle, FlagReason.IDLE, now)
    interim = _interim_contacts_plan(now)
    return {"past_deadline": len(past_deadline), "idle": len(idle), "interim_contacts": interim}


def _audit_flags(claim_ids: list[int], reason: str, now: datetime) -> None:
    if not claim_ids:
        return
    from django.contrib.contenttypes.models import ContentType

    claim_type = ContentType.objects.get_for_model(Claim)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            subject_type=claim_type,
            subject_id=claim_id,
            action=AuditAction.FLAG,
            data={"reason": reason},
            at=now,
        )
        for claim_id in claim_ids
    )


def _interim_contacts_plan(now: datetime) -> int:
    """While a claim is in progress the customer hears from us every few days."""
    interval = timedelta(days=settings.CLAIMS_INTERIM_CONTACT_DAYS)
    planned = 0
    with transaction.atomic():
        due = (
            Claim.objects.exclude(state__in=[S.CLOSED, S.RECEIVED])
            .filter(next_contact_due__lte=now)
            .select_for_update(skip_locked=True)
        )
        for claim in due:
            claim.interim_contacts += 1
            call_task_request(
                kind=CallTaskKind.CLAIM_INTERIM,
                customer_id=claim.customer_id,
                contract_id=claim.contract_id,
                claim_id=claim.pk,
                due_at=claim.next_contact_due,
                assignee_id=claim.agent_id,
                idempotency_key=f"claim-interim:{claim.pk}:{claim.interim_contacts}",
            )
            claim.next_contact_due = max(claim.next_contact_due + interval, now + interval)
            claim.save(update_fields=["interim_contacts", "next_contact_due", "updated_at"])
            planned += 1
    return planned


def claim_notes_save(*, claim_id: int, user, notes: str) -> Claim:
    return handled_call_notes_save(
        queryset=_claims(), pk=claim_id, user=user, notes=notes, missing=_MISSING
    )


def claim_tag_customer_type(*, claim_id: int, user, customer_type_id: int | None) -> Claim:
    return handled_call_tag(
        queryset=_claims(),
        pk=claim_id,
        user=user,
        customer_type_id=customer_type_id,
        missing=_MISSING,
    )


def claim_request_manager(*, claim_id: int, user, expected_state: str | None = None) -> Claim:
    return handled_call_request_manager(
        queryset=_claims(),
        pk=claim_id,
        user=user,
        expected_state=expected_state,
        missing=_MISSING,
    )
