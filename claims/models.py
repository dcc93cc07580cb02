"""The 7-step claim workflow (클레임 처리 7단계) as a django-fsm state machine.

① apology → ② listening → ③ cause → ④ countermeasure (escalate to the team lead when it
cannot be solved on the spot, and follow their instruction) → ⑤ present the method →
⑥ execute → ⑦ recover the product and thank the customer. Transition methods only change
the instance; `claims.services` locks, validates, runs, saves and audits.
"""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from claims.choices import (
    MATERIAL_FORMS,
    ClaimState,
    CompensationForm,
    CompensationStatus,
    CustomerResponse,
    CustomerStatus,
    FlagReason,
    RecoveryOutcome,
    RootCause,
)
from core.fsm import guard
from core.models import HandledCall
from core.permissions import transition_can_decide, transition_can_handle

S = ClaimState
OPEN_STATES = [s for s in ClaimState.values if s != S.CLOSED]
MANAGER_SOURCES = [s for s in OPEN_STATES if s != S.ESCALATED]
STEPS = [
    S.RECEIVED,
    S.APOLOGIZED,
    S.LISTENED,
    S.CAUSE_IDENTIFIED,
    S.COUNTERMEASURE_PLANNED,
    S.SOLUTION_PRESENTED,
    S.EXECUTED,
    S.CLOSED,
]


# Guards on what each step needs (input=True: the step's own form collects it).
@guard(_("Record the customer's account in their own words."), input=True)
def account_recorded(claim) -> bool:
    return bool(claim.customer_account.strip())


@guard(_("Choose the root cause and describe it."), input=True)
def cause_recorded(claim) -> bool:
    return claim.root_cause in RootCause.values and bool(claim.cause_description.strip())


@guard(_("Write down the countermeasure."), input=True)
def plan_recorded(claim) -> bool:
    return bool(claim.countermeasure_plan.strip())


@guard(_("Say why it cannot be solved on the spot."), input=True)
def escalation_explained(claim) -> bool:
    return bool(claim.escalation_note.strip())


@guard(_("Write the instruction for the agent."), input=True)
def instruction_given(claim) -> bool:
    return bool(claim.supervisor_instruction.strip())


@guard(_("Record whether the customer agreed or objected."), input=True)
def response_recorded(claim) -> bool:
    return claim.customer_response in CustomerResponse.values


@guard(_("The customer objected: revise the countermeasure first."))
def customer_agreed(claim) -> bool:
    return claim.customer_response == CustomerResponse.AGREED


@guard(_("Only a solution the customer objected to is revised."))
def customer_objected(claim) -> bool:
    return claim.customer_response == CustomerResponse.OBJECTED


@guard(_("Record what was done."), input=True)
def execution_recorded(claim) -> bool:
    return bool(claim.execution_note.strip())


@guard(_("Record the product recovery and thank the customer before closing."), input=True)
def recovered_and_thanked(claim) -> bool:
    return claim.recovery_outcome in RecoveryOutcome.values and claim.thanked


@pghistory.track(pghistory.UpdateEvent())
class Claim(ConcurrentTransitionMixin, HandledCall):
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="claims"
    )
    contract = models.ForeignKey(
        "customers.Contract",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        verbose_name=_("contract"),
    )
    state = FSMField(
        _("step"), max_length=24, choices=ClaimState.choices, default=S.RECEIVED, protected=True
    )
    subject = models.CharField(_("subject"), max_length=200)
    customer_account = models.TextField(_("the customer's account"), blank=True)
    root_cause = models.CharField(
        _("root cause"), max_length=24, choices=RootCause.choices, blank=True
    )
    cause_description = models.TextField(_("cause"), blank=True)
    countermeasure_plan = models.TextField(_("countermeasure"), blank=True)
    escalation_note = models.TextField(_("why it was escalated"), blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("escalated by"),
    )
    supervisor_instruction = models.TextField(_("supervisor's instruction"), blank=True)
    instructed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("instructed by"),
    )
    customer_response = models.CharField(
        _("customer's response"), max_length=12, choices=CustomerResponse.choices, blank=True
    )
    response_note = models.TextField(_("response note"), blank=True)
    execution_note = models.TextField(_("what was done"), blank=True)
    executed_at = models.DateTimeField(_("done at"), null=True, blank=True)
    recovery_outcome = models.CharField(
        _("product recovery"), max_length=16, choices=RecoveryOutcome.choices, blank=True
    )
    thanked = models.BooleanField(_("customer thanked"), default=False)
    promised_deadline = models.DateTimeField(_("promised deadline"), null=True, blank=True)
    flagged_at = models.DateTimeField(_("flagged for a supervisor"), null=True, blank=True)
    flag_reason = models.CharField(
        _("flagged because"), max_length=10, choices=FlagReason.choices, blank=True
    )
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    next_contact_due = models.DateTimeField(_("next interim contact"), null=True, blank=True)
    interim_contacts = models.PositiveSmallIntegerField(_("interim contacts planned"), default=0)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-received_at"]
        permissions = [("instruct_claims", _("Can instruct escalated claims"))]
        indexes = [
            models.Index(fields=["agent", "state"], name="claim_agent_state_idx"),
            models.Index(fields=["customer", "-received_at"], name="claim_customer_idx"),
            models.Index(
                fields=["promised_deadline"],
                name="claim_open_deadline_idx",
                condition=~Q(state="closed") & Q(flagged_at__isnull=True),
            ),
            models.Index(
                fields=["last_activity_at"],
                name="claim_open_activity_idx",
                condition=~Q(state="closed") & Q(flagged_at__isnull=True),
            ),
            models.Index(
                fields=["flagged_at"],
                name="claim_flagged_idx",
                condition=~Q(state="closed") & Q(flagged_at__isnull=False),
            ),
            models.Index(
                fields=["escalated_at"], name="claim_escalated_idx", condition=Q(state="escalated")
            ),
            models.Index(fields=["closed_at"], name="claim_closed_idx"),
            # The open claims, a few among hundreds of thousands: the supervisors' queue
            # (asked for a manager, overdue) and the floor read them every few seconds.
            models.Index(
                fields=["manager_requested_at"],
                name="claim_open_idx",
                condition=~Q(state="closed"),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.state != S.CLOSED

    @property
    def approval_requested_by_id(self) -> int | None:
        """Who escalated the claim (they may not instruct it themselves)."""
        return self.escalated_by_id

    @property
    def customer_status(self) -> str:
        if self.state == S.RECEIVED:
            return CustomerStatus.RECEIVED
        if self.state == S.CLOSED:
            return CustomerStatus.COMPLETED
        return CustomerStatus.IN_PROGRESS

    def get_customer_status_display(self) -> str:
        return str(CustomerStatus(self.customer_status).label)

    @property
    def is_overdue(self) -> bool:
        """Past the deadline promised to the customer, or flagged by the sweep."""
        if not self.is_open:
            return False
        if self.flagged_at is not None:
            return True
        return self.promised_deadline is not None and self.promised_deadline < timezone.now()

    @property
    def step_number(self) -> int:
        state = S.COUNTERMEASURE_PLANNED if self.state == S.ESCALATED else self.state
        return STEPS.index(state) + 1

    # ---- the seven steps ----------------------------------------------------------------

    @transition(
        field=state, source=S.RECEIVED, target=S.APOLOGIZED, permission=transition_can_handle
    )
    def apologize(self):
        pass

    @transition(
        field=state,
        source=S.APOLOGIZED,
        target=S.LISTENED,
        conditions=[account_recorded],
        permission=transition_can_handle,
    )
    def listen(self):
        pass

    @transition(
        field=state,
        source=S.LISTENED,
        target=S.CAUSE_IDENTIFIED,
        conditions=[cause_recorded],
        permission=transition_can_handle,
    )
    def identify_cause(self):
        pass

    @transition(
        field=state,
        source=S.CAUSE_IDENTIFIED,
        target=S.COUNTERMEASURE_PLANNED,
        conditions=[plan_recorded],
        permission=transition_can_handle,
    )
    def plan_countermeasure(self):
        pass

    @transition(
        field=state,
        source=S.SOLUTION_PRESENTED,
        target=S.COUNTERMEASURE_PLANNED,
        conditions=[customer_objected],
        permission=transition_can_handle,
    )
    def revise_countermeasure(self):
        """The customer objected to the method: plan again (or escalate from there)."""
        self.customer_response = ""

    @transition(
        field=state,
        source=[S.CAUSE_IDENTIFIED, S.COUNTERMEASURE_PLANNED],
        target=S.ESCALATED,
        conditions=[escalation_explained],
        permission=transition_can_handle,
    )
    def escalate(self):
        """It cannot be solved on the spot: to the supervisors' queue."""
        self.escalated_at = timezone.now()

    @transition(
        field=state,
        source=S.ESCALATED,
        target=S.COUNTERMEASURE_PLANNED,
        conditions=[instruction_given],
        permission=transition_can_decide,
    )
    def instruct(self):
        """The supervisor's instruction becomes the countermeasure the agent carries out."""
        if not self.countermeasure_plan.strip():
            self.countermeasure_plan = self.supervisor_instruction

    @transition(
        field=state,
        source=S.COUNTERMEASURE_PLANNED,
        target=S.SOLUTION_PRESENTED,
        conditions=[plan_recorded, response_recorded],
        permission=transition_can_handle,
    )
    def present_solution(self):
        pass

    @transition(
        field=state,
        source=S.SOLUTION_PRESENTED,
        target=S.EXECUTED,
        conditions=[customer_agreed, execution_recorded],
        permission=transition_can_handle,
    )
    def execute(self):
        self.executed_at = timezone.now()

    @transition(
        field=state,
        source=S.EXECUTED,
        target=S.CLOSED,
        conditions=[recovered_and_thanked],
        permission=transition_can_handle,
    )
    def close(self):
        self.closed_at = timezone.now()
        self.flagged_at, self.flag_reason, self.next_contact_due = None, "", None

    @transition(
        field=state,
        source=MANAGER_SOURCES,
        target=RETURN_VALUE(*MANAGER_SOURCES),
        permission=transition_can_handle,
    )
    def request_manager(self):
        """The customer asks for a manager: the claim stays at its step and goes to the
        supervisors' queue until one takes it over."""
        self.manager_requested_at = timezone.now()
        return self.state


class Compensation(models.Model):
    """What the customer is given for the trouble: material (refund, voucher, free months)
    or emotional (apology, gift). Above the threshold a supervisor approves, like offers."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="compensations")
    form = models.CharField(_("form"), max_length=12, choices=CompensationForm.choices)
    amount = models.PositiveIntegerField(_("amount (KRW)"), default=0)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=CompensationStatus.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("compensation")
        verbose_name_plural = _("compensations")
        ordering = ["proposed_at"]
        indexes = [
            models.Index(
                fields=["proposed_at"],
                name="compensation_awaiting_idx",
                condition=Q(status="awaiting_approval"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_form_display()} {self.amount}"

    @property
    def is_material(self) -> bool:
        return self.form in MATERIAL_FORMS
