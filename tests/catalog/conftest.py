"""Fixtures of the catalog tests: a world to write offers in, a reason in use, a call
in the financial branch, tomorrow."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from catalog.choices import ReasonCategory
from catalog.models import Reason
from tests.factories import OfferFactory, ProductFactory


@pytest.fixture
def world(db):
    """The most expensive product costs KRW 30,000 a month; an offer already has a variant
    taking 60% of its calls."""
    top = ProductFactory(code="P-TOP", monthly_fee=30000)
    original = OfferFactory(code="AB-ORIG", reason_categories=[ReasonCategory.FINANCIAL])
    OfferFactory(
        code="AB-VAR-60",
        variant_of=original,
        traffic_share=60,
        reason_categories=[ReasonCategory.FINANCIAL],
    )
    return SimpleNamespace(
        top=top,
        original=original,
        reason=lambda code: Reason.objects.get(code=code).pk,
        now=timezone.localtime().replace(second=0, microsecond=0),
    )


@pytest.fixture
def fee_burden(reason):
    return reason("fee_burden")


@pytest.fixture
def in_branch(walk):
    return walk("financial_burden")


@pytest.fixture
def tomorrow(today):
    return today + timedelta(days=1)
