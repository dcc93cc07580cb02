"""The cancellation logic tree (해약 방어 로직트리) as a django-fsm state machine.

Transition methods only change the instance; the services in
`cancellations.services` lock the row, validate, call them, save, audit and
enqueue follow-up work. Guards are `conditions=[...]` and read the instance only.
"""

from datetime import timedelta

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from cancellations.choices import PresentationAnswer, RequestState
from catalog.choices import OfferKind, ReasonCategory
from core.fsm import guard
from core.models import HandledCall
from core.permissions import transition_can_decide, transition_can_handle

S = RequestState


BRANCHES = [S.DISSATISFIED, S.FINANCIAL_BURDEN, S.CONTRACT_CHANGE, S.COMPETITOR]


CATEGORY_TARGET = {
    ReasonCategory.DISSATISFACTION: S.DISSATISFIED,
    ReasonCategory.FINANCIAL: S.FINANCIAL_BURDEN,
    ReasonCategory.CONTRACT_CHANGE: S.CONTRACT_CHANGE,
    ReasonCategory.COMPETITOR: S.COMPETITOR,
    ReasonCategory.UNAVOIDABLE: S.CANCELLING,
}


OPEN_STATES = [
    S.OPENED,
    *BRANCHES,
    S.OFFER_PRESENTED,
    S.AWAITING_APPROVAL,
    S.CANCELLING,
    S.CALLBACK_SCHEDULED,
]


# The customer is on the line (a promised callback waits for a later call).
LIVE_STATES = [state for state in OPEN_STATES if state != S.CALLBACK_SCHEDULED]


FINAL_STATES = [S.RETAINED, S.CANCELLED, S.WITHDRAWN]


# The way out: the customer may insist on cancelling from every one of these, always.
INSIST_SOURCES = [S.OPENED, *BRANCHES, S.OFFER_PRESENTED, S.AWAITING_APPROVAL]


# A customer on hold for a supervisor cannot also be promised a callback: withdraw first.
CALLBACK_SOURCES = [S.OPENED, *BRANCHES, S.OFFER_PRESENTED, S.CANCELLING]


MANAGER_SOURCES = [S.OPENED, *BRANCHES, S.OFFER_PRESENTED, S.CANCELLING]


# Guards: read the instance, never write. They describe the request's own state, so
# `get_available_user_state_transitions` shows exactly the steps possible now; the agent's
# input for a step (which reason, which offer, when to call back) is validated by the step's
# service, which refuses bad input with a message.
@guard(_("Record which competitor the customer is leaving for."))
def competitor_recorded(request) -> bool:
    """The competitor branch needs to know who the customer is leaving for."""
    if request.reason_id is None or request.reason.category != ReasonCategory.COMPETITOR:
        return True
    return bool(request.competitor_name.strip())


@guard(_("The limit of offers for this call is reached: show the customer the quote."))
def below_offer_cap(request) -> bool:
    return request.offers_presented < request.max_offers


@guard(
    lambda: (
        _(
            "A supervisor may still answer: the approval request can be withdrawn after "
            "%(seconds)d seconds."
        )
        % {"seconds": settings.RETENTION_APPROVAL_TIMEOUT_SECONDS}
    )
)
def approval_timed_out(request) -> bool:
    presentation = request.current_presentation
    if presentation is None or presentation.approval_requested_at is None:
        return False
    waited = timezone.now() - presentation.approval_requested_at
    return waited >= timedelta(seconds=settings.RETENTION_APPROVAL_TIMEOUT_SECONDS)


@guard(_("Give the customer the quote before confirming."))
def quote_given(request) -> bool:
    return bool(request.quote) and request.effective_date is not None


@guard(_("The callback time must be in the future."))
def callback_not_in_past(request) -> bool:
    return request.callback_at is None or request.callback_at > timezone.now()


@pghistory.track(pghistory.UpdateEvent())
class CancellationRequest(ConcurrentTransitionMixin, HandledCall):
    contract = models.ForeignKey(
        "customers.Contract",
        on_delete=models.PROTECT,
        related_name="cancellation_requests",
        verbose_name=_("contract"),
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="cancellation_requests",
        verbose_name=_("customer"),
    )
    state = FSMField(
        _("state"), max_length=20, choices=RequestState.choices, default=S.OPENED, protected=True
    )
    branch = models.CharField(_("branch"), max_length=20, blank=True)
    reason = models.ForeignKey(
        "catalog.Reason",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reason"),
    )
    reason_note = models.TextField(_("in the customer's words"), blank=True)
    competitor_name = models.CharField(_("competitor"), max_length=100, blank=True)
    competitor_offer = models.TextField(_("what the competitor offered"), blank=True)
    source_claim = models.ForeignKey(
        "claims.Claim",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cancellation_requests",
        verbose_name=_("from claim"),
        help_text=_("The complaint that made the customer want to leave."),
    )
    current_presentation = models.ForeignKey(
        "cancellations.OfferPresentation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    offers_presented = models.PositiveSmallIntegerField(_("offers presented"), default=0)
    max_offers = models.PositiveSmallIntegerField(_("offer limit"), default=3)
    state_before_callback = models.CharField(max_length=20, blank=True)
    callback_at = models.DateTimeField(_("call back at"), null=True, blank=True)
    # When the promised callback was taken up: the call on the line began then (the floor).
    resumed_at = models.DateTimeField(_("callback taken up"), null=True, blank=True)
    quote = models.JSONField(_("quote"), null=True, blank=True)
    effective_date = models.DateField(_("cancellation effective"), null=True, blank=True)
    pickup_date = models.DateField(_("product pickup"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("cancellation request")
        verbose_name_plural = _("cancellation requests")
        permissions = [
            ("approve_offers", _("Can approve offers above an agent's authority")),
        ]
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(state__in=OPEN_STATES),
                name="one_open_request_per_contract",
                violation_error_message=_("This contract already has an open request."),
            ),
        ]
        indexes = [
            models.Index(fields=["agent", "state"], name="request_agent_state_idx"),
            models.Index(fields=["customer", "-opened_at"], name="request_customer_idx"),
            models.Index(
                fields=["opened_at"],
                name="request_awaiting_idx",
                condition=Q(state="awaiting_approval"),
            ),
            # The reporting facts copy what closed recently (services.facts).
            models.Index(fields=["closed_at"], name="request_closed_idx"),
            # The API's incremental read (`updated_after`, keyset by updated time).
            models.Index(fields=["updated_at", "id"], name="request_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.contract_id} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def approval_requested_by_id(self) -> int | None:
        """Who presented the offer waiting for approval (they may not approve it)."""
        presentation = self.current_presentation
        return presentation.presented_by_id if presentation is not None else None

    # ---- the tree -------------------------------------------------------------------------

    @transition(
        field=state,
        source=S.OPENED,
        target=RETURN_VALUE(*BRANCHES, S.CANCELLING),
        conditions=[competitor_recorded],
        permission=transition_can_handle,
    )
    def identify_reason(self):
        """Branch on the reason's category; unavoidable reasons go straight to cancelling."""
        target = CATEGORY_TARGET[self.reason.category]
        self.branch = target if target in BRANCHES else ""
        return target

    @transition(
        field=state,
        source=BRANCHES,
        target=RETURN_VALUE(S.OFFER_PRESENTED, S.AWAITING_APPROVAL),
        conditions=[below_offer_cap],
        permission=transition_can_handle,
    )
    def present_offer(self, presentation):
        self.current_presentation = presentation
        self.offers_presented += 1
        return S.AWAITING_APPROVAL if presentation.needs_approval else S.OFFER_PRESENTED

    @transition(
        field=state,
        source=S.AWAITING_APPROVAL,
        target=S.OFFER_PRESENTED,
        permission=transition_can_decide,
    )
    def approve_offer(self):
        pass

    @transition(
        field=state,
        source=S.AWAITING_APPROVAL,
        target=RETURN_VALUE(*BRANCHES),
        permission=transition_can_decide,
    )
    def deny_offer(self):
        self.current_presentation = None
        return self.branch

    @transition(
        field=state,
        source=S.AWAITING_APPROVAL,
        target=RETURN_VALUE(*BRANCHES),
        conditions=[approval_timed_out],
        permission=transition_can_handle,
    )
    def withdraw_approval_request(self):
        """Nobody answered in time: take the customer off hold and back to the branch."""
        self.current_presentation = None
        return self.branch

    @transition(
        field=state, source=S.OFFER_PRESENTED, target=S.RETAINED, permission=transition_can_handle
    )
    def accept_offer(self):
        self.closed_at = timezone.now()

    @transition(
        field=state,
        source=S.OFFER_PRESENTED,
        target=RETURN_VALUE(*BRANCHES),
        permission=transition_can_handle,
    )
    def decline_offer(self):
        """Back to the branch, so another offer can be presented (within the cap)."""
        self.current_presentation = None
        return self.branch

    @transition(
        field=state, source=INSIST_SOURCES, target=S.CANCELLING, permission=transition_can_handle
    )
    def insist_on_cancelling(self):
        self.current_presentation = None

    @transition(
        field=state,
        source=S.CANCELLING,
        target=RETURN_VALUE(S.OPENED, *BRANCHES),
        permission=transition_can_handle,
    )
    def reconsider(self):
        """Hearing the penalty, the customer thinks again: back to where offers are made."""
        return self.branch or S.OPENED

    @transition(
        field=state,
        source=S.CANCELLING,
        target=S.CANCELLED,
        conditions=[quote_given],
        permission=transition_can_handle,
    )
    def confirm_cancellation(self):
        self.closed_at = timezone.now()

    @transition(
        field=state,
        source=CALLBACK_SOURCES,
        target=S.CALLBACK_SCHEDULED,
        conditions=[callback_not_in_past],
        permission=transition_can_handle,
    )
    def schedule_callback(self):
        self.state_before_callback = self.state

    @transition(
        field=state,
        source=S.CALLBACK_SCHEDULED,
        target=RETURN_VALUE(S.OPENED, *BRANCHES, S.OFFER_PRESENTED, S.CANCELLING),
        permission=transition_can_handle,
    )
    def resume(self):
        previous, self.state_before_callback = self.state_before_callback, ""
        return previous

    @transition(
        field=state,
        source=MANAGER_SOURCES,
        target=RETURN_VALUE(*MANAGER_SOURCES),
        permission=transition_can_handle,
    )
    def request_manager(self):
        """The customer asks for a manager: the call stays where it is and goes to the
        supervisors' queue until one takes it over."""
        self.manager_requested_at = timezone.now()
        return self.state

    @transition(
        field=state, source=OPEN_STATES, target=S.WITHDRAWN, permission=transition_can_handle
    )
    def withdraw(self):
        self.current_presentation = None
        self.closed_at = timezone.now()


class OfferPresentation(models.Model):
    """One offer put to the customer, with the terms as they were then, and the answer.

    The catalog may change tomorrow; this row keeps what this customer was told.
    """

    request = models.ForeignKey(
        CancellationRequest, on_delete=models.PROTECT, related_name="presentations"
    )
    offer = models.ForeignKey("catalog.Offer", on_delete=models.PROTECT, related_name="+")
    reason = models.ForeignKey(
        "catalog.Reason", on_delete=models.PROTECT, null=True, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("order presented"))
    code = models.CharField(max_length=40)
    name_ko = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    script_ko = models.TextField()
    script_en = models.TextField()
    kind = models.CharField(max_length=24, choices=OfferKind.choices)
    value = models.PositiveIntegerField()
    terms = models.JSONField(default=dict)
    monthly_fee_before = models.PositiveIntegerField()
    monthly_fee_after = models.PositiveIntegerField()
    cost = models.PositiveIntegerField(_("cost (KRW)"))
    net_value = models.BigIntegerField(_("net value (KRW)"))
    needs_approval = models.BooleanField(default=False)
    answer = models.CharField(
        _("answer"),
        max_length=20,
        choices=PresentationAnswer.choices,
        default=PresentationAnswer.PENDING,
    )
    answer_note = models.TextField(blank=True)
    presented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    presented_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    approval_requested_at = models.DateTimeField(null=True, blank=True)
    approval_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approval_decided_at = models.DateTimeField(null=True, blank=True)
    approval_note = models.TextField(blank=True)
    approval_timed_out = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("offer presented")
        verbose_name_plural = _("offers presented")
        ordering = ["request", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "position"], name="presentation_position_unique"
            )
        ]
        indexes = [
            models.Index(fields=["reason", "offer", "answer"], name="presentation_stats_idx"),
            models.Index(fields=["offer", "answer"], name="presentation_offer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} → {self.answer}"

    @property
    def name(self) -> str:
        return self.name_ko if (get_language() or "ko").startswith("ko") else self.name_en

    @property
    def script(self) -> str:
        return self.script_ko if (get_language() or "ko").startswith("ko") else self.script_en


class OfferAnswerTally(models.Model):
    """How often customers giving one sub-reason answered an offer, and how often they took
    it: the ranking's "saved before" figure. Kept in step with the presentations in the
    transaction that records each answer (`cancellations.services.tally`), so a console page
    reads a few rows by key instead of counting the whole history, whatever its size or the
    state of the table's visibility map."""

    # The unique (reason, offer) index serves lookups by reason; no index of its own.
    reason = models.ForeignKey(
        "catalog.Reason", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    offer = models.ForeignKey("catalog.Offer", on_delete=models.PROTECT, related_name="+")
    accepted = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("offer answers per sub-reason")
        verbose_name_plural = _("offer answers per sub-reason")
        constraints = [
            models.UniqueConstraint(fields=["reason", "offer"], name="offer_tally_unique"),
            models.CheckConstraint(
                condition=Q(accepted__lte=models.F("answered")), name="offer_tally_accepted_lte"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reason_id}/{self.offer_id}: {self.accepted}/{self.answered}"
