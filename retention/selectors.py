"""Reads for the screens: permission-aware, with a fixed number of queries per page."""

import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.names import person_name
from retention.choices import ContractStatus, ReasonCategory, RequestState
from retention.models import (
    AuditEntry,
    Battlecard,
    CallTask,
    CancellationRequest,
    Contract,
    Customer,
    CustomerType,
    OfferPresentation,
    Reason,
)
from retention.models.cancellation import BRANCHES, LIVE_STATES, OPEN_STATES
from retention.phones import phone_normalize

SEARCH_LIMIT = 20
_PHONE_LIKE = re.compile(r"^[\d\s+\-().]+$")
_NUMBER_LIKE = re.compile(r"^[A-Za-z]{1,3}\d[\w-]*$")


def home_summary() -> dict:
    """The few numbers on the home page: two aggregate queries whatever the data size."""
    contracts = Contract.objects.aggregate(
        active=Count("pk", filter=Q(status=ContractStatus.ACTIVE)),
        cancelled=Count("pk", filter=Q(status=ContractStatus.CANCELLED)),
    )
    return {"customers": Customer.objects.count(), **contracts}


@dataclass
class SearchResult:
    kind: str  # empty | phone | phone_incomplete | number | name
    customers: list[Customer]


def _with_open_contracts(queryset):
    return queryset.prefetch_related(
        Prefetch(
            "contracts",
            queryset=Contract.objects.filter(
                status__in=[ContractStatus.ACTIVE, ContractStatus.SUSPENDED]
            )
            .select_related("product")
            .order_by("start_date"),
            to_attr="open_contracts",
        )
    )


def customer_search(*, query: str) -> SearchResult:
    """One search box for a ringing phone: a phone number in any format, a contract or
    customer number, or the start of a name. Every branch is one indexed lookup."""
    text = (query or "").strip()[:60]
    if not text:
        return SearchResult("empty", [])
    if _PHONE_LIKE.match(text):
        digits = phone_normalize(text)
        if not re.fullmatch(r"0\d{8,10}", digits):
            return SearchResult("phone_incomplete", [])
        customers = Customer.objects.filter(Q(phone=digits) | Q(alt_phone=digits))
        return SearchResult("phone", list(_with_open_contracts(customers)[:SEARCH_LIMIT]))
    if _NUMBER_LIKE.match(text):
        number = text.upper()
        customers = Customer.objects.filter(
            Q(customer_no=number)
            | Q(pk__in=Contract.objects.filter(number=number).values("customer"))
        )
        found = list(_with_open_contracts(customers)[:SEARCH_LIMIT])
        if found:
            return SearchResult("number", found)
    customers = Customer.objects.filter(name__startswith=text).order_by("name", "pk")
    return SearchResult("name", list(_with_open_contracts(customers)[:SEARCH_LIMIT]))


def customer_get_for_user(*, user, pk) -> Customer:
    if not user.has_perm("retention.view_customer"):
        raise PermissionDenied
    try:
        return Customer.objects.get(pk=int(pk))
    except (Customer.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def customer_overview(*, customer: Customer) -> dict:
    """Contracts, cancellation requests, claims and calls for the customer view (4 queries)."""
    contracts = list(customer.contracts.select_related("product").order_by("status", "-start_date"))
    requests = list(
        customer.cancellation_requests.select_related("contract", "reason", "agent").order_by(
            "-opened_at"
        )[:50]
    )
    calls = list(
        CallTask.objects.filter(customer=customer)
        .select_related("assignee")
        .order_by("-due_at")[:50]
    )
    claims = list(customer.claims.order_by("-received_at")[:50])
    open_by_contract = {r.contract_id: r for r in requests if r.state in OPEN_STATES}
    for contract in contracts:
        contract.open_request = open_by_contract.get(contract.pk)
    return {"contracts": contracts, "requests": requests, "calls": calls, "claims": claims}


def cancellation_get_for_user(*, user, pk, lock: bool = False) -> CancellationRequest:
    """The request, if this user may see it: its agent, or any supervisor."""
    if not user.has_perm("retention.handle_calls"):
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
    if request.agent_id != user.pk and not user.has_perm("retention.approve_offers"):
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
    from retention.offer_engine import offers_for_request
    from retention.scripts import step_script

    presentations = list(request.presentations.order_by("position"))
    actions = console_actions(request=request, user=user)
    offers = (
        offers_for_request(request=request, presented_ids=[p.offer_id for p in presentations])
        if "present_offer" in actions
        else []
    )
    history = list(
        AuditEntry.objects.filter(
            subject_type__app_label="retention",
            subject_type__model="cancellationrequest",
            subject_id=request.pk,
        )
        .select_related("user")
        .order_by("at", "pk")
    )
    reasons = reason_picker(user=user) if "identify_reason" in actions else []
    return {
        "req": request,
        "rail": console_rail(request, presentations),
        "presentations": presentations,
        "actions": actions,
        "offers": offers,
        "script": step_script(request.state),
        "history": history,
        "reasons": reasons,
        "customer_types": list(CustomerType.objects.filter(is_active=True)),
        "battlecards": list(Battlecard.objects.filter(is_active=True))
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


def reason_picker(*, user) -> list[PickerGroup]:
    """The reasons grouped by category, each with a two-digit key (category, place), and
    first the few this agent recorded most in the last 90 days (2 queries)."""
    from retention.text import hangul_initials

    reasons = list(Reason.objects.filter(is_active=True).order_by("category", "sort_order", "pk"))
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


# "Oldest and most valuable first": a valuable customer counts as having waited longer.
VALUE_HEAD_START_SECONDS = {"vip": 120, "gold": 60}


def queue_order(items: list, waiting_since, now=None, customer=lambda item: item.customer):
    """Sort a queue by seconds waited plus the customer's head start for value (a VIP who
    has waited 30 s goes before a standard customer who has waited 2 minutes), then by id."""
    now = now or timezone.now()

    def priority(item):
        since = waiting_since(item) or now
        waited = (now - since).total_seconds()
        head_start = VALUE_HEAD_START_SECONDS.get(customer(item).value_tier, 0)
        return (-(waited + head_start), item.pk)

    return sorted(items, key=priority)


def approvals_pending(*, user) -> list[CancellationRequest]:
    """Offers waiting for a supervisor, oldest and most valuable first (1 query)."""
    if not user.has_perm("retention.approve_offers"):
        raise PermissionDenied
    requests = list(
        CancellationRequest.objects.filter(state=RequestState.AWAITING_APPROVAL)
        .select_related("customer", "contract__product", "agent", "current_presentation")
        .order_by("current_presentation__approval_requested_at", "pk")[:100]
    )
    return queue_order(requests, lambda r: r.current_presentation.approval_requested_at)


def _queues_for(user) -> list[str]:
    from retention.choices import CallQueue

    queues = []
    if user.has_perm("retention.handle_calls"):
        queues.append(CallQueue.AGENTS)
    if user.has_perm("retention.work_specialist_queue"):
        queues.append(CallQueue.SPECIALISTS)
    if user.has_perm("retention.approve_offers"):
        queues.append(CallQueue.SUPERVISORS)
    return queues


def call_tasks_for_user(*, user, now=None) -> dict:
    """My calls: assigned to me, or waiting in a queue I work; overdue and due first, then
    today, then later (2 queries, at most 300 rows)."""
    from django.db.models import Q as _Q

    from retention.choices import CallTaskStatus

    if not user.has_perm("retention.handle_calls"):
        raise PermissionDenied
    now = now or timezone.now()
    tasks = list(
        CallTask.objects.filter(
            status__in=[CallTaskStatus.SCHEDULED, CallTaskStatus.DUE, CallTaskStatus.IN_PROGRESS]
        )
        .filter(_Q(assignee=user) | _Q(assignee__isnull=True, queue__in=_queues_for(user)))
        .select_related("customer", "assignee")
        .order_by("due_at", "-priority")[:300]
    )
    end_of_today = timezone.localtime(now).replace(hour=23, minute=59, second=59)
    return {
        "in_progress": [t for t in tasks if t.status == CallTaskStatus.IN_PROGRESS],
        "due": [t for t in tasks if t.status != CallTaskStatus.IN_PROGRESS and t.due_at <= now],
        "today": [t for t in tasks if now < t.due_at <= end_of_today],
        "later": [t for t in tasks if t.due_at > end_of_today],
        "now": now,
    }


def call_task_for_user_or_404(*, user, pk) -> CallTask:
    if not user.has_perm("retention.handle_calls"):
        raise PermissionDenied
    try:
        task = CallTask.objects.select_related(
            "customer",
            "contract__product",
            "assignee",
            "cancellation_request__reason",
            "claim",
            "win_back__original_reason",
            "win_back__contract__product",
        ).get(pk=int(pk))
    except (CallTask.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if task.assignee_id not in (None, user.pk) and not user.has_perm("retention.approve_offers"):
        raise PermissionDenied
    if task.assignee_id is None and task.queue not in _queues_for(user):
        raise PermissionDenied
    return task


def call_screen_data(*, task: CallTask, user) -> dict:
    """What the agent needs on the call: the script, the history behind it and, for a
    win-back call, why they left, what they were offered, and what we can offer now."""
    from retention.choices import CallOutcome
    from retention.models import Product
    from retention.scripts import call_script
    from retention.services.winback import win_back_offers

    data = {
        "task": task,
        "script": call_script(task.kind),
        "outcomes": [
            (o.value, o.label)
            for o in (
                CallOutcome.REACHED,
                CallOutcome.NO_ANSWER,
                CallOutcome.BUSY,
                CallOutcome.WRONG_NUMBER,
                CallOutcome.DO_NOT_CALL,
            )
        ],
        "mine": task.assignee_id == user.pk and task.status == "in_progress",
        "show_pii": user.has_perm("retention.view_customer_pii"),
    }
    if task.win_back_id:
        last_request = (
            CancellationRequest.objects.filter(contract_id=task.win_back.contract_id)
            .select_related("reason")
            .order_by("-opened_at")
            .first()
        )
        data["last_request"] = last_request
        data["offered"] = (
            list(last_request.presentations.order_by("position")) if last_request else []
        )
        data["products"] = list(Product.objects.filter(is_active=True).order_by("category"))
        data["winback_offers"] = list(win_back_offers()[:20])
        data["reasons"] = list(Reason.objects.filter(is_active=True))
        if task.kind in ("care_check_in", "care_review") and task.win_back.new_contract_id:
            since = task.win_back.closed_at
            data["claims_since"] = list(task.customer.claims.filter(received_at__gte=since))
            data["calls_since"] = list(
                CallTask.objects.filter(customer=task.customer, updated_at__gte=since)
                .exclude(pk=task.pk)
                .order_by("-due_at")[:20]
            )
    return data


def manager_requests(*, user) -> list[CancellationRequest]:
    """Calls where the customer asked for a manager, oldest and most valuable first."""
    if not user.has_perm("retention.approve_offers"):
        raise PermissionDenied
    requests = list(
        CancellationRequest.objects.filter(
            manager_requested_at__isnull=False, state__in=OPEN_STATES
        )
        .select_related("customer", "contract", "agent")
        .order_by("manager_requested_at")[:100]
    )
    return queue_order(requests, lambda r: r.manager_requested_at)


def desk_agents():
    """People who take calls, by team then name, for reassigning and coaching (one query; a
    floor has dozens, not millions)."""
    from accounts.models import User

    people = list(
        User.objects.filter(is_active=True, groups__name__in=["agent", "retention_specialist"])
        .select_related("team")
        .distinct()[:500]
    )
    return sorted(
        people, key=lambda u: (u.team is None, u.team.name if u.team else "", u.display_name)
    )


def _call_started(call):
    """When the call on the line began: when it was opened, or when the promised callback
    was taken up."""
    return call.resumed_at or call.opened_at


def _name(row: dict) -> str:
    return person_name(
        row["agent__first_name"], row["agent__last_name"], fallback=row["agent__username"]
    )


def floor_overview(*, user, now=None) -> dict:
    """Who is on which call and for how long, the calls waiting per queue, and today's
    outcomes: a fixed number of queries whatever the size of the floor or the book."""
    from django.db.models import Min

    from claims.models import OPEN_STATES as CLAIM_OPEN_STATES
    from claims.models import Claim
    from retention.choices import CallQueue, CallTaskStatus

    if not user.has_perm("retention.approve_offers"):
        raise PermissionDenied
    now = now or timezone.now()
    # A live call: the customer is on the line (a promised callback is not a call), and
    # something happened on it lately; one left open and idle is counted apart. The newest
    # first, so a pile of forgotten requests cannot push today's calls off the list.
    idle_since = now - timedelta(minutes=settings.RETENTION_FLOOR_IDLE_MINUTES)
    calls = list(
        CancellationRequest.objects.filter(state__in=LIVE_STATES, updated_at__gte=idle_since)
        .select_related("agent", "customer")
        .order_by("-opened_at", "-pk")[:200]
    )
    people: dict[int, dict] = {}

    def person_for(pk, name) -> dict:
        return people.setdefault(pk, {"pk": pk, "name": name, "calls": [], "left_open": 0})

    for call in sorted(calls, key=lambda c: (_call_started(c), c.pk)):
        person = person_for(call.agent_id, call.agent.display_name)
        call.elapsed = int((now - _call_started(call)).total_seconds())
        person["calls"].append(call)
    for row in (
        CancellationRequest.objects.filter(state__in=LIVE_STATES, updated_at__lt=idle_since)
        .values("agent_id", "agent__username", "agent__first_name", "agent__last_name")
        .annotate(n=Count("pk"))
    ):
        person_for(row["agent_id"], _name(row))["left_open"] = row["n"]
    for row in (
        Claim.objects.filter(state__in=CLAIM_OPEN_STATES)
        .values("agent_id", "agent__username", "agent__first_name", "agent__last_name")
        .annotate(
            n=Count("pk"),
            oldest=Min("received_at"),
            overdue=Count("pk", filter=Q(promised_deadline__lt=now) | Q(flagged_at__isnull=False)),
        )
    ):
        person_for(row["agent_id"], _name(row))["claims"] = row
    for person in people.values():
        person["longest"] = max((call.elapsed for call in person["calls"]), default=None)
    late = now - timedelta(hours=1)
    queues = {
        row["queue"]: row
        for row in CallTask.objects.filter(
            status__in=[CallTaskStatus.SCHEDULED, CallTaskStatus.DUE, CallTaskStatus.IN_PROGRESS]
        )
        .values("queue")
        .annotate(
            due=Count("pk", filter=Q(due_at__lte=now)),
            overdue=Count("pk", filter=Q(due_at__lte=late)),
            in_progress=Count("pk", filter=Q(status=CallTaskStatus.IN_PROGRESS)),
        )
    }
    start_of_day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    today = dict(
        CancellationRequest.objects.filter(
            closed_at__gte=start_of_day,
            state__in=[RequestState.RETAINED, RequestState.CANCELLED],
        )
        .values_list("state")
        .annotate(n=Count("pk"))
    )
    saves, cancellations = today.get(RequestState.RETAINED, 0), today.get(RequestState.CANCELLED, 0)
    return {
        "people": sorted(
            people.values(),
            key=lambda p: (
                -1 if p["longest"] is None else -p["longest"],
                -p.get("claims", {}).get("n", 0),
                p["pk"],
            ),
        ),
        "queues": [(queue, queues.get(queue.value, {})) for queue in CallQueue],
        "saves": saves,
        "cancellations": cancellations,
        "save_rate": saves / (saves + cancellations) if saves + cancellations else None,
        "now": now,
    }


def coaching_notes_for(*, user) -> list:
    from retention.models import CoachingNote

    return list(CoachingNote.objects.filter(agent=user).select_related("author")[:5])
