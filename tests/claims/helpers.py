"""Walking claims through the real services and reading them back, shared by the claim tests.

Each step has one service and a valid input for it; a test overrides the input it is about.
The paths only use the handling agent's steps: the supervisor's `instruct` is taken by the
tests that are about it.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from claims.choices import ClaimState, CustomerResponse, RecoveryOutcome, RootCause
from claims.models import Claim
from claims.services.steps import (
    claim_apologize,
    claim_close,
    claim_escalate,
    claim_execute,
    claim_identify_cause,
    claim_instruct,
    claim_listen,
    claim_plan,
    claim_present,
    claim_revise,
)
from core.models import AuditEntry

S = ClaimState

# A fixed moment well in the future where the `clock` fixture stops time.
T0 = datetime(2031, 3, 3, 10, 0, tzinfo=ZoneInfo("Asia/Seoul"))

ACCOUNT = "The purifier leaked twice this week and nobody called back."
CAUSE = "The filter housing was cracked when it was installed."
PLAN = "Replace the filter housing tomorrow morning."
ESCALATION = "The customer wants a free month, which is above my authority."
INSTRUCTION = "Replace the housing and give one free month."
DONE = "The technician replaced the housing; one free month was applied."

# step name (= transition name = audit action) → (service, a valid input)
STEPS = {
    "apologize": (claim_apologize, {}),
    "listen": (claim_listen, {"account": ACCOUNT}),
    "identify_cause": (
        claim_identify_cause,
        {"root_cause": RootCause.INSTALLATION, "description": CAUSE},
    ),
    "plan_countermeasure": (claim_plan, {"plan": PLAN}),
    "escalate": (claim_escalate, {"note": ESCALATION}),
    "instruct": (claim_instruct, {"instruction": INSTRUCTION}),
    "present_solution": (claim_present, {"response": CustomerResponse.AGREED}),
    "revise_countermeasure": (claim_revise, {"plan": "Send a new purifier instead."}),
    "execute": (claim_execute, {"what_was_done": DONE}),
    "close": (claim_close, {"recovery_outcome": RecoveryOutcome.RECOVERED, "thanked": True}),
}

_TO_CAUSE = ["apologize", "listen", "identify_cause"]
_TO_PLAN = [*_TO_CAUSE, "plan_countermeasure"]
_TO_EXECUTED = [*_TO_PLAN, "present_solution", "execute"]

# the agent's steps from `received` to each state
PATH = {
    S.RECEIVED: [],
    S.APOLOGIZED: _TO_CAUSE[:1],
    S.LISTENED: _TO_CAUSE[:2],
    S.CAUSE_IDENTIFIED: _TO_CAUSE,
    S.COUNTERMEASURE_PLANNED: _TO_PLAN,
    S.ESCALATED: [*_TO_CAUSE, "escalate"],
    S.SOLUTION_PRESENTED: [*_TO_PLAN, "present_solution"],
    S.EXECUTED: _TO_EXECUTED,
    S.CLOSED: [*_TO_EXECUTED, "close"],
}


def take(step: str, claim: Claim, *, user, **inputs) -> Claim:
    """Take `step` on `claim` through its service, with valid input unless overridden."""
    service, defaults = STEPS[step]
    return service(claim_id=claim.pk, user=user, **{**defaults, **inputs})


def walk_to(claim: Claim, state: str, *, user, response: str = CustomerResponse.AGREED) -> Claim:
    for step in PATH[state]:
        inputs = {"response": response} if step == "present_solution" else {}
        take(step, claim, user=user, **inputs)
    return fresh(claim)


def fresh(claim: Claim) -> Claim:
    return Claim.objects.get(pk=claim.pk)


def snapshot(claim: Claim) -> dict:
    """Every stored column of the claim, to show a refused step changed nothing at all."""
    row = fresh(claim)
    return {field.attname: getattr(row, field.attname) for field in Claim._meta.concrete_fields}


def audit(claim: Claim) -> QuerySet:
    return AuditEntry.objects.filter(
        subject_type=ContentType.objects.get_for_model(Claim), subject_id=claim.pk
    ).order_by("pk")


def trail(claim: Claim) -> list[tuple]:
    """(action, source, target, user id) of every audit entry of the claim, oldest first."""
    return list(audit(claim).values_list("action", "source", "target", "user_id"))


def actions(claim: Claim) -> list[str]:
    return list(audit(claim).values_list("action", flat=True))


# The machine as the spec draws it: step → the states it may be taken from, and where it goes.
MACHINE = {
    "apologize": ({S.RECEIVED}, S.APOLOGIZED),
    "listen": ({S.APOLOGIZED}, S.LISTENED),
    "identify_cause": ({S.LISTENED}, S.CAUSE_IDENTIFIED),
    "plan_countermeasure": ({S.CAUSE_IDENTIFIED}, S.COUNTERMEASURE_PLANNED),
    "escalate": ({S.CAUSE_IDENTIFIED, S.COUNTERMEASURE_PLANNED}, S.ESCALATED),
    "instruct": ({S.ESCALATED}, S.COUNTERMEASURE_PLANNED),
    "present_solution": ({S.COUNTERMEASURE_PLANNED}, S.SOLUTION_PRESENTED),
    "revise_countermeasure": ({S.SOLUTION_PRESENTED}, S.COUNTERMEASURE_PLANNED),
    "execute": ({S.SOLUTION_PRESENTED}, S.EXECUTED),
    "close": ({S.EXECUTED}, S.CLOSED),
}


SUPERVISOR_STEPS = {"instruct"}


def audit_last(claim) -> AuditEntry:
    return audit(claim).last()


def response_for(step: str) -> str:
    """Revising needs a solution the customer objected to; every other step an agreed one."""
    return CustomerResponse.OBJECTED if step == "revise_countermeasure" else CustomerResponse.AGREED
