"""The cancellation quote: properties that hold for every contract, and hand-computed examples.

The quote is a pure function, so none of these tests touch the database.
"""

import json
from datetime import date, timedelta

from hypothesis import example, given
from hypothesis import strategies as st

from core.dates import add_months
from customers.quote import Quote, QuoteTerms, cancellation_quote
from tests.factories import ContractFactory, ProductFactory

EIGHT_YEARS = 96  # months


@st.composite
def quote_terms(draw) -> QuoteTerms:
    start = draw(st.dates(min_value=date(2015, 1, 1), max_value=date(2032, 12, 31)))
    term = draw(st.integers(min_value=1, max_value=72))
    return QuoteTerms(
        start_date=start,
        term_months=term,
        monthly_fee=draw(st.integers(min_value=0, max_value=200_000)),
        prepaid_amount=draw(st.integers(min_value=0, max_value=500_000)),
        minimum_term_months=draw(st.integers(min_value=0, max_value=term)),
        penalty_rate_percent=draw(st.integers(min_value=0, max_value=100)),
        installation_fee=draw(st.integers(min_value=0, max_value=300_000)),
        registration_fee=draw(st.integers(min_value=0, max_value=300_000)),
    )


@st.composite
def terms_and_date(draw) -> tuple[QuoteTerms, date]:
    terms = draw(quote_terms())
    effective = draw(
        st.dates(min_value=terms.start_date, max_value=add_months(terms.start_date, EIGHT_YEARS))
    )
    return terms, effective


@st.composite
def terms_and_two_dates(draw) -> tuple[QuoteTerms, date, date]:
    """Terms and two effective dates, the second on or after the first."""
    terms, earlier = draw(terms_and_date())
    later = draw(st.dates(min_value=earlier, max_value=add_months(terms.start_date, EIGHT_YEARS)))
    return terms, earlier, later


def _quote(terms: QuoteTerms, effective: date) -> Quote:
    return cancellation_quote(terms=terms, effective_date=effective)


def _terms(**overrides) -> QuoteTerms:
    """The spec's reference contract: KRW 30,000 a month, 60 months, 36-month minimum, 30%."""
    values = {
        "start_date": date(2024, 1, 15),
        "term_months": 60,
        "monthly_fee": 30_000,
        "prepaid_amount": 0,
        "minimum_term_months": 36,
        "penalty_rate_percent": 30,
        "installation_fee": 100_000,
        "registration_fee": 50_000,
    }
    values.update(overrides)
    return QuoteTerms(**values)


# ---- properties --------------------------------------------------------------------------


@given(terms_and_date())
def test_penalty_is_never_negative(case):
    quote = _quote(*case)
    assert quote.line("penalty") >= 0


@given(terms_and_date())
def test_cost_recovery_is_never_negative(case):
    quote = _quote(*case)
    assert quote.line("cost_recovery") >= 0


@given(terms_and_date())
def test_cost_recovery_never_exceeds_the_waived_fees(case):
    terms, effective = case
    quote = _quote(terms, effective)
    assert quote.line("cost_recovery") <= terms.installation_fee + terms.registration_fee


@given(terms_and_date())
def test_remaining_months_are_never_negative_nor_beyond_the_term(case):
    terms, effective = case
    quote = _quote(terms, effective)
    assert 0 <= quote.remaining_months <= terms.term_months
    assert 0 <= quote.remaining_minimum_months <= terms.minimum_term_months
    assert quote.months_used >= 0


@given(terms_and_two_dates())
def test_a_later_effective_date_never_costs_more(case):
    """Fewer months left (a later date) means no more penalty and no more cost recovery."""
    terms, earlier, later = case
    first, second = _quote(terms, earlier), _quote(terms, later)
    assert second.months_used >= first.months_used
    assert second.remaining_months <= first.remaining_months
    assert second.remaining_minimum_months <= first.remaining_minimum_months
    assert second.line("penalty") <= first.line("penalty")
    assert second.line("cost_recovery") <= first.line("cost_recovery")
    assert second.total <= first.total


@given(terms_and_date())
def test_penalty_and_recovery_grow_with_the_unserved_minimum_term(case):
    """Penalty and cost recovery are monotone in the months of the minimum term left."""
    terms, effective = case
    quote = _quote(terms, effective)
    day_before = _quote(terms, max(effective - timedelta(days=1), terms.start_date))
    assert day_before.remaining_minimum_months >= quote.remaining_minimum_months
    assert day_before.line("penalty") >= quote.line("penalty")
    assert day_before.line("cost_recovery") >= quote.line("cost_recovery")


@given(terms=quote_terms(), days_after=st.integers(min_value=0, max_value=3000))
@example(
    # The minimum term of a contract started on 31 January ends on the last day of February
    # (add_months clamps to the month's end): nothing is owed from that day on.
    terms=_terms(start_date=date(2024, 1, 31), term_months=12, minimum_term_months=1),
    days_after=0,
)
def test_nothing_is_owed_once_the_minimum_term_is_served(terms, days_after):
    served_on = add_months(terms.start_date, terms.minimum_term_months)
    quote = _quote(terms, served_on + timedelta(days=days_after))
    assert quote.remaining_minimum_months == 0
    assert quote.line("penalty") == 0
    assert quote.line("cost_recovery") == 0
    assert quote.total == -terms.prepaid_amount


@given(terms_and_date())
def test_the_lines_add_up_to_the_total(case):
    quote = _quote(*case)
    assert [line.code for line in quote.lines] == ["penalty", "cost_recovery", "prepaid_refund"]
    assert sum(line.amount for line in quote.lines) == quote.total


@given(terms_and_date())
def test_total_is_penalty_plus_recovery_minus_prepaid(case):
    terms, effective = case
    quote = _quote(terms, effective)
    assert quote.line("prepaid_refund") == -terms.prepaid_amount
    assert quote.total == (
        quote.line("penalty") + quote.line("cost_recovery") - terms.prepaid_amount
    )


@given(terms_and_date())
def test_every_amount_is_whole_won(case):
    quote = _quote(*case)
    assert all(type(line.amount) is int for line in quote.lines)
    assert type(quote.total) is int


@given(terms_and_date())
def test_as_dict_is_json_and_keeps_every_number(case):
    terms, effective = case
    quote = _quote(terms, effective)
    data = json.loads(json.dumps(quote.as_dict()))
    assert data["effective_date"] == effective.isoformat()
    assert data["total"] == quote.total
    assert [(line["code"], line["amount"]) for line in data["lines"]] == [
        (line.code, line.amount) for line in quote.lines
    ]


# ---- examples computed by hand -------------------------------------------------------------


def test_twenty_months_into_a_36_month_minimum_pays_30_percent_of_16_months():
    terms = _terms(prepaid_amount=60_000)
    quote = _quote(terms, date(2025, 9, 15))  # 20 months after 2024-01-15
    assert quote.months_used == 20
    assert quote.remaining_months == 40
    assert quote.remaining_minimum_months == 16
    assert quote.line("penalty") == 144_000  # 30,000 x 16 x 30%
    assert quote.line("cost_recovery") == 66_666  # (100,000 + 50,000) x 16/36 = 66,666.67
    assert quote.line("prepaid_refund") == -60_000
    assert quote.total == 144_000 + 66_666 - 60_000
    assert quote.pickup_required is True


def test_a_month_counts_only_once_its_day_is_reached():
    terms = _terms()
    assert _quote(terms, date(2025, 9, 14)).months_used == 19
    assert _quote(terms, date(2025, 9, 15)).months_used == 20


def test_cancelling_on_the_first_day_owes_the_whole_minimum_term():
    terms = _terms()
    quote = _quote(terms, terms.start_date)
    assert quote.months_used == 0
    assert quote.remaining_minimum_months == 36
    assert quote.line("penalty") == 30_000 * 36 * 30 // 100
    assert quote.line("cost_recovery") == 150_000


def test_amounts_are_floored_so_rounding_never_charges_extra():
    terms = _terms(
        monthly_fee=33_333,
        penalty_rate_percent=33,
        installation_fee=100_001,
        registration_fee=0,
        minimum_term_months=3,
        term_months=3,
    )
    quote = _quote(terms, add_months(terms.start_date, 2))  # one month of the minimum left
    assert quote.line("penalty") == 10_999  # 33,333 x 33% = 10,999.89
    assert quote.line("cost_recovery") == 33_333  # 100,001 / 3 = 33,333.67


def test_after_the_minimum_term_only_the_prepaid_refund_is_left():
    terms = _terms(prepaid_amount=90_000)
    quote = _quote(terms, date(2027, 3, 1))  # 37 months used
    assert quote.remaining_minimum_months == 0
    assert quote.remaining_months == 23
    assert (quote.line("penalty"), quote.line("cost_recovery")) == (0, 0)
    assert quote.total == -90_000


def test_after_the_term_ends_nothing_remains():
    quote = _quote(_terms(), date(2030, 1, 15))
    assert (quote.remaining_months, quote.remaining_minimum_months) == (0, 0)
    assert quote.total == 0


def test_minimum_term_served_on_the_month_end_anniversary_owes_nothing():
    """A contract started on 31 January reaches one month on the last day of February, as
    `add_months` (which sets discount and pause ends) counts it."""
    terms = _terms(start_date=date(2024, 1, 31), term_months=12, minimum_term_months=1)
    served_on = add_months(terms.start_date, 1)
    assert served_on == date(2024, 2, 29)
    quote = _quote(terms, served_on)
    assert quote.months_used == 1
    assert quote.line("penalty") == 0
    assert quote.line("cost_recovery") == 0


def test_the_basis_shows_the_agent_how_each_line_was_computed():
    quote = _quote(_terms(prepaid_amount=60_000), date(2025, 9, 15))
    bases = {line.code: line.basis for line in quote.lines}
    assert bases == {
        "penalty": "30000 x 16 x 30%",
        "cost_recovery": "(100000 + 50000) x 16/36",
        "prepaid_refund": "60000",
    }


def test_as_dict_round_trips_the_numbers_and_the_iso_date():
    quote = _quote(_terms(prepaid_amount=60_000), date(2025, 9, 15))
    data = json.loads(json.dumps(quote.as_dict()))
    assert data == {
        "effective_date": "2025-09-15",
        "months_used": 20,
        "remaining_months": 40,
        "remaining_minimum_months": 16,
        "lines": [
            {"code": "penalty", "amount": 144_000, "basis": "30000 x 16 x 30%"},
            {"code": "cost_recovery", "amount": 66_666, "basis": "(100000 + 50000) x 16/36"},
            {"code": "prepaid_refund", "amount": -60_000, "basis": "60000"},
        ],
        "total": 150_666,
        "pickup_required": True,
    }
    assert date.fromisoformat(data["effective_date"]) == quote.effective_date


def test_terms_for_a_contract_read_the_contract_and_its_product():
    product = ProductFactory.build(
        minimum_term_months=24,
        penalty_rate_percent=25,
        installation_fee=120_000,
        registration_fee=40_000,
        monthly_fee=39_900,
    )
    contract = ContractFactory.build(
        product=product,
        start_date=date(2023, 5, 10),
        term_months=48,
        monthly_fee=35_900,  # adjusted below the product's list price
        prepaid_amount=71_800,
    )
    assert QuoteTerms.for_contract(contract) == QuoteTerms(
        start_date=date(2023, 5, 10),
        term_months=48,
        monthly_fee=35_900,
        prepaid_amount=71_800,
        minimum_term_months=24,
        penalty_rate_percent=25,
        installation_fee=120_000,
        registration_fee=40_000,
    )
