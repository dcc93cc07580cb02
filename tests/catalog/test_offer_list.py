"""The offer list says whether each offer is scheduled, live, ended or retired."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.catalog.helpers import between
from tests.factories import OfferFactory

pytestmark = pytest.mark.django_db


def test_the_offer_list_says_scheduled_live_or_ended(client_as_catalog_admin):
    now = timezone.now()
    OfferFactory(code="A-SOON", active_from=now + timedelta(days=2))
    OfferFactory(code="B-NOW", active_from=now - timedelta(days=2))
    OfferFactory(code="C-OVER", active_until=now - timedelta(minutes=5))
    OfferFactory(code="D-RETIRED", is_active=False, active_from=now + timedelta(days=2))
    page = client_as_catalog_admin.get(reverse("catalog_list", args=["offers"])).content.decode()
    rows = {
        code: between(page, f">{code}</a>", "</tr>")
        for code in ("A-SOON", "B-NOW", "C-OVER", "D-RETIRED")
    }
    assert "Scheduled from" in rows["A-SOON"] and "Live" not in rows["A-SOON"]
    assert "Live" in rows["B-NOW"]
    assert "Ended" in rows["C-OVER"] and "Live" not in rows["C-OVER"]
    assert "Retired" in rows["D-RETIRED"] and "Scheduled" not in rows["D-RETIRED"]
