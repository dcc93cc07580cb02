"""Demo history: months of closed cancellation calls, claims, win-backs and surveys, so the
dashboards have something true-looking to show, and `make bench` has a million requests to
aggregate. Everything goes in by COPY with ids reserved up front, then the reporting facts are
refreshed the same way beat refreshes them.

The shape is deliberate: financial reasons lead; one reason (a competitor's promotion) jumps
in the last week, so the spike alert has something to say; one costly offer saves customers
who leave again soon, so the over-discounting alert does too. `random.Random(seed)` makes
every run the same.
"""

import json
import random
import secrets
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from time import perf_counter

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import BigIntegerField, Value
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from cancellations.models import CancellationRequest
from catalog.choices import OfferKind, ReasonCategory
from catalog.models import Offer, Reason
from claims.models import Claim
from customers.models import Contract
from demo.book import copy_rows
from reporting.services.facts import facts_refresh
from winback.models import WinBackCase
from winback.services.winback import win_back_consider

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
ROOT_CAUSES = [
    ("product_defect", 26),
    ("installation", 14),
    ("technician_conduct", 12),
    ("billing", 18),
    ("delivery", 10),
    ("care_visit", 12),
    ("call_centre", 5),
    ("other", 3),
]
COMMENTS = {
    "save": ["상담원이 친절하게 대안을 찾아 주었습니다.", "The discount made staying easy.", ""],
    "cancellation": ["해지 절차가 생각보다 간단했어요.", "Clear about the penalty, thank you.", ""],
    "claim": ["처리가 늦었지만 결과는 만족합니다.", "The technician came back the next day.", ""],
    "win_back": ["다시 연락 주셔서 감사합니다.", "Glad you called me back.", ""],
}

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
AUDIT_COLUMNS = [
    "subject_type_id",
    "subject_id",
    "action",
    "source",
    "target",
    "user_id",
    "note",
    "data",
    "at",
]
CLAIM_COLUMNS = [
    "id",
    "state",
    "subject",
    "customer_account",
    "root_cause",
    "cause_description",
    "countermeasure_plan",
    "escalation_note",
    "escalated_at",
    "escalated_by_id",
    "supervisor_instruction",
    "instructed_by_id",
    "customer_response",
    "response_note",
    "execution_note",
    "executed_at",
    "recovery_outcome",
    "thanked",
    "promised_deadline",
    "flag_reason",
    "last_activity_at",
    "interim_contacts",
    "notes",
    "received_at",
    "closed_at",
    "updated_at",
    "agent_id",
    "contract_id",
    "customer_id",
]
COMPENSATION_COLUMNS = [
    "claim_id",
    "form",
    "amount",
    "description",
    "status",
    "proposed_at",
    "decided_at",
    "decision_note",
    "decided_by_id",
    "proposed_by_id",
]
SURVEY_COLUMNS = [
    "touchpoint",
    "token_hash",
    "idempotency_key",
    "emailed_at",
    "expires_at",
    "answered_at",
    "csat",
    "comment",
    "would_return",
    "created_at",
    "cancellation_request_id",
    "claim_id",
    "customer_id",
    "win_back_id",
    "agent_id",
]


@dataclass
class HistoryResult:
    requests: int = 0
    claims: int = 0
    surveys: int = 0
    won_back: int = 0
    facts: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)  # per phase, for the benchmark report

    @contextmanager
    def phase(self, name: str):
        started = perf_counter()
        yield
        self.seconds[name] = perf_counter() - started


def _reserve(model, count: int) -> int:
    """Reserve `count` ids from the model's sequence; returns the first."""
    with connection.cursor() as cursor:
        table = model._meta.db_table
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
        first = cursor.fetchone()[0]
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, first + count]
        )
    return first


def _moment(rng: random.Random, day: date) -> datetime:
    at = time(9 + rng.randrange(9), rng.randrange(60), rng.randrange(60))
    return timezone.make_aware(datetime.combine(day, at))


def _weighted(rng: random.Random, pairs):
    items, weights = zip(*pairs, strict=True)
    return rng.choices(items, weights)[0]


class _Audit:
    """Audit rows for one subject, each transition `seconds` after the one before."""

    def __init__(self, rows: list, type_id: int, subject_id: int, at: datetime):
        self.rows, self.type_id, self.subject_id, self.at = rows, type_id, subject_id, at

    def step(self, action: str, source: str, target: str, user_id: int, seconds: int):
        self.at += timedelta(seconds=seconds)
        self.rows.append(
            (self.type_id, self.subject_id, action, source, target, user_id, "", "{}", self.at)
        )
        return self.at


def history_seed(
    *, requests: int, claims: int, today: date, days: int = 180, seed: int = 11
) -> HistoryResult:
    """Add `requests` closed cancellation requests and `claims` closed claims spread over
    the last `days` days, their offers, audit trail and surveys; then win-back outcomes.
    Does nothing when closed requests already exist (so `make run` may call it each time)."""
    result = HistoryResult()
    if CancellationRequest.objects.filter(state__in=["retained", "cancelled"]).exists():
        return result
    rng = random.Random(seed)
    agents = list(
        User.objects.filter(groups__name=str(Role.AGENT), is_active=True).values_list(
            "pk", flat=True
        )
    )
    supervisors = list(
        User.objects.filter(groups__name=str(Role.SUPERVISOR), is_active=True).values_list(
            "pk", flat=True
        )
    )
    contracts = list(
        Contract.objects.filter(status="active").values_list(
            "pk", "customer_id", "monthly_fee", "term_months"
        )
    )
    if not agents or not supervisors or not contracts:
        return result
    reasons = list(Reason.objects.filter(is_active=True).values_list("pk", "code", "category"))
    offers = list(Offer.objects.filter(is_active=True))
    request_type = ContentType.objects.get_for_model(CancellationRequest).pk
    claim_type = ContentType.objects.get_for_model(Claim).pk
    start = today - timedelta(days=days)

    with transaction.atomic():
        with result.phase("claims"):
            claim_ids = _claims(
                rng, claims, contracts, agents, supervisors, start, days, claim_type
            )
        result.claims = len(claim_ids)
        with result.phase("requests"):
            result.requests = _requests(
                rng,
                requests,
                contracts=contracts,
                agents=agents,
                supervisors=supervisors,
                reasons=reasons,
                offers=offers,
                start=start,
                days=days,
                request_type=request_type,
                claim_ids=claim_ids,
            )
        # Check the deferred foreign keys of the bulk load now: millions of queued checks
        # make every later subtransaction (the history triggers open one per row) walk the
        # queue, and the contract update would crawl.
        with result.phase("foreign keys checked"), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        with result.phase("analyze"):
            _analyze()  # fresh statistics, or the planner guesses on millions of new rows
        with result.phase("contracts closed"):
            _contracts_close()
    with result.phase("win-back considered"):
        win_back_consider()
    with result.phase("win-back outcomes"):
        result.won_back = _win_back_outcomes(rng, supervisors)
    with result.phase("surveys"):
        result.surveys = _surveys(rng)
    with result.phase("facts"):
        result.facts = facts_refresh(full=True)
    return result


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


def _analyze() -> None:
    with connection.cursor() as cursor:
        for table in (
            "cancellations_cancellationrequest",
            "cancellations_offerpresentation",
            "core_auditentry",
            "claims_claim",
            "customers_contract",
        ):
            cursor.execute(f"ANALYZE {table}")


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


def _claims(rng, count, contracts, agents, supervisors, start, days, claim_type) -> list[int]:
    if not count:
        return []
    first_id = _reserve(Claim, count)
    claim_rows, compensation_rows, audit_rows = [], [], []
    for n in range(count):
        claim_id = first_id + n
        contract_id, customer_id, fee, _term = contracts[rng.randrange(len(contracts))]
        day = start + timedelta(days=rng.randrange(max(days - 7, 1)))  # closed by today
        agent = rng.choice(agents)
        received = _moment(rng, day)
        audit = _Audit(audit_rows, claim_type, claim_id, received)
        audit.step("apologize", "received", "apologized", agent, rng.randint(20, 90))
        audit.step("listen", "apologized", "listened", agent, rng.randint(120, 720))
        audit.step("identify_cause", "listened", "cause_identified", agent, rng.randint(60, 400))
        audit.step(
            "plan_countermeasure",
            "cause_identified",
            "countermeasure_planned",
            agent,
            rng.randint(60, 500),
        )
        escalated_at = escalated_by = instructed_by = None
        if rng.random() < 0.18:
            escalated_at = audit.step(
                "escalate", "countermeasure_planned", "escalated", agent, rng.randint(30, 120)
            )
            escalated_by, instructed_by = agent, rng.choice(supervisors)
            audit.step(
                "instruct",
                "escalated",
                "countermeasure_planned",
                instructed_by,
                rng.randint(300, 7200),
            )
        audit.step(
            "present_solution",
            "countermeasure_planned",
            "solution_presented",
            agent,
            rng.randint(60, 300),
        )
        deadline = None
        if rng.random() < 0.45:
            deadline = audit.at + timedelta(days=rng.randint(1, 5))
        executed = audit.step(
            "execute", "solution_presented", "executed", agent, rng.randint(3600, 5 * 86400)
        )
        closed = audit.step("close", "executed", "closed", agent, rng.randint(3600, 86400))
        root_cause = _weighted(rng, ROOT_CAUSES)
        claim_rows.append(
            (
                claim_id,
                "closed",
                f"{root_cause} #{claim_id}",
                "-",
                root_cause,
                "-",
                "-",
                "-" if escalated_at else "",
                escalated_at,
                escalated_by,
                "-" if instructed_by else "",
                instructed_by,
                "agreed",
                "",
                "-",
                executed,
                "recovered",
                True,
                deadline,
                "",
                closed,
                0,
                "",
                received,
                closed,
                closed,
                agent,
                contract_id,
                customer_id,
            )
        )
        if rng.random() < 0.3:
            amount = rng.choice([10_000, 20_000, 30_000, fee])
            compensation_rows.append(
                (claim_id, "voucher", amount, "", "approved", executed, executed, "", None, agent)
            )
    copy_rows(Claim._meta.db_table, CLAIM_COLUMNS, claim_rows)
    copy_rows("claims_compensation", COMPENSATION_COLUMNS, compensation_rows)
    copy_rows("core_auditentry", AUDIT_COLUMNS, audit_rows)
    return list(range(first_id, first_id + count))


def _win_back_outcomes(rng, supervisors) -> int:
    """Outcomes for win-back cases that departed over two weeks ago: three in four reached,
    about a third of those won back with a new contract (a few of which leave again)."""
    cutoff = timezone.localdate() - timedelta(days=14)
    cases = list(
        WinBackCase.objects.filter(outcome="pending", departed_on__lte=cutoff).values_list(
            "pk", "contract_id", "departed_on"
        )
    )
    ids, outcomes, returns, callers, left_again = [], [], [], [], []
    for pk, _contract_id, departed in cases:
        roll = rng.random()
        ids.append(pk)
        outcomes.append(
            "unreachable" if roll < 0.25 else ("won_back" if roll < 0.5 else "declined")
        )
        returns.append(min(departed + timedelta(days=rng.randint(14, 40)), timezone.localdate()))
        callers.append(rng.choice(supervisors))
        left_again.append(rng.random() < 0.15)
    decided = {
        "ids": ids,
        "outcomes": outcomes,
        "returns": returns,
        "callers": callers,
        "left": left_again,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        # Set-based: the decisions go in as arrays, whatever their number.
        cursor.execute(
            """
            WITH d AS (
                SELECT * FROM unnest(%(ids)s::bigint[], %(outcomes)s::text[],
                    %(returns)s::date[], %(callers)s::bigint[], %(left)s::bool[])
                    AS d(id, outcome, returned, caller, left_again)
            )
            UPDATE winback_winbackcase w SET outcome = d.outcome, handled_by_id = d.caller,
                closed_at = d.returned + time '11:00'
            FROM d WHERE w.id = d.id
            """,
            decided,
        )
        cursor.execute(
            """
            WITH d AS (
                SELECT * FROM unnest(%(ids)s::bigint[], %(returns)s::date[], %(left)s::bool[])
                    AS d(id, returned, left_again)
            ), fresh AS (
                INSERT INTO customers_contract (number, customer_id, product_id, start_date,
                    term_months, monthly_fee, prepaid_amount, status, cancelled_on, updated_at,
                    discount_percent, free_months_remaining)
                SELECT 'W' || c.number, c.customer_id, c.product_id, d.returned, c.term_months,
                    c.monthly_fee, 0,
                    CASE WHEN d.left_again THEN 'cancelled' ELSE 'active' END,
                    CASE WHEN d.left_again THEN LEAST(d.returned + 120, CURRENT_DATE) END,
                    now(), 0, 0
                FROM d JOIN winback_winbackcase w ON w.id = d.id
                JOIN customers_contract c ON c.id = w.contract_id
                WHERE w.outcome = 'won_back'
                RETURNING id, number
            )
            UPDATE winback_winbackcase w SET new_contract_id = fresh.id
            FROM fresh JOIN customers_contract old ON fresh.number = 'W' || old.number
            WHERE w.contract_id = old.id
            """,
            decided,
        )
        cursor.execute(
            """
            UPDATE calls_calltask t SET status = 'done', outcome = w.outcome,
                updated_at = now()
            FROM winback_winbackcase w
            WHERE t.win_back_id = w.id AND w.outcome <> 'pending' AND t.status <> 'done'
            """
        )
    return outcomes.count("won_back")


def _surveys(rng) -> int:
    """About one closed request or claim in five answered a survey."""
    rows = []
    now = timezone.now()
    sources = [
        ("cancellation_request", "save", CancellationRequest.objects.filter(state="retained")),
        (
            "cancellation_request",
            "cancellation",
            CancellationRequest.objects.filter(state="cancelled"),
        ),
        ("claim", "claim", Claim.objects.filter(state="closed")),
        (
            "win_back",
            "win_back",
            WinBackCase.objects.filter(outcome="won_back").annotate(
                agent_id=Value(None, output_field=BigIntegerField())
            ),
        ),
    ]
    mean = {"save": 4.2, "cancellation": 3.2, "claim": 3.7, "win_back": 4.4}
    for link, touchpoint, queryset in sources:
        for pk, customer_id, at, agent_id in queryset.values_list(
            "pk", "customer_id", "closed_at", "agent_id"
        ).iterator():
            if at is None or rng.random() > 0.2:
                continue
            score = max(1, min(5, round(rng.gauss(mean[touchpoint], 0.9))))
            answered = at + timedelta(days=rng.randint(1, 6))
            if answered > now:
                continue
            token = secrets.token_hex(8)
            rows.append(
                (
                    touchpoint,
                    token,
                    f"history:{touchpoint}:{pk}",
                    at,
                    at + timedelta(days=14),
                    answered,
                    score,
                    rng.choice(COMMENTS[touchpoint]),
                    score >= 4,
                    at,
                    pk if link == "cancellation_request" else None,
                    pk if link == "claim" else None,
                    customer_id,
                    pk if link == "win_back" else None,
                    agent_id,
                )
            )
    copy_rows("calls_survey", SURVEY_COLUMNS, rows)
    return len(rows)


def history_default_sizes(customers: int) -> tuple[int, int]:
    """Requests and claims for a demo book of `customers` customers."""
    return customers * 6 // 5, customers // 2
