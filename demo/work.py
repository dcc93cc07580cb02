"""Work waiting in the demo, so every screen has something real on it the first time.

Made through the desk's own services, as a floor's morning would leave it: for `agent`, a
save follow-up and an overdue callback, a claim past its promised deadline with its interim
contact due, a survey call; for `agent2`, a customer on hold for a supervisor's approval and
another overdue claim; win-back calls in the specialists' and the supervisors' queues; a
won-back customer's intensive-care check-in due. Made once: a second run adds nothing.
"""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from calls.choices import CallQueue, CallTaskKind
from calls.models import CallTask
from calls.services.planning import call_task_request
from calls.services.taking import call_task_claim
from cancellations.models import CancellationRequest
from cancellations.services.closing import cancellation_schedule_callback
from cancellations.services.offers import offer_present
from cancellations.services.opening import cancellation_identify_reason, cancellation_open
from catalog.models import Offer, Reason
from claims.models import Claim
from claims.services.opening import claim_open
from claims.services.post_handling import claim_set_deadline
from claims.services.steps import claim_apologize, claim_listen
from core.dates import add_months
from customers.choices import ContractStatus
from customers.models import Contract
from winback.services.winback import win_back_consider, win_back_won

MARK = "demo-work"
# Running contracts the work is about (of different customers).
NEEDED = 9


def _active_contracts(count: int) -> list[Contract]:
    """The first demo contracts still running, one per customer who takes calls and has no
    open request or claim."""
    chosen, seen = [], set()
    busy = CancellationRequest.objects.filter(closed_at__isnull=True).values("customer")
    complaining = Claim.objects.filter(closed_at__isnull=True).values("customer")
    candidates = (
        Contract.objects.filter(status=ContractStatus.ACTIVE, customer__do_not_call=False)
        .exclude(customer__in=busy)
        .exclude(customer__in=complaining)
        .select_related("customer")
        .order_by("pk")
    )
    for contract in candidates[: count * 4]:
        if contract.customer_id not in seen:
            seen.add(contract.customer_id)
            chosen.append(contract)
    return chosen[:count]


def _past(call: CallTask, minutes: int) -> None:
    """Make a planned call due `minutes` ago (services only plan into the future)."""
    CallTask.objects.filter(pk=call.pk).update(due_at=timezone.now() - timedelta(minutes=minutes))


def _overdue_claim(user, contract: Contract, subject: str, hours: int):
    claim = claim_open(
        customer_id=contract.customer_id, contract_id=contract.pk, user=user, subject=subject
    )
    claim_apologize(claim_id=claim.pk, user=user)
    claim_listen(claim_id=claim.pk, user=user, account=subject)
    claim_set_deadline(claim_id=claim.pk, user=user, deadline=timezone.now() + timedelta(minutes=1))
    claim.__class__.objects.filter(pk=claim.pk).update(
        promised_deadline=timezone.now() - timedelta(hours=hours)
    )
    return claim


def _departed(contract: Contract, *, fee: int, months: int, today: date, code: str) -> Contract:
    """Another contract of `contract`'s customer, that ended `months` in, 45 days ago."""
    cancelled = today - timedelta(days=45)
    departed, _ = Contract.objects.get_or_create(
        number=f"{MARK.upper()}-{code}",
        defaults={
            "customer": contract.customer,
            "product": contract.product,
            "start_date": add_months(cancelled, -months),
            "term_months": 60,
            "monthly_fee": fee,
            "status": ContractStatus.CANCELLED,
            "cancelled_on": cancelled,
        },
    )
    return departed


def demo_work_seed(*, today: date) -> int:
    """Leave the morning's work for the demo users; the number of calls it planned."""
    names = ["agent", "agent2", "specialist", "supervisor"]
    users = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
    if CallTask.objects.filter(idempotency_key__startswith=f"{MARK}:").exists() or set(
        users
    ) != set(names):
        return 0
    book = _active_contracts(NEEDED)
    if len(book) < NEEDED:
        return 0
    agent, agent2 = users["agent"], users["agent2"]
    now = timezone.now()
    with transaction.atomic():
        call_task_request(
            kind=CallTaskKind.SAVE_FOLLOW_UP,
            customer_id=book[0].customer_id,
            contract_id=book[0].pk,
            due_at=now - timedelta(minutes=15),
            idempotency_key=f"{MARK}:follow-up",
            assignee_id=agent.pk,
        )
        fee_burden = Reason.objects.get(code="fee_burden")
        request = cancellation_open(contract_id=book[1].pk, user=agent)
        cancellation_identify_reason(request_id=request.pk, user=agent, reason_id=fee_burden.pk)
        cancellation_schedule_callback(
            request_id=request.pk, user=agent, callback_at=now + timedelta(minutes=1)
        )
        _past(CallTask.objects.get(cancellation_request=request), 20)
        claim = _overdue_claim(agent, book[2], "정수기 물이 새는데 기사 방문이 두 번 미뤄졌어요", 3)
        _past(
            call_task_request(
                kind=CallTaskKind.CLAIM_INTERIM,
                customer_id=claim.customer_id,
                claim_id=claim.pk,
                due_at=now + timedelta(minutes=1),
                idempotency_key=f"{MARK}:interim",
                assignee_id=agent.pk,
            ),
            30,
        )
        call_task_request(
            kind=CallTaskKind.SURVEY,
            customer_id=book[3].customer_id,
            due_at=now - timedelta(minutes=5),
            idempotency_key=f"{MARK}:survey",
        )
        _overdue_claim(
            agent2, book[4], "비데 작동 소음이 심해 교체를 약속받았는데 소식이 없어요", 26
        )
        rival = Reason.objects.get(code="competitor_cheaper")
        held = cancellation_open(contract_id=book[5].pk, user=agent2)
        cancellation_identify_reason(
            request_id=held.pk,
            user=agent2,
            reason_id=rival.pk,
            competitor_name="코웨이",
            competitor_offer="첫 3개월 무료",
        )
        offer_present(
            request_id=held.pk, user=agent2, offer_id=Offer.objects.get(code="CMP-MATCH").pk
        )
        top = _departed(book[6], fee=99_000, months=40, today=today, code="WB-TOP")
        middle = _departed(book[7], fee=45_000, months=30, today=today, code="WB-MIDDLE")
        returning = _departed(book[8], fee=39_000, months=36, today=today, code="WB-CARE")
    win_back_consider(today=today)
    with transaction.atomic():
        for contract in (top, middle, returning):
            CallTask.objects.filter(win_back__contract=contract).update(due_at=now)
        care = CallTask.objects.get(win_back__contract=returning)
        call_task_claim(call_task_id=care.pk, user=users["specialist"])
        won = win_back_won(
            call_task_id=care.pk, user=users["specialist"], product_id=returning.product_id
        )
        check_in = (
            CallTask.objects.filter(contract=won, kind=CallTaskKind.CARE_CHECK_IN)
            .order_by("due_at")
            .first()
        )
        if check_in is not None:
            CallTask.objects.filter(pk=check_in.pk).update(
                due_at=now - timedelta(hours=2), assignee=None, queue=CallQueue.SPECIALISTS
            )
    return CallTask.objects.filter(due_at__lte=now + timedelta(minutes=1)).count()
