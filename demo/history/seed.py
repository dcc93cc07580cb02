"""The history seed: the requests, claims, win-back outcomes and surveys in one run, then
the reporting facts refreshed the way beat refreshes them."""

import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from time import perf_counter

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from accounts.models import User
from accounts.roles import Role
from cancellations.models import CancellationRequest
from cancellations.services.tally import tally_rebuild
from catalog.models import Offer, Reason
from claims.models import Claim
from customers.models import Contract
from demo.history.claims import _claims
from demo.history.requests import _contracts_close, _requests
from demo.history.surveys import _surveys
from demo.history.win_back import _win_back_outcomes
from reporting.services.facts import facts_refresh
from winback.services.winback import win_back_consider


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
        with result.phase("answer tally"):
            tally_rebuild()  # the bulk-loaded answers, counted as the services count theirs
    with result.phase("win-back considered"):
        win_back_consider()
    with result.phase("win-back outcomes"):
        result.won_back = _win_back_outcomes(rng, supervisors)
    with result.phase("surveys"):
        result.surveys = _surveys(rng)
    with result.phase("facts"):
        result.facts = facts_refresh(full=True)
    return result


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


def history_default_sizes(customers: int) -> tuple[int, int]:
    """Requests and claims for a demo book of `customers` customers."""
    return customers * 6 // 5, customers // 2
