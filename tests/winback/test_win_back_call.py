"""Win-back (재유치) and intensive care (집중 치료): departed customers considered once and
segmented by value, the call's outcomes, and the care calls after a customer comes back
(SPEC §6)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from calls.choices import CallOutcome, CallQueue, CallTaskKind, CallTaskStatus, SurveyTouchpoint
from calls.models import CallTask, Survey
from calls.services.dispatch import call_task_prepare, call_tasks_dispatch_due
from calls.services.taking import call_task_claim, call_task_log_outcome
from cancellations.services.closing import cancellation_confirm, cancellation_insist
from core.dates import add_months
from core.errors import NotPermitted, ServiceError
from core.models import AuditEntry
from customers.choices import ContractStatus
from customers.models import Contract
from tests.calls.helpers import departed, plan_call
from tests.factories import ContractFactory, ProductFactory
from winback.choices import WinBackOutcome, WinBackTier
from winback.models import WinBackCase
from winback.services.winback import (
    win_back_consider,
    win_back_declined,
    win_back_mark_unreachable,
    win_back_outcome_log,
    win_back_won,
)
from winback.tasks import win_back_daily_task

pytestmark = pytest.mark.django_db
K = CallTaskKind
S = CallTaskStatus
W = WinBackOutcome
CARE = [K.CARE_CHECK_IN, K.CARE_REVIEW]


@pytest.fixture(autouse=True)
def thresholds(settings):
    settings.WIN_BACK_MIN_DAYS = 30
    settings.WIN_BACK_TOP_VALUE = 3_000_000
    settings.WIN_BACK_MIDDLE_VALUE = 1_000_000
    settings.WIN_BACK_CARE_MONTHS = [1, 3, 5]
    settings.WIN_BACK_REVIEW_MONTHS = 6


def _case(contract) -> WinBackCase:
    return WinBackCase.objects.get(contract=contract)


def _call(contract) -> CallTask:
    return CallTask.objects.get(kind=K.WIN_BACK, contract=contract)


# ---- considering departed customers ----------------------------------------------------------


def test_departed_customers_are_valued_tiered_and_the_top_two_tiers_called(clock):
    now = timezone.now()
    left = {
        # value = monthly fee x whole months from start to cancellation + lifetime revenue
        "top": (departed(monthly_fee=50_000, months=40, lifetime_revenue=1_500_000), 3_500_000),
        "top_edge": (departed(monthly_fee=100_000, months=30), 3_000_000),
        "middle_edge": (
            departed(monthly_fee=30_000, months=20, lifetime_revenue=400_000),
            1_000_000,
        ),
        "middle_part_month": (  # 11 months and 20 days count as 11
            departed(monthly_fee=40_000, months=11, extra_days=20, lifetime_revenue=1_600_000),
            2_040_000,
        ),
        "rest_edge": (
            departed(monthly_fee=30_000, months=33, lifetime_revenue=9_999),
            999_999,
        ),
        "do_not_call": (
            departed(monthly_fee=100_000, months=50, lifetime_revenue=5_000_000, do_not_call=True),
            10_000_000,
        ),
        "left_exactly_30_days_ago": (departed(monthly_fee=10_000, months=10, days_ago=30), 100_000),
    }
    recent = departed(monthly_fee=100_000, months=40, days_ago=29)
    still_active = ContractFactory(monthly_fee=100_000)

    summary = win_back_consider()

    assert summary == {"considered": 7, "calls": 4, "top": 2, "middle": 2, "rest": 3}
    expected = {
        "top": (WinBackTier.TOP, W.PENDING, CallQueue.SUPERVISORS),
        "top_edge": (WinBackTier.TOP, W.PENDING, CallQueue.SUPERVISORS),
        "middle_edge": (WinBackTier.MIDDLE, W.PENDING, CallQueue.SPECIALISTS),
        "middle_part_month": (WinBackTier.MIDDLE, W.PENDING, CallQueue.SPECIALISTS),
        "rest_edge": (WinBackTier.REST, W.NOT_CALLED, None),
        "do_not_call": (WinBackTier.REST, W.NOT_CALLED, None),
        "left_exactly_30_days_ago": (WinBackTier.REST, W.NOT_CALLED, None),
    }
    for name, (contract, value) in left.items():
        tier, outcome, queue = expected[name]
        case = _case(contract)
        assert (case.value, case.tier, case.outcome) == (value, tier, outcome), name
        assert (case.customer_id, case.departed_on) == (contract.customer_id, contract.cancelled_on)
        calls = CallTask.objects.filter(contract=contract)
        if queue is None:
            assert not calls.exists(), name
            continue
        call = calls.get()
        assert (call.kind, call.queue, call.status, call.win_back) == (
            K.WIN_BACK,
            queue,
            S.SCHEDULED,
            case,
        ), name
        assert (call.due_at, call.priority, call.assignee) == (now, value, None), name
    assert not WinBackCase.objects.filter(contract__in=[recent, still_active]).exists()


def test_considering_again_considers_nobody_twice_and_plans_no_second_call(clock):
    early = departed(monthly_fee=100_000, months=40)
    recent = departed(monthly_fee=50_000, months=30, days_ago=29)  # middle tier, tomorrow
    assert win_back_consider()["considered"] == 1

    clock.shift(timedelta(hours=1))
    assert win_back_consider() == {"considered": 0, "calls": 0}
    clock.shift(timedelta(days=1))
    assert win_back_consider() == {"considered": 1, "calls": 1, "middle": 1}
    clock.shift(timedelta(days=1))
    assert win_back_consider() == {"considered": 0, "calls": 0}

    assert WinBackCase.objects.count() == 2
    assert CallTask.objects.filter(kind=K.WIN_BACK, contract=early).count() == 1
    assert CallTask.objects.filter(kind=K.WIN_BACK, contract=recent).count() == 1


def test_a_case_closed_before_the_next_run_is_not_called_again(clock, supervisor):
    contract = departed(monthly_fee=100_000, months=40)
    win_back_consider()
    call = _call(contract)
    call_task_claim(call_task_id=call.pk, user=supervisor)
    win_back_declined(call_task_id=call.pk, user=supervisor)
    clock.shift(timedelta(days=1))

    assert win_back_consider()["considered"] == 0
    assert CallTask.objects.filter(kind=K.WIN_BACK).count() == 1
    assert _case(contract).outcome == W.DECLINED


def test_the_daily_task_considers_the_departed(clock):
    departed(monthly_fee=100_000, months=40)
    departed(monthly_fee=1_000, months=2)
    assert win_back_daily_task() == {"considered": 2, "calls": 1, "top": 1, "rest": 1}
    clock.shift(timedelta(days=1))  # beat runs it daily
    assert win_back_daily_task() == {"considered": 0, "calls": 0}


@pytest.mark.parametrize("departures", [3, 60])
def test_considering_costs_the_same_few_queries_however_many_departed(
    clock, django_assert_max_num_queries, departures
):
    for n in range(departures):
        departed(monthly_fee=30_000 + 1_000 * n, months=40)
    with django_assert_max_num_queries(5):
        summary = win_back_consider()
    assert summary["considered"] == departures


# ---- the win-back call -----------------------------------------------------------------------


@pytest.fixture
def left_after_cancelling(clock, walk, agent, contract, reason):
    """The retention fixtures' customer, who cancelled for the fee 31 days ago (through the
    real services) and is worth calling: lifetime revenue puts them in the top tier."""
    customer = contract.customer
    customer.lifetime_revenue = 3_000_000
    customer.save(update_fields=["lifetime_revenue"])
    request = walk("financial_burden")
    cancellation_insist(request_id=request.pk, user=agent)
    cancellation_confirm(request_id=request.pk, user=agent, pickup_date=timezone.localdate())
    clock.shift(timedelta(days=31))
    win_back_consider()
    case = _case(contract)
    assert case.original_reason == reason("fee_burden")
    return case


@pytest.fixture
def taken(left_after_cancelling, supervisor):
    """The win-back call, taken by a supervisor (top tier)."""
    call = _call(left_after_cancelling.contract)
    call_tasks_dispatch_due()
    return call_task_claim(call_task_id=call.pk, user=supervisor)


@pytest.fixture
def new_product(db):
    return ProductFactory(monthly_fee=25_000, default_term_months=36, minimum_term_months=12)


def test_won_back_makes_a_new_contract_and_plans_intensive_care_and_a_survey(
    taken, supervisor, new_product, visit_offer, reason, settings, clock
):
    now = timezone.now()
    start = timezone.localdate()

    contract = win_back_won(
        call_task_id=taken.pk,
        user=supervisor,
        product_id=new_product.pk,
        offer_id=visit_offer.pk,
        diagnosed_reason_id=reason("product_quality").pk,
        diagnosis="  The filter smelled; the fee was the polite reason.  ",
    )

    case = WinBackCase.objects.get(pk=taken.win_back_id)
    assert (contract.customer_id, contract.product, contract.status) == (
        case.customer_id,
        new_product,
        ContractStatus.ACTIVE,
    )
    assert (contract.start_date, contract.term_months, contract.monthly_fee) == (
        start,
        36,
        25_000,
    )
    assert (case.outcome, case.new_contract, case.offer) == (W.WON_BACK, contract, visit_offer)
    assert case.diagnosed_reason == reason("product_quality")
    assert case.original_reason == reason("fee_burden")  # kept beside the diagnosis
    assert case.diagnosis_note == "The filter smelled; the fee was the polite reason."
    assert (case.handled_by, case.closed_at) == (supervisor, now)
    call = CallTask.objects.get(pk=taken.pk)
    assert (call.status, call.outcome, call.attempts) == (S.DONE, CallOutcome.WON_BACK, 1)
    assert AuditEntry.objects.filter(action="win_back", subject_id=case.pk).count() == 1

    care = CallTask.objects.filter(win_back=case, kind__in=CARE).order_by("due_at")
    assert [
        (c.kind, timezone.localtime(c.due_at).date(), c.queue, c.contract, c.status) for c in care
    ] == [
        (K.CARE_CHECK_IN, add_months(start, 1), CallQueue.SPECIALISTS, contract, S.SCHEDULED),
        (K.CARE_CHECK_IN, add_months(start, 3), CallQueue.SPECIALISTS, contract, S.SCHEDULED),
        (K.CARE_CHECK_IN, add_months(start, 5), CallQueue.SPECIALISTS, contract, S.SCHEDULED),
        (K.CARE_REVIEW, add_months(start, 6), CallQueue.SUPERVISORS, contract, S.SCHEDULED),
    ]
    assert all(timezone.localtime(c.due_at).time() == timezone.localtime(now).time() for c in care)
    survey_call = CallTask.objects.get(win_back=case, kind=K.SURVEY)
    assert survey_call.due_at == now + timedelta(days=settings.RETENTION_SURVEY_CALL_DELAY_DAYS)
    assert survey_call.status == S.SCHEDULED

    clock.move_to(survey_call.due_at)
    assert call_tasks_dispatch_due() == [survey_call.pk]
    call_task_prepare(call_task_id=survey_call.pk)
    survey = Survey.objects.get(win_back=case)
    assert (survey.touchpoint, survey.customer_id) == (SurveyTouchpoint.WIN_BACK, case.customer_id)


def test_a_won_back_customer_who_cancels_again_gets_no_more_care_calls(
    taken, supervisor, agent, new_product, walk, clock
):
    contract = win_back_won(call_task_id=taken.pk, user=supervisor, product_id=new_product.pk)
    clock.shift(timedelta(days=32))  # the first check-in is due and waiting
    call_tasks_dispatch_due()
    care = CallTask.objects.filter(contract=contract, kind__in=CARE)
    assert sorted(care.values_list("status", flat=True)) == [S.DUE, *[S.SCHEDULED] * 3]

    request = walk("financial_burden", contract_=contract)
    cancellation_insist(request_id=request.pk, user=agent)
    cancellation_confirm(request_id=request.pk, user=agent, pickup_date=timezone.localdate())

    assert Contract.objects.get(pk=contract.pk).status == ContractStatus.CANCELLED
    assert list(care.values_list("status", flat=True)) == [S.CANCELLED] * 4
    later = call_tasks_dispatch_due(now=timezone.now() + timedelta(days=200))
    assert not set(later) & set(care.values_list("pk", flat=True))


def test_cancelling_another_contract_does_not_end_the_care_of_the_won_back_one(
    taken, supervisor, agent, new_product, walk
):
    """Intensive care follows the won-back contract: a customer who keeps it while giving
    up some other rental has not left again."""
    won = win_back_won(call_task_id=taken.pk, user=supervisor, product_id=new_product.pk)
    other = ContractFactory(customer=won.customer, start_date=add_months(won.start_date, -20))

    request = walk("financial_burden", contract_=other)
    cancellation_insist(request_id=request.pk, user=agent)
    cancellation_confirm(request_id=request.pk, user=agent, pickup_date=timezone.localdate())

    assert Contract.objects.get(pk=won.pk).status == ContractStatus.ACTIVE
    care = CallTask.objects.filter(contract=won, kind__in=CARE)
    assert list(care.values_list("status", flat=True)) == [S.SCHEDULED] * 4


def test_declined_records_the_diagnosis_and_plans_nothing(
    taken, supervisor, reason, left_after_cancelling
):
    case = win_back_declined(
        call_task_id=taken.pk,
        user=supervisor,
        diagnosed_reason_id=reason("competitor_cheaper").pk,
        diagnosis="  Signed with a rival for two years.  ",
    )

    case = WinBackCase.objects.get(pk=case.pk)
    assert case.outcome == W.DECLINED
    assert (case.diagnosed_reason, case.original_reason) == (
        reason("competitor_cheaper"),
        reason("fee_burden"),
    )
    assert case.diagnosis_note == "Signed with a rival for two years."
    assert (case.handled_by, case.closed_at, case.new_contract) == (
        supervisor,
        timezone.now(),
        None,
    )
    call = CallTask.objects.get(pk=taken.pk)
    assert (call.status, call.outcome, call.attempts) == (S.DONE, CallOutcome.DECLINED, 1)
    assert not CallTask.objects.filter(win_back=case).exclude(pk=call.pk).exists()
    assert Contract.objects.filter(customer_id=case.customer_id).count() == 1


# ---- refusals --------------------------------------------------------------------------------


def _won(call, user, product):
    return win_back_won(call_task_id=call.pk, user=user, product_id=product.pk)


def _declined(call, user, product):
    return win_back_declined(call_task_id=call.pk, user=user)


both = pytest.mark.parametrize("close", [_won, _declined], ids=["won", "declined"])


@pytest.fixture
def top_call(clock):
    contract = departed(monthly_fee=100_000, months=40)
    win_back_consider()
    call_tasks_dispatch_due()
    return _call(contract)


def _unchanged(call) -> tuple:
    kept = CallTask.objects.get(pk=call.pk)
    case = WinBackCase.objects.get(pk=call.win_back_id)
    return (
        kept.status,
        kept.assignee_id,
        kept.attempts,
        kept.outcome,
        case.outcome,
        case.closed_at,
        Contract.objects.count(),
        CallTask.objects.count(),
    )


@both
def test_a_win_back_call_not_taken_cannot_be_closed(top_call, supervisor, new_product, close):
    before = _unchanged(top_call)
    with pytest.raises(NotPermitted, match="Take the call"):
        close(top_call, supervisor, new_product)
    assert _unchanged(top_call) == before


@both
def test_a_win_back_call_taken_by_someone_else_cannot_be_closed(
    top_call, supervisor, specialist, new_product, close
):
    call_task_claim(call_task_id=top_call.pk, user=supervisor)
    before = _unchanged(top_call)
    with pytest.raises(NotPermitted):
        close(top_call, specialist, new_product)
    assert _unchanged(top_call) == before


@both
def test_a_win_back_case_closed_meanwhile_cannot_be_closed_again(
    top_call, supervisor, new_product, close
):
    call_task_claim(call_task_id=top_call.pk, user=supervisor)
    win_back_mark_unreachable(win_back_id=top_call.win_back_id)  # closed from elsewhere
    before = _unchanged(top_call)
    with pytest.raises(ServiceError, match="already closed") as refused:
        close(top_call, supervisor, new_product)
    assert refused.value.code == "closed"
    assert _unchanged(top_call) == before


@both
def test_a_second_click_closes_the_case_once(top_call, supervisor, new_product, close):
    call_task_claim(call_task_id=top_call.pk, user=supervisor)
    close(top_call, supervisor, new_product)
    after_first = _unchanged(top_call)
    with pytest.raises(ServiceError):
        close(top_call, supervisor, new_product)
    assert _unchanged(top_call) == after_first
    assert CallTask.objects.filter(kind=K.CARE_REVIEW).count() == (1 if close is _won else 0)


@both
def test_closing_an_ordinary_call_as_a_win_back_is_refused(customer, agent, new_product, close):
    call = plan_call(customer)
    call_task_claim(call_task_id=call.pk, user=agent)
    with pytest.raises(ServiceError) as refused:
        close(call, agent, new_product)
    assert refused.value.code == "not_found"
    assert CallTask.objects.get(pk=call.pk).status == S.IN_PROGRESS


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"product_id": 987654321}, "product"),
        ({"offer_id": 987654321}, "offer"),
        ({"diagnosed_reason_id": 987654321}, "unknown_reason"),
    ],
    ids=["unknown-product", "unknown-offer", "unknown-reason"],
)
def test_won_back_with_bad_input_changes_nothing(top_call, supervisor, new_product, change, code):
    call_task_claim(call_task_id=top_call.pk, user=supervisor)
    before = _unchanged(top_call)
    with pytest.raises(ServiceError) as refused:
        win_back_won(
            call_task_id=top_call.pk, user=supervisor, **{"product_id": new_product.pk, **change}
        )
    assert refused.value.code == code
    assert _unchanged(top_call) == before


def test_won_back_on_a_product_no_longer_sold_is_refused(top_call, supervisor, new_product):
    new_product.is_active = False
    new_product.save(update_fields=["is_active"])
    call_task_claim(call_task_id=top_call.pk, user=supervisor)
    with pytest.raises(ServiceError) as refused:
        _won(top_call, supervisor, new_product)
    assert refused.value.code == "product"
    assert WinBackCase.objects.get(pk=top_call.win_back_id).outcome == W.PENDING


def test_the_ordinary_outcome_service_refuses_a_win_back_call(top_call, supervisor):
    call_task_claim(call_task_id=top_call.pk, user=supervisor)
    with pytest.raises(ServiceError, match="win-back form"):
        call_task_log_outcome(
            call_task_id=top_call.pk, user=supervisor, outcome=CallOutcome.NO_ANSWER
        )
    assert CallTask.objects.get(pk=top_call.pk).status == S.IN_PROGRESS


@pytest.mark.parametrize(
    "outcome", [CallOutcome.REACHED, CallOutcome.WRONG_NUMBER, CallOutcome.DO_NOT_CALL]
)
def test_a_win_back_call_is_never_closed_with_its_case_left_pending(top_call, supervisor, outcome):
    """Nothing lost: the call screen offers the ordinary outcomes on a win-back call too.
    Either the outcome is refused (the call stays open for won back / declined) or, if the
    call is closed, its case is closed with it; never a pending case with no call left."""
    call_task_claim(call_task_id=top_call.pk, user=supervisor)
    try:
        win_back_outcome_log(call_task_id=top_call.pk, user=supervisor, outcome=outcome)
    except ServiceError:
        assert CallTask.objects.get(pk=top_call.pk).status == S.IN_PROGRESS
        return
    case = WinBackCase.objects.get(pk=top_call.win_back_id)
    open_calls = CallTask.objects.filter(
        win_back=case, status__in=[S.SCHEDULED, S.DUE, S.IN_PROGRESS]
    )
    assert case.outcome != W.PENDING or open_calls.exists(), (
        f"the case is still pending after the call was closed as {outcome!r}, with no call left"
    )
