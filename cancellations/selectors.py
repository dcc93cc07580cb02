"""Reads for the screens: permission-aware, with a fixed number of queries per page."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cancellations.choices import RequestState
from cancellations.models import (
    BRANCHES,
    OPEN_STATES,
    CancellationRequest,
    OfferPresentation,
)
from cancellations.offer_engine.loading import offers_for_request
from catalog.choices import ReasonCategory
from catalog.live import catalog_live
from catalog.models import Reason
from catalog.scripts import script_for
from core.models import AuditEntry
from core.permissions import can_handle_request
from core.queue import queue_order
from core.text import hangul_initials


def cancellation_get_for_user(*, user, pk) -> CancellationRequest:
    """The request, if this user may see it: its agent, or any supervisor."""
    if not user.has_perm("customers.handle_calls"):
        raise PermissionDenied
    try:
        request = CancellationRequest.objects.select_related(
            "contract__product",
            "customer",
            "reason",
            "agent",
            "customer_type",
            "current_presentation",
            "notes_by",
        ).get(pk=int(pk))
    except (CancellationRequest.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_handle_request(user, request):
        raise PermissionDenied
    return request


@dataclass
class RailStep:
    label: str
    detail: str = ""
    status: str = "todo"  # done | current | todo | skipped


def console_rail(
    request: CancellationRequest, presentations: list[OfferPresentation]
) -> list[RailStep]:
    """Where the call is in the tree: the path taken, the current step highlighted."""
    state = request.state
    steps = []
    steps.append(
        RailStep(
            _("Reason"),
            request.reason.label if request.reason_id else "",
            "current" if state == RequestState.OPENED else "done",
        )
    )
    branch_label = RequestState(request.branch).label if request.branch else ""
    if request.reason_id and not request.branch:
        branch_label = str(_("Unavoidable: no offers"))
    steps.append(
        RailStep(
            _("Branch"),
            str(branch_label),
            "current" if state in BRANCHES else ("done" if request.reason_id else "todo"),
        )
    )
    for presentation in presentations:
        current = request.current_presentation_id == presentation.pk and state in (
            RequestState.OFFER_PRESENTED,
            RequestState.AWAITING_APPROVAL,
        )
        steps.append(
            RailStep(
                _("Offer %(n)d") % {"n": presentation.position},
                f"{presentation.name} · {presentation.get_answer_display()}",
                "current" if current else "done",
            )
        )
    quoted = state == RequestState.CANCELLING or request.quote is not None
    steps.append(
        RailStep(
            _("Quote"),
            "",
            "current" if state == RequestState.CANCELLING else ("done" if quoted else "todo"),
        )
    )
    outcome = {
        RequestState.RETAINED: _("Retained"),
        RequestState.CANCELLED: _("Cancelled"),
        RequestState.WITHDRAWN: _("Withdrawn"),
        RequestState.CALLBACK_SCHEDULED: _("Callback scheduled"),
    }.get(state)
    steps.append(RailStep(_("Outcome"), str(outcome or ""), "current" if outcome else "todo"))
    return steps


def console_data(*, request: CancellationRequest, user) -> dict:
    """Everything the console shows for one request, in a bounded number of queries."""
    presentations = list(request.presentations.order_by("position"))
    actions = console_actions(request=request, user=user)
    catalog = catalog_live()
    offers = (
        offers_for_request(
            request=request, presented_ids=[p.offer_id for p in presentations], catalog=catalog
        )
        if "present_offer" in actions
        else []
    )
    history = list(
        AuditEntry.objects.filter(
            subject_type__app_label="cancellations",
            subject_type__model="cancellationrequest",
            subject_id=request.pk,
        )
        .select_related("user")
        .order_by("at", "pk")
    )
    reasons = (
        reason_picker(user=user, reasons=catalog.reasons) if "identify_reason" in actions else []
    )
    return {
        "req": request,
        "rail": console_rail(request, presentations),
        "presentations": presentations,
        "actions": actions,
        "offers": offers,
        "script": script_for(request.state, catalog),
        "history": history,
        "reasons": reasons,
        "customer_types": list(catalog.customer_types),
        "battlecards": list(catalog.battlecards)
        if request.state == RequestState.COMPETITOR
        else [],
        "pending": request.current_presentation
        if request.state in (RequestState.OFFER_PRESENTED, RequestState.AWAITING_APPROVAL)
        else None,
        "now": timezone.now(),
        "tenure": request.contract.tenure_months(),
        "today_iso": timezone.localdate().isoformat(),
        "pickup_default": (
            (request.effective_date or timezone.localdate()) + timedelta(days=3)
        ).isoformat(),
    }


@dataclass(frozen=True)
class PickerReason:
    reason: Reason
    key: str  # typed to pick it: the category's number and the reason's place in it
    search: str  # what typing matches: both languages, the code, the Korean initials


@dataclass(frozen=True)
class PickerGroup:
    label: str
    reasons: list[PickerReason]
    frequent: bool = False


FREQUENT_REASONS = 3


def reason_picker(*, user, reasons: Iterable[Reason] | None = None) -> list[PickerGroup]:
    """The reasons in use (the live catalog's unless given) grouped by category, each with a
    two-digit key (category, place), and first the few this agent recorded most in the last
    90 days (1 query)."""
    reasons = list(catalog_live().reasons if reasons is None else reasons)
    entries, groups = {}, []
    for number, (category, label) in enumerate(ReasonCategory.choices, start=1):
        members = [r for r in reasons if r.category == category]
        for place, reason in enumerate(members, start=1):
            words = f"{reason.label_ko} {reason.label_en} {reason.code}".lower()
            entries[reason.pk] = PickerReason(
                reason=reason,
                key=f"{number}{place}",
                search=f"{words} {hangul_initials(reason.label_ko)}",
            )
        if members:
            groups.append(PickerGroup(str(label), [entries[r.pk] for r in members]))
    since = timezone.now() - timedelta(days=90)
    frequent = (
        CancellationRequest.objects.filter(agent=user, opened_at__gte=since, reason__isnull=False)
        .values("reason")
        .annotate(n=Count("pk"))
        .order_by("-n", "reason")[:FREQUENT_REASONS]
    )
    mine = [entries[row["reason"]] for row in frequent if row["reason"] in entries]
    if mine:
        groups.insert(0, PickerGroup(str(_("Your most used")), mine, frequent=True))
    return groups


def console_actions(*, request: CancellationRequest, user) -> set[str]:
    """The steps this user may take now: exactly django-fsm's available transitions."""
    return {t.name for t in request.get_available_user_state_transitions(user)}


def approvals_pending(*, user) -> list[CancellationRequest]:
    """Offers waiting for a supervisor, oldest and most valuable first (1 query)."""
    if not user.has_perm("cancellations.approve_offers"):
        raise PermissionDenied
    requests = list(
        CancellationRequest.objects.filter(state=RequestState.AWAITING_APPROVAL)
        .select_related("customer", "contract__product", "agent", "current_presentation")
        .order_by("current_presentation__approval_requested_at", "pk")[:100]
    )
    return queue_order(requests, lambda r: r.current_presentation.approval_requested_at)


def manager_requests(*, user) -> list[CancellationRequest]:
    """Calls where the customer asked for a manager, oldest and most valuable first."""
    if not user.has_perm("cancellations.approve_offers"):
        raise PermissionDenied
    requests = list(
        CancellationRequest.objects.filter(
            manager_requested_at__isnull=False, state__in=OPEN_STATES
        )
        .select_related("customer", "contract", "agent")
        .order_by("manager_requested_at")[:100]
    )
    return queue_order(requests, lambda r: r.manager_requested_at)
