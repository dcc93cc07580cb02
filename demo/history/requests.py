"""Closed cancellation requests for the history: the reason, the offers tried and the
answers, the audit trail; then the contracts those requests cancelled."""

import json
from datetime import timedelta

from django.db import connection

from cancellations.models import CancellationRequest
from catalog.choices import OfferKind, ReasonCategory
from demo.book import copy_rows
from demo.history.common import AUDIT_COLUMNS, _Audit, _moment, _reserve, _weighted

BRANCH = {
    ReasonCategory.DISSATISFACTION: "dissatisfied",
    ReasonCategory.FINANCIAL: "financial_burden",
    ReasonCategory.CONTRACT_CHANGE: "contract_change",
    ReasonCategory.COMPETITOR: "competitor",
}
CATEGORY_WEIGHT = {
    ReasonCategory.FINANCIAL: 34,
    ReasonCategory.DISSATISFACTION: 24,
    ReasonCategory.CONTRACT_CHANGE: 16,
    ReasonCategory.COMPETITOR: 14,
    ReasonCategory.UNAVOIDABLE: 12,
}
SPIKE_REASON = "competitor_gift"
COMPETITORS = [("코웨이", "첫 3개월 무료"), ("SK매직", "월 5,000원 할인"), ("쿠쿠", "사은품 증정")]

REQUEST_COLUMNS = [
    "id",
    "state",
    "branch",
    "reason_note",
    "competitor_name",
    "competitor_offer",
    "notes",
    "offers_presented",
    "max_offers",
    "state_before_callback",
    "quote",
    "effective_date",
    "opened_at",
    "closed_at",
    "updated_at",
    "agent_id",
    "contract_id",
    "customer_id",
    "reason_id",
    "source_claim_id",
]
PRESENTATION_COLUMNS = [
    "request_id",
    "offer_id",
    "reason_id",
    "position",
    "code",
    "name_ko",
    "name_en",
    "script_ko",
    "script_en",
    "kind",
    "value",
    "terms",
    "monthly_fee_before",
    "monthly_fee_after",
    "cost",
    "net_value",
    "needs_approval",
    "answer",
    "answer_note",
    "presented_by_id",
    "presented_at",
    "answered_at",
    "approval_requested_at",
    "approval_decided_at",
    "approval_decided_by_id",
    "approval_note",
    "approval_timed_out",
]


def _requests(
    rng,
    count,
    *,
    contracts,
    agents,
    supervisors,
    reasons,
    offers,
    start,
    days,
    request_type,
    claim_ids,
) -> int:
    by_category = {}
    for pk, code, category in reasons:
        by_category.setdefault(category, []).append((pk, code))
    spike = next((pk for pk, code, _ in reasons if code == SPIKE_REASON), None)
    offers_for = {
        category: [o for o in offers if category in o.reason_categories] for category in BRANCH
    }
    # Each contract once before any twice; a save may be followed by a later cancellation
    # of the same contract (a re-churn), more often after the costly free-months offer.
    order = list(range(len(contracts)))
    rng.shuffle(order)
    jobs = [
        (contracts[order[n % len(order)]], start + timedelta(days=rng.randrange(days)), False)
        for n in range(count)
    ]
    first_id = _reserve(CancellationRequest, count * 2)
    request_rows, presentation_rows, audit_rows = [], [], []
    last_week = start + timedelta(days=days - 7)
    end = start + timedelta(days=days)
    n = 0
    while n < len(jobs):
        if len(request_rows) >= 50_000:
            _flush(request_rows, presentation_rows, audit_rows)
        (contract_id, customer_id, fee, term), day, leaving = jobs[n]
        request_id = first_id + n
        n += 1
        if spike and day >= last_week and rng.random() < 0.18:
            category, reason_id = ReasonCategory.COMPETITOR, spike
        else:
            category = _weighted(rng, CATEGORY_WEIGHT.items())
            reason_id = rng.choice(by_category[category])[0]
        agent = rng.choice(agents)
        opened = _moment(rng, day)
        audit = _Audit(audit_rows, request_type, request_id, opened)
        branch = BRANCH.get(category, "")
        target = branch or "cancelling"
        audit.step("identify_reason", "opened", target, agent, rng.randint(30, 150))
        competitor = rng.choice(COMPETITORS) if category == ReasonCategory.COMPETITOR else ("", "")
        retained, presented = False, 0
        choices = offers_for.get(category, []) if branch else []
        tried = rng.sample(choices, k=min(len(choices), rng.randint(1, 3)))
        for position, offer in enumerate(tried, start=1):
            cost = offer.fixed_cost or fee * max(offer.duration_months or 1, 1) * 10 // 100
            approval = offer.agent_limit is not None and cost > offer.agent_limit
            costly = offer.kind == OfferKind.FREE_MONTHS
            accepted = not leaving and rng.random() < (0.45 if costly else 0.3)
            presented += 1
            at = audit.step(
                "present_offer",
                branch,
                "awaiting_approval" if approval else "offer_presented",
                agent,
                rng.randint(40, 200),
            )
            decided_at = None
            if approval:
                decided_at = audit.step(
                    "approve_offer",
                    "awaiting_approval",
                    "offer_presented",
                    rng.choice(supervisors),
                    rng.randint(20, 110),
                )
            answered = audit.step(
                "accept_offer" if accepted else "decline_offer",
                "offer_presented",
                "retained" if accepted else branch,
                agent,
                rng.randint(20, 120),
            )
            presentation_rows.append(
                (
                    request_id,
                    offer.pk,
                    reason_id,
                    position,
                    offer.code,
                    offer.name_ko,
                    offer.name_en,
                    offer.script_ko,
                    offer.script_en,
                    offer.kind,
                    offer.value,
                    "{}",
                    fee,
                    max(fee - fee * 10 // 100, 0) if offer.kind != "pause" else fee,
                    cost,
                    fee * term // 2 - cost,
                    approval,
                    "accepted" if accepted else "declined",
                    "",
                    agent,
                    at,
                    answered,
                    at if approval else None,
                    decided_at,
                    rng.choice(supervisors) if approval else None,
                    "",
                    False,
                )
            )
            if accepted:
                retained = True
                later = day + timedelta(days=rng.randint(20, 300))
                if later < end and rng.random() < (0.45 if costly else 0.1):
                    jobs.append(((contract_id, customer_id, fee, term), later, True))
                break
        if not retained:
            if branch:
                audit.step("insist_on_cancelling", branch, "cancelling", agent, rng.randint(5, 30))
            audit.step(
                "confirm_cancellation", "cancelling", "cancelled", agent, rng.randint(60, 240)
            )
        closed = audit.at
        source_claim = (
            rng.choice(claim_ids)
            if claim_ids and category == ReasonCategory.DISSATISFACTION and rng.random() < 0.3
            else None
        )
        request_rows.append(
            (
                request_id,
                "retained" if retained else "cancelled",
                branch,
                "",
                competitor[0],
                competitor[1],
                "",
                presented,
                3,
                "",
                None if retained else json.dumps({"total": fee}),
                None if retained else day + timedelta(days=14),
                opened,
                closed,
                closed,
                agent,
                contract_id,
                customer_id,
                reason_id,
                source_claim,
            )
        )
    _flush(request_rows, presentation_rows, audit_rows)
    return len(jobs)


def _flush(request_rows: list, presentation_rows: list, audit_rows: list) -> None:
    """COPY what is buffered and empty the buffers (a million requests never sit in memory
    at once)."""
    copy_rows(CancellationRequest._meta.db_table, REQUEST_COLUMNS, request_rows)
    copy_rows("cancellations_offerpresentation", PRESENTATION_COLUMNS, presentation_rows)
    copy_rows("core_auditentry", AUDIT_COLUMNS, audit_rows)
    for rows in (request_rows, presentation_rows, audit_rows):
        rows.clear()


def _contracts_close() -> None:
    """A contract whose last closed request was a cancellation is cancelled (effective two
    weeks later); an earlier save on it has therefore re-churned."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE customers_contract c SET status = 'cancelled',
                cancelled_on = last.effective_date, updated_at = now()
            FROM (
                SELECT DISTINCT ON (contract_id) contract_id, state, effective_date
                FROM cancellations_cancellationrequest WHERE closed_at IS NOT NULL
                ORDER BY contract_id, closed_at DESC
            ) last
            WHERE last.contract_id = c.id AND last.state = 'cancelled'
            """
        )
