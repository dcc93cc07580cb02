"""Win-back (재유치): consider departed customers once, segment them by value, plan the
calls for the tiers worth calling, and carry out the call's outcome.

The daily job is set-based (one INSERT … SELECT for the cases, one for the calls), so
100,000 departed customers are segmented and scheduled in seconds, not hours.
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calls.choices import CallOutcome, CallQueue, CallTaskKind, CallTaskStatus, SurveyTouchpoint
from calls.models import CallTask
from calls.services.planning import call_task_request
from calls.services.taking import call_task_complete, call_task_lock_mine, call_task_outcome_apply
from catalog.amendments import amendment_for_offer
from catalog.choices import OfferKind
from catalog.models import Offer, Reason
from core.choices import AuditAction
from core.dates import add_months
from core.errors import ServiceError
from core.fsm import record_lock
from core.services.audit import audit_record
from customers.models import Contract, Product
from customers.services.contracts import contract_amend
from winback.choices import WinBackOutcome
from winback.models import WinBackCase
from winback.webhook_events import win_back_won_emit

_CASE_MISSING = gettext_lazy("That win-back case does not exist.")


def _case_lock(case_id: int) -> WinBackCase:
    return record_lock(WinBackCase.objects, case_id, expected_state=None, missing=_CASE_MISSING)


_CONSIDER_SQL = """
WITH departed AS (
    SELECT c.id AS contract_id, c.customer_id, c.cancelled_on,
           c.monthly_fee::bigint * (
               date_part('year', age(c.cancelled_on, c.start_date)) * 12
               + date_part('month', age(c.cancelled_on, c.start_date))
           )::bigint + cu.lifetime_revenue AS value,
           cu.do_not_call,
           (SELECT r.reason_id FROM cancellations_cancellationrequest r
             WHERE r.contract_id = c.id AND r.state = 'cancelled'
             ORDER BY r.closed_at DESC NULLS LAST LIMIT 1) AS reason_id
      FROM customers_contract c
      JOIN customers_customer cu ON cu.id = c.customer_id
     WHERE c.status = 'cancelled'
       AND c.cancelled_on <= %(cutoff)s
       AND NOT EXISTS (SELECT 1 FROM winback_winbackcase w WHERE w.contract_id = c.id)
)
INSERT INTO winback_winbackcase
    (contract_id, customer_id, departed_on, value, tier, outcome, original_reason_id,
     considered_at, diagnosis_note)
SELECT contract_id, customer_id, cancelled_on, value,
       CASE WHEN NOT do_not_call AND value >= %(top)s THEN 'top'
            WHEN NOT do_not_call AND value >= %(middle)s THEN 'middle'
            ELSE 'rest' END,
       CASE WHEN NOT do_not_call AND value >= %(middle)s THEN 'pending' ELSE 'not_called' END,
       reason_id, %(now)s, ''
  FROM departed
ON CONFLICT (contract_id) DO NOTHING
"""

_CALLS_SQL = """
INSERT INTO calls_calltask
    (kind, customer_id, contract_id, win_back_id, due_at, queue, status, attempts, outcome,
     result, notes, idempotency_key, priority, created_at, updated_at)
SELECT 'win_back', w.customer_id, w.contract_id, w.id, %(now)s,
       CASE w.tier WHEN 'top' THEN 'supervisors' ELSE 'specialists' END,
       'scheduled', 0, '', '', '', 'win-back:' || w.id, w.value, %(now)s, %(now)s
  FROM winback_winbackcase w
 WHERE w.considered_at = %(now)s AND w.outcome = 'pending'
ON CONFLICT (idempotency_key) DO NOTHING
"""


def win_back_consider(*, today: date | None = None, now: datetime | None = None) -> dict:
    """Consider every departed contract not considered yet (cancelled at least
    WIN_BACK_MIN_DAYS ago): value it, tier it, plan calls for the top and middle tiers.
    Running it again considers nothing twice."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    params = {
        "cutoff": today - timedelta(days=settings.WIN_BACK_MIN_DAYS),
        "top": settings.WIN_BACK_TOP_VALUE,
        "middle": settings.WIN_BACK_MIDDLE_VALUE,
        "now": now,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_CONSIDER_SQL, params)
        considered = cursor.rowcount
        cursor.execute(_CALLS_SQL, params)
        calls = cursor.rowcount
    tiers = dict(
        WinBackCase.objects.filter(considered_at=now).values_list("tier").annotate(n=Count("pk"))
    )
    return {"considered": considered, "calls": calls, **tiers}


def _win_back_call(call_task_id: int, user) -> CallTask:
    """The win-back call `user` has taken, locked."""
    task = call_task_lock_mine(call_task_id=call_task_id, user=user)
    if task.win_back_id is None:
        raise ServiceError(_("That is not a win-back call."), code="not_found")
    return task


def win_back_outcome_log(*, call_task_id: int, user, outcome: str, result: str = "") -> CallTask:
    """What happened on a win-back call that did not reach a decision: the call's own outcome
    (another attempt later, or unreachable), and the case closed as unreachable when the
    customer cannot or will not be reached."""
    with transaction.atomic():
        task = call_task_outcome_apply(
            task=_win_back_call(call_task_id, user), user=user, outcome=outcome, result=result
        )
        if task.status == CallTaskStatus.DONE and task.outcome in (
            CallOutcome.UNREACHABLE,
            CallOutcome.WRONG_NUMBER,
            CallOutcome.DO_NOT_CALL,
        ):
            win_back_mark_unreachable(win_back_id=task.win_back_id)
    return task


def win_back_won(
    *,
    call_task_id: int,
    user,
    product_id: int,
    offer_id: int | None = None,
    diagnosed_reason_id: int | None = None,
    diagnosis: str = "",
) -> Contract:
    """Won back: a new contract on the chosen product (and offer), intensive-care calls at
    1, 3 and 5 months and a review at 6, and a survey."""
    now = timezone.now()
    with transaction.atomic():
        task = _win_back_call(call_task_id, user)
        case = _case_lock(task.win_back_id)
        if case.outcome != WinBackOutcome.PENDING:
            raise ServiceError(_("This win-back case is already closed."), code="closed")
        product = Product.objects.filter(pk=product_id, is_active=True).first()
        if product is None:
            raise ServiceError(_("Choose a product on sale."), code="product")
        offer = _win_back_offer(offer_id, now) if offer_id else None
        reason = _reason(diagnosed_reason_id)
        start = timezone.localdate(now)
        contract = Contract.objects.create(
            number=f"W{case.pk:08d}",
            customer_id=case.customer_id,
            product=product,
            start_date=start,
            term_months=product.default_term_months,
            monthly_fee=product.monthly_fee,
        )
        if offer is not None:
            # The win-back offer reaches the new contract as a save's would (an amendment).
            terms = {"discount_percent": offer.value, "free_months": offer.value}
            terms["months"] = offer.duration_months or contract.term_months
            contract_amend(
                contract_id=contract.pk,
                amendment=amendment_for_offer(offer.kind, terms, note=f"{offer.code} (win-back)"),
                user=user,
                effective_date=start,
            )
        case.outcome, case.new_contract, case.offer = WinBackOutcome.WON_BACK, contract, offer
        case.diagnosed_reason, case.diagnosis_note = reason, diagnosis.strip()
        case.handled_by, case.closed_at = user, now
        case.save()
        call_task_complete(task=task, user=user, outcome=CallOutcome.WON_BACK)
        for months in settings.WIN_BACK_CARE_MONTHS:
            call_task_request(
                kind=CallTaskKind.CARE_CHECK_IN,
                customer_id=case.customer_id,
                contract_id=contract.pk,
                win_back_id=case.pk,
                due_at=now + (add_months(start, months) - start),
                queue=CallQueue.SPECIALISTS,
                idempotency_key=f"care:{case.pk}:{months}",
            )
        review = settings.WIN_BACK_REVIEW_MONTHS
        call_task_request(
            kind=CallTaskKind.CARE_REVIEW,
            customer_id=case.customer_id,
            contract_id=contract.pk,
            win_back_id=case.pk,
            due_at=now + (add_months(start, review) - start),
            queue=CallQueue.SUPERVISORS,
            idempotency_key=f"care-review:{case.pk}",
        )
        call_task_request(
            kind=CallTaskKind.SURVEY,
            customer_id=case.customer_id,
            contract_id=contract.pk,
            win_back_id=case.pk,
            due_at=now + timedelta(days=settings.RETENTION_SURVEY_CALL_DELAY_DAYS),
            idempotency_key=f"survey:win-back:{case.pk}",
            touchpoint=SurveyTouchpoint.WIN_BACK,
        )
        audit_record(
            subject=case,
            action=AuditAction.WIN_BACK,
            user=user,
            data={"contract": contract.number, "offer": offer.code if offer else None},
        )
        win_back_won_emit(case=case)
    return contract


def win_back_declined(
    *, call_task_id: int, user, diagnosed_reason_id: int | None = None, diagnosis: str = ""
) -> WinBackCase:
    with transaction.atomic():
        task = _win_back_call(call_task_id, user)
        case = _case_lock(task.win_back_id)
        if case.outcome != WinBackOutcome.PENDING:
            raise ServiceError(_("This win-back case is already closed."), code="closed")
        case.outcome, case.closed_at, case.handled_by = (
            WinBackOutcome.DECLINED,
            timezone.now(),
            user,
        )
        case.diagnosed_reason, case.diagnosis_note = _reason(diagnosed_reason_id), diagnosis.strip()
        case.save()
        call_task_complete(task=task, user=user, outcome=CallOutcome.DECLINED)
        audit_record(subject=case, action=AuditAction.WIN_BACK_DECLINED, user=user)
    return case


WIN_BACK_OFFER_KINDS = {
    OfferKind.DISCOUNT_PERCENT,
    OfferKind.FREE_MONTHS,
    OfferKind.SERVICE_IMPROVEMENT,
    OfferKind.GIFT,
    OfferKind.COMPETITOR_MATCH,
}


def win_back_offers(*, now: datetime | None = None):
    """Offers a win-back call may make on its own: active now, a kind that fits a new
    contract, and within the agent's authority (nothing to wait for a supervisor on)."""
    now = now or timezone.now()
    return (
        Offer.objects.filter(is_active=True, is_draft=False, kind__in=WIN_BACK_OFFER_KINDS)
        .filter(Q(active_from__isnull=True) | Q(active_from__lte=now))
        .filter(Q(active_until__isnull=True) | Q(active_until__gt=now))
        .filter(Q(agent_limit__isnull=True) | Q(fixed_cost__lte=F("agent_limit")))
        .order_by("code")
    )


def _win_back_offer(offer_id, now: datetime) -> Offer:
    try:
        offer = win_back_offers(now=now).filter(pk=int(offer_id)).first()
    except (TypeError, ValueError):
        offer = None
    if offer is None:
        raise ServiceError(_("That offer is not available."), code="offer")
    return offer


def win_back_mark_unreachable(*, win_back_id: int) -> None:
    updated = WinBackCase.objects.filter(pk=win_back_id, outcome=WinBackOutcome.PENDING).update(
        outcome=WinBackOutcome.UNREACHABLE, closed_at=timezone.now()
    )
    if updated:
        audit_record(
            subject=WinBackCase(pk=win_back_id), action=AuditAction.WIN_BACK_UNREACHABLE, user=None
        )


def _reason(reason_id: int | None) -> Reason | None:
    if reason_id is None:
        return None
    reason = Reason.objects.filter(pk=reason_id).first()
    if reason is None:
        raise ServiceError(_("Choose a reason from the list."), code="unknown_reason")
    return reason
