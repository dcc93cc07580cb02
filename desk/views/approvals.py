"""The supervisors' queue: everything waiting for a supervisor in one list, oldest and most
valuable first: customers asking for a manager, offers above an agent's authority (customers
on hold), escalated claims waiting for an instruction, compensations to approve, and claims
past their promised deadline or idle too long."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from cancellations.forms import NoteForm
from cancellations.selectors import approvals_pending, manager_requests
from cancellations.services.offers import offer_approve, offer_deny
from claims.selectors import supervisor_queue_claims
from core.errors import Conflict, ServiceError
from core.permissions import supervisor_required
from core.queue import queue_order
from core.screens import screen_page
from core.updates import QUEUE_KEY, UpdateCheck
from desk.selectors import desk_agents
from desk.services import supervision

KIND_LABELS = {
    "manager_request": gettext_lazy("Asks for a manager"),
    "approval": gettext_lazy("Offer approval"),
    "manager_claim": gettext_lazy("Asks for a manager"),
    "escalated": gettext_lazy("Escalated claim"),
    "compensation": gettext_lazy("Compensation"),
    "overdue": gettext_lazy("Claim to watch"),
}


@dataclass
class QueueItem:
    """One thing a supervisor has to act on; `since` is when it started waiting."""

    kind: str
    subject: object
    since: datetime | None
    customer: object

    @property
    def pk(self) -> int:
        return self.subject.pk

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def key(self) -> tuple:
        """What the row shows that can change while it waits: the offer waiting (the agent
        may have put another), who handles it (a supervisor may have handed it over), why a
        claim is watched."""
        subject = self.subject
        handler = subject.claim.agent_id if self.kind == "compensation" else subject.agent_id
        if self.kind == "approval":
            detail = subject.current_presentation_id
        elif self.kind == "overdue":
            detail = subject.flag_reason
        else:
            detail = ""
        return (self.kind, subject.pk, handler, detail)


def queue_items(user, now) -> list[QueueItem]:
    """Every waiting item, in one order across kinds (a fixed number of queries)."""
    claims = supervisor_queue_claims(user=user)
    items = [
        *(QueueItem("manager_request", r, r.manager_requested_at, r.customer)
          for r in manager_requests(user=user)),
        *(QueueItem("approval", r, r.current_presentation.approval_requested_at, r.customer)
          for r in approvals_pending(user=user)),
        *(QueueItem("manager_claim", c, c.manager_requested_at, c.customer)
          for c in claims["manager_claims"]),
        *(QueueItem("escalated", c, c.escalated_at, c.customer) for c in claims["escalated"]),
        *(QueueItem("compensation", c, c.proposed_at, c.claim.customer)
          for c in claims["compensations"]),
        *(QueueItem("overdue", c, c.flagged_at or c.promised_deadline, c.customer)
          for c in claims["overdue_claims"]),
    ]  # fmt: skip
    return queue_order(items, lambda item: item.since, now, customer=lambda item: item.customer)


def _queue(user) -> dict:
    now = timezone.now()
    items = queue_items(user, now)
    counts = {}
    for item in items:
        counts[item.label] = counts.get(item.label, 0) + 1
    return {
        "items": items,
        "counts": sorted(counts.items(), key=lambda pair: -pair[1]),
        "agents": desk_agents(),
        "now": now,
    }


@require_GET
@supervisor_required
def approvals(request):
    return _queue_page(request)


def _queue_page(request):
    """Polls answer 204 while what is on screen stays the same (what the supervisor types is
    kept), and the waiting times tick on in the browser (desk.js, [data-waited]). Most are
    answered before they reach here, while the queue's version holds (`core.updates`)."""
    check = UpdateCheck(QUEUE_KEY)  # read before the database
    context = {**_queue(request.user), "check": check.token(request, reverse("approvals"))}
    return screen_page(request, page="desk/approvals.html", name="queue", context=context)


@require_POST
@supervisor_required
def approval_decide(request, pk, decision):
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    seen = {
        "expected_state": request.POST.get("expected_state") or None,
        "expected_presentation": request.POST.get("presentation") or None,
    }
    try:
        if decision == "approve":
            offer_approve(request_id=pk, user=request.user, note=note, **seen)
        else:
            offer_deny(request_id=pk, user=request.user, note=note, **seen)
    except Conflict as conflict:
        messages.warning(request, conflict.message)
    except ServiceError as refused:
        messages.error(request, refused.message)
    if request.htmx:
        return _queue_page(request)
    return redirect("approvals")


@require_POST
@supervisor_required
def request_hand_over(request, pk):
    """Take the call over, or give it to the agent chosen."""
    try:
        handed = supervision.cancellation_hand_over(
            request_id=pk, user=request.user, new_agent_id=handover_target(request)
        )
    except ServiceError as refused:
        messages.error(request, refused.message)
    else:
        handed_over_message(request, handed, _("Cancellation request #%(pk)d"))
    return redirect("approvals")


def handover_target(request):
    """None takes the call over; "give" needs an agent chosen (else a clear refusal)."""
    if request.POST.get("take"):
        return None
    return request.POST.get("agent") or "none"


def handed_over_message(request, subject, what: str) -> None:
    """Say who handles it now (both kinds of hand-over)."""
    what = what % {"pk": subject.pk}
    if subject.agent_id == request.user.pk:
        messages.success(request, _("%(what)s is yours now.") % {"what": what})
    else:
        who = subject.agent.display_name
        messages.success(request, _("%(what)s now goes to %(who)s.") % {"what": what, "who": who})


@require_POST
@supervisor_required
def claim_hand_over(request, pk):
    try:
        claim = supervision.claim_hand_over(
            claim_id=pk, user=request.user, new_agent_id=handover_target(request)
        )
    except ServiceError as refused:
        messages.error(request, refused.message)
    else:
        handed_over_message(request, claim, _("Claim #%(pk)d"))
    return redirect("approvals")
