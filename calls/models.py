"""Planned outbound calls and the surveys they send.

The database is the source of truth for every call: beat dispatches what is due. Other apps
ask for a call through `calls.services.planning.call_task_request`, which is idempotent on
`idempotency_key`, so a retried transition never plans the same call twice. A survey is
answered behind an unguessable, expiring, single-use link."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from calls.choices import (
    CallOutcome,
    CallQueue,
    CallTaskKind,
    CallTaskStatus,
    PhoneCallState,
    SurveyTouchpoint,
)

OPEN = [CallTaskStatus.SCHEDULED, CallTaskStatus.DUE, CallTaskStatus.IN_PROGRESS]
WAITING = [CallTaskStatus.SCHEDULED, CallTaskStatus.DUE]


class CallTask(FSMModelMixin, models.Model):
    """A planned call, with its lifecycle as a state machine: scheduled → due (dispatched by
    beat) → in progress (taken by one agent) → done, back to scheduled for another attempt,
    or cancelled (do-not-call, or the reason for it went away). Only the services in
    `calls.services` move it; where they move many rows at once (dispatch, taking, ending a
    customer's calls) they do so with one guarded UPDATE from the same sources."""

    kind = models.CharField(_("kind"), max_length=20, choices=CallTaskKind.choices)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="call_tasks"
    )
    contract = models.ForeignKey(
        "customers.Contract", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancellation_request = models.ForeignKey(
        "cancellations.CancellationRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="call_tasks",
    )
    claim = models.ForeignKey(
        "claims.Claim",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="call_tasks",
    )
    due_at = models.DateTimeField(_("due"))
    queue = models.CharField(
        _("queue"), max_length=12, choices=CallQueue.choices, default=CallQueue.AGENTS
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="call_tasks",
        verbose_name=_("assigned to"),
    )
    status = FSMField(
        _("status"),
        max_length=12,
        choices=CallTaskStatus.choices,
        default=CallTaskStatus.SCHEDULED,
        protected=True,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    outcome = models.CharField(_("outcome"), max_length=20, choices=CallOutcome.choices, blank=True)
    result = models.TextField(_("what was said"), blank=True)
    win_back = models.ForeignKey(
        "winback.WinBackCase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="call_tasks",
    )
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    prepared_at = models.DateTimeField(_("prepared"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("taken"), null=True, blank=True)
    priority = models.BigIntegerField(_("priority"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    # For a survey call: which moment the survey is about (the flow that planned it knows).
    touchpoint = models.CharField(
        _("survey touchpoint"),
        max_length=14,
        choices=SurveyTouchpoint.choices,
        blank=True,
        db_default="",  # rows planned in bulk by SQL (win-back, demo history) have none
    )
    idempotency_key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("call task")
        verbose_name_plural = _("call tasks")
        ordering = ["due_at"]
        permissions = [("work_specialist_queue", _("Can take calls from the specialists' queue"))]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="calltask_scheduled_due_idx",
                condition=Q(status="scheduled"),
            ),
            models.Index(fields=["customer", "-due_at"], name="calltask_customer_idx"),
            models.Index(
                fields=["queue", "due_at"],
                name="calltask_open_queue_idx",
                condition=Q(status__in=["scheduled", "due", "in_progress"]),
            ),
            models.Index(
                fields=["assignee", "due_at"],
                name="calltask_open_assignee_idx",
                condition=Q(status__in=["scheduled", "due", "in_progress"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    # ---- the lifecycle (services lock the row, call one of these, save) ---------------------

    @transition(field=status, source=CallTaskStatus.SCHEDULED, target=CallTaskStatus.DUE)
    def dispatch(self, now):
        self.dispatched_at = now

    @transition(field=status, source=WAITING, target=CallTaskStatus.IN_PROGRESS)
    def take(self, user, now):
        self.assignee, self.claimed_at = user, now

    @transition(field=status, source=CallTaskStatus.IN_PROGRESS, target=CallTaskStatus.SCHEDULED)
    def try_again_later(self, due_at, *, back_to_queue: bool):
        """No answer or busy: another attempt at `due_at`, prepared and dispatched anew."""
        self.due_at = due_at
        self.claimed_at = self.prepared_at = self.dispatched_at = None
        if back_to_queue:
            self.assignee = None

    @transition(field=status, source=CallTaskStatus.IN_PROGRESS, target=CallTaskStatus.DONE)
    def complete(self, outcome):
        self.outcome = outcome

    @transition(field=status, source=OPEN, target=CallTaskStatus.CANCELLED)
    def cancel(self, outcome=""):
        self.outcome = outcome or self.outcome


def survey_token_hash(token: str) -> str:
    """Only the hash is stored: a database leak does not leak working links."""
    return hashlib.sha256(token.encode()).hexdigest()


class Survey(models.Model):
    touchpoint = models.CharField(_("touchpoint"), max_length=14, choices=SurveyTouchpoint.choices)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="surveys"
    )
    cancellation_request = models.ForeignKey(
        "cancellations.CancellationRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys",
    )
    claim = models.ForeignKey(
        "claims.Claim", on_delete=models.PROTECT, null=True, blank=True, related_name="surveys"
    )
    win_back = models.ForeignKey(
        "winback.WinBackCase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys",
    )
    # Who handled what the survey is about (the request's or the claim's agent), copied at
    # creation so the coaching figures need no join to the working tables.
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    token_hash = models.CharField(max_length=64, unique=True)
    idempotency_key = models.CharField(max_length=120, unique=True)
    emailed_at = models.DateTimeField(_("invitation emailed"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    csat = models.PositiveSmallIntegerField(_("satisfaction (1-5)"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    would_return = models.BooleanField(_("would consider coming back"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.CheckConstraint(
                condition=Q(csat__isnull=True) | Q(csat__gte=1, csat__lte=5),
                name="survey_csat_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(csat__isnull=False),
                name="survey_answer_has_csat",
            ),
        ]
        indexes = [models.Index(fields=["touchpoint", "answered_at"], name="survey_stats_idx")]

    def __str__(self) -> str:
        return f"{self.touchpoint} survey for {self.customer_id}"


class PhoneCall(models.Model):
    """A call on the company's telephone system, as its events told the desk: ringing,
    answered by an agent, ended (with the recording, if any). The request or claim an agent
    opens while it is answered keeps it (`HandledCall.phone_call`)."""

    external_id = models.CharField(_("telephone system's call id"), max_length=100, unique=True)
    number = models.CharField(_("caller's number"), max_length=20, blank=True)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="phone_calls",
        verbose_name=_("customer"),
    )
    matches = models.PositiveSmallIntegerField(
        _("customers with this number"), default=0, help_text=_("0: unknown; 2 or more: ask.")
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="phone_calls",
        verbose_name=_("agent"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=PhoneCallState.choices, default=PhoneCallState.RINGING
    )
    rang_at = models.DateTimeField(_("rang"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    recording_url = models.URLField(_("recording"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("phone call")
        verbose_name_plural = _("phone calls")
        indexes = [
            # The agent's call in progress (the screen pop, linking what they open).
            models.Index(
                fields=["agent", "-answered_at"],
                name="phone_call_in_progress_idx",
                condition=Q(state="answered"),
            )
        ]

    def __str__(self) -> str:
        return self.external_id

    @property
    def seconds(self) -> int | None:
        if self.answered_at and self.ended_at:
            return int((self.ended_at - self.answered_at).total_seconds())
        return None
