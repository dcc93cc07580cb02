"""Reads for the claim screens and the supervisors' queue (fixed query counts)."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.live import catalog_live
from claims.choices import ClaimState, CompensationStatus, RootCause
from claims.models import STEPS, Claim, Compensation
from claims.scripts import step_script
from core.fsm import available_actions
from core.models import AuditEntry
from core.queue import queue_order

S = ClaimState


def claim_get_for_user(*, user, pk) -> Claim:
    if not user.has_perm("customers.handle_calls"):
        raise PermissionDenied
    try:
        claim = Claim.objects.select_related(
            "customer", "contract__product", "agent", "customer_type", "instructed_by", "notes_by"
        ).get(pk=int(pk))
    except (Claim.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if claim.agent_id != user.pk and not user.has_perm("cancellations.approve_offers"):
        raise PermissionDenied
    return claim


def claims_for_agent(*, user) -> dict:
    """My open claims, and the overdue ones among them first."""
    if not user.has_perm("customers.handle_calls"):
        raise PermissionDenied
    mine = list(
        Claim.objects.filter(agent=user)
        .exclude(state=S.CLOSED)
        .select_related("customer")
        .order_by("promised_deadline", "received_at")[:200]
    )
    overdue = [claim for claim in mine if claim.is_overdue]
    return {"mine": mine, "overdue": overdue}


@dataclass
class ClaimRailStep:
    number: int
    label: str
    status: str  # done | current | todo


def claim_rail(claim: Claim) -> list[ClaimRailStep]:
    current = claim.step_number
    steps = []
    for number, state in enumerate(STEPS, start=1):
        if state == S.CLOSED:
            continue
        label = str(S(state).label) if state != S.RECEIVED else _("Received")
        status = "done" if number < current or claim.state == S.CLOSED else "todo"
        if number == current and claim.state != S.CLOSED:
            status = "current"
        steps.append(ClaimRailStep(number, label, status))
    return steps


def claim_console_data(*, claim: Claim, user) -> dict:
    actions = available_actions(claim, user)
    history = list(
        AuditEntry.objects.filter(
            subject_type__app_label="claims", subject_type__model="claim", subject_id=claim.pk
        )
        .select_related("user")
        .order_by("at", "pk")
    )
    now = timezone.now()
    return {
        "claim": claim,
        "actions": actions,
        "rail": claim_rail(claim),
        "script": step_script(claim.state),
        "history": history,
        "compensations": list(claim.compensations.select_related("decided_by")),
        "customer_types": catalog_live().customer_types,
        "root_causes": RootCause.choices,
        "now": now,
        "idle_minutes": int((now - claim.last_activity_at).total_seconds() // 60),
        "requests": list(claim.cancellation_requests.all()),
        "text_steps": _text_steps(),
    }


def _text_steps() -> list[tuple[str, str, str]]:
    """The steps whose form is one text field: (transition, button, field label)."""
    return [
        ("listen", _("Record the account"), _("The customer's account, in their words")),
        ("identify_cause", _("Record the cause"), _("What caused it")),
        ("plan_countermeasure", _("Record the countermeasure"), _("Countermeasure")),
        ("escalate", _("Escalate to a supervisor"), _("Why it cannot be solved on the spot")),
        ("instruct", _("Send the instruction"), _("Instruction for the agent")),
        ("present_solution", _("Record the response"), _("Note (optional)")),
        ("revise_countermeasure", _("Revise the countermeasure"), _("Revised countermeasure")),
        ("execute", _("Record what was done"), _("What was done")),
    ]


def supervisor_queue_claims(*, user) -> dict:
    """Escalated claims waiting for an instruction, flagged or overdue claims, and
    compensations waiting for approval (3 queries)."""
    if not user.has_perm("cancellations.approve_offers"):
        raise PermissionDenied
    now = timezone.now()
    escalated = list(
        Claim.objects.filter(state=S.ESCALATED)
        .select_related("customer", "agent")
        .order_by("escalated_at")[:100]
    )
    overdue = list(
        Claim.objects.exclude(state__in=[S.CLOSED, S.ESCALATED])
        .filter(Q(flagged_at__isnull=False) | Q(promised_deadline__lt=now))
        .select_related("customer", "agent")
        .order_by("promised_deadline", "flagged_at")[:100]
    )
    compensations = list(
        Compensation.objects.filter(status=CompensationStatus.AWAITING_APPROVAL)
        .select_related("claim__customer", "claim__agent", "proposed_by")
        .order_by("proposed_at")[:100]
    )
    manager_claims = list(
        Claim.objects.exclude(state=S.CLOSED)
        .filter(manager_requested_at__isnull=False)
        .select_related("customer", "agent")
        .order_by("manager_requested_at")[:100]
    )
    return {
        "escalated": queue_order(escalated, lambda c: c.escalated_at, now),
        "overdue_claims": queue_order(overdue, lambda c: c.flagged_at or c.promised_deadline, now),
        "compensations": queue_order(
            compensations, lambda c: c.proposed_at, now, customer=lambda c: c.claim.customer
        ),
        "manager_claims": queue_order(manager_claims, lambda c: c.manager_requested_at, now),
    }
