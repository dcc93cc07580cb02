"""The cancellation quote: what leaving costs, item by item, in whole KRW.

A pure function of the contract's terms, the product's early-termination policy and the
effective date: no database, no clock. The quote given to a customer is stored on the
request as `Quote.as_dict()`, so a later policy change never alters it.

Sign convention: a positive amount is owed by the customer, a negative one is refunded.
"""

from dataclasses import asdict, dataclass
from datetime import date

from core.dates import months_between


@dataclass(frozen=True)
class QuoteTerms:
    start_date: date
    term_months: int
    monthly_fee: int
    prepaid_amount: int
    minimum_term_months: int
    penalty_rate_percent: int
    installation_fee: int
    registration_fee: int

    @classmethod
    def for_contract(cls, contract) -> "QuoteTerms":
        product = contract.product
        return cls(
            start_date=contract.start_date,
            term_months=contract.term_months,
            monthly_fee=contract.monthly_fee,
            prepaid_amount=contract.prepaid_amount,
            minimum_term_months=product.minimum_term_months,
            penalty_rate_percent=product.penalty_rate_percent,
            installation_fee=product.installation_fee,
            registration_fee=product.registration_fee,
        )


@dataclass(frozen=True)
class QuoteLine:
    code: str  # penalty | cost_recovery | prepaid_refund
    amount: int
    basis: str  # how it was computed, for the agent to read out


@dataclass(frozen=True)
class Quote:
    effective_date: date
    months_used: int
    remaining_months: int
    remaining_minimum_months: int
    lines: tuple[QuoteLine, ...]
    total: int
    pickup_required: bool

    def line(self, code: str) -> int:
        return next(line.amount for line in self.lines if line.code == code)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["effective_date"] = self.effective_date.isoformat()
        data["lines"] = [asdict(line) for line in self.lines]
        return data


def cancellation_quote(*, terms: QuoteTerms, effective_date: date) -> Quote:
    """Itemised quote for cancelling on `effective_date`.

    - Penalty: the penalty rate on the fees still due inside the minimum term (none after it).
    - Cost recovery: installation and registration fees, pro rata to the unserved part of the
      minimum term (the company waived them on the promise of the full minimum term).
    - Prepaid fees are refunded.
    Amounts are floored to whole won, so rounding never charges the customer extra.
    """
    used = months_between(terms.start_date, effective_date)
    remaining = max(terms.term_months - used, 0)
    remaining_minimum = max(min(terms.minimum_term_months, terms.term_months) - used, 0)
    penalty = terms.monthly_fee * remaining_minimum * terms.penalty_rate_percent // 100
    recovery = 0
    if terms.minimum_term_months:
        recovery = (
            (terms.installation_fee + terms.registration_fee)
            * remaining_minimum
            // terms.minimum_term_months
        )
    lines = (
        QuoteLine(
            "penalty",
            penalty,
            f"{terms.monthly_fee} x {remaining_minimum} x {terms.penalty_rate_percent}%",
        ),
        QuoteLine(
            "cost_recovery",
            recovery,
            f"({terms.installation_fee} + {terms.registration_fee}) x "
            f"{remaining_minimum}/{terms.minimum_term_months}",
        ),
        QuoteLine("prepaid_refund", -terms.prepaid_amount, f"{terms.prepaid_amount}"),
    )
    return Quote(
        effective_date=effective_date,
        months_used=used,
        remaining_months=remaining,
        remaining_minimum_months=remaining_minimum,
        lines=lines,
        total=sum(line.amount for line in lines),
        pickup_required=True,
    )
