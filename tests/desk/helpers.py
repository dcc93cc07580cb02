"""Shared by the supervisor queue and floor tests: a fixed moment, contracts of a value
tier, a moment some seconds before."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.factories import ContractFactory, CustomerFactory

NOW = datetime(2031, 5, 6, 11, 0, tzinfo=ZoneInfo("Asia/Seoul"))


def contract_of_tier(product, tier="standard"):
    return ContractFactory(
        product=product,
        customer=CustomerFactory(value_tier=tier),
        start_date=(NOW - timedelta(days=600)).date(),
        term_months=60,
        monthly_fee=30000,
    )


def seconds_ago(seconds):
    return NOW - timedelta(seconds=seconds)
