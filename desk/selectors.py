"""Reads for the screens: permission-aware, with a fixed number of queries per page."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Min, Q
from django.utils import timezone

from accounts.models import User
from calls.choices import CallQueue, CallTaskStatus
from calls.models import CallTask
from cancellations.choices import RequestState
from cancellations.models import LIVE_STATES, CancellationRequest
from claims.models import OPEN_STATES as CLAIM_OPEN_STATES
from claims.models import Claim
from core.names import person_name
from customers.choices import ContractStatus
from customers.models import Contract, Customer
from desk.models import CoachingNote


def home_summary() -> dict:
    """The few numbers on the home page: two aggregate queries whatever the data size."""
    contracts = Contract.objects.aggregate(
        active=Count("pk", filter=Q(status=ContractStatus.ACTIVE)),
        cancelled=Count("pk", filter=Q(status=ContractStatus.CANCELLED)),
    )
    return {"customers": Customer.objects.count(), **contracts}


def desk_agents():
    """People who take calls, by team then name, for reassigning and coaching (one query; a
    floor has dozens, not millions)."""
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
    if not user.has_perm("cancellations.approve_offers"):
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
    return list(CoachingNote.objects.filter(agent=user).select_related("author")[:5])
