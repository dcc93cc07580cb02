"""The save-rate dashboard: figures on hand-built data, CSV escaping, roles, queries."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from retention.analytics import Filters, save_rate_by, save_rate_total
from retention.services import cancellations as svc
from tests.factories import ContractFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def outcomes(agent, reason, fee_offer, visit_offer):
    """3 retained (2 by fee adjustment, 1 by a visit) and 1 cancelled: a 75% save rate."""

    def walk(code, *, user=agent):
        request = svc.cancellation_open(contract_id=ContractFactory().pk, user=user)
        return svc.cancellation_identify_reason(
            request_id=request.pk, user=user, reason_id=reason(code).pk
        )

    for _ in range(2):
        request = walk("fee_burden")
        svc.offer_present(request_id=request.pk, user=agent, offer_id=fee_offer.pk)
        svc.offer_accept(request_id=request.pk, user=agent)
    request = walk("product_quality")
    svc.offer_present(request_id=request.pk, user=agent, offer_id=visit_offer.pk)
    svc.offer_accept(request_id=request.pk, user=agent)
    request = walk("product_quality")
    svc.cancellation_insist(request_id=request.pk, user=agent)
    svc.cancellation_confirm(request_id=request.pk, user=agent, pickup_date=timezone.localdate())


def test_save_rate_overall_and_by_reason(outcomes):
    filters = Filters.from_query({})
    assert save_rate_total(filters) == {"retained": 3, "cancelled": 1, "rate": 0.75}
    by_reason = {row["key"]: row for row in save_rate_by(filters, "reason")}
    assert by_reason["fee_burden"]["rate"] == 1.0
    assert by_reason["product_quality"]["rate"] == 0.5
    by_category = {row["key"]: row["rate"] for row in save_rate_by(filters, "category")}
    assert by_category == {"financial": 1.0, "dissatisfaction": 0.5}


def test_filters_narrow_the_figures_and_bad_values_are_reported(outcomes):
    assert save_rate_total(Filters.from_query({"reason_category": "financial"}))["rate"] == 1.0
    filters = Filters.from_query({"reason_category": "nonsense", "from": "yesterday"})
    assert len(filters.errors) == 2
    assert save_rate_total(filters)["retained"] == 3
    future = (timezone.localdate() + timedelta(days=10)).isoformat()
    assert save_rate_total(Filters.from_query({"from": future, "to": future}))["rate"] is None


def test_dashboard_page_and_csv(client_as_supervisor, outcomes):
    body = client_as_supervisor.get(reverse("dashboards")).content.decode()
    assert "75%" in body
    assert 'id="chart-data"' in body
    response = client_as_supervisor.get(reverse("save_rate_csv", args=["reason"]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][1:] == ["Retained", "Cancelled", "Save rate"]
    assert ["fee_burden", "2", "0", "1.0000"] in rows


def test_csv_never_lets_a_value_become_a_formula(client, login, reason, supervisor):
    sneaky = UserFactory(username="=HYPERLINK(evil)", role="agent")
    request = svc.cancellation_open(contract_id=ContractFactory().pk, user=sneaky)
    svc.cancellation_identify_reason(
        request_id=request.pk, user=sneaky, reason_id=reason("emigration").pk
    )
    svc.cancellation_requote(
        request_id=request.pk, user=sneaky, effective_date=timezone.localdate()
    )
    svc.cancellation_confirm(request_id=request.pk, user=sneaky, pickup_date=timezone.localdate())
    login(supervisor)
    content = b"".join(
        client.get(reverse("save_rate_csv", args=["agent"])).streaming_content
    ).decode()
    assert "'=HYPERLINK(evil)" in content
    assert "\n=HYPERLINK" not in content


@pytest.mark.parametrize(
    ("who", "expected"),
    [("supervisor", 200), ("agent", 403), ("catalog_admin", 403), (None, 302)],
)
def test_dashboards_are_for_supervisors(client, login, request, who, expected):
    if who:
        login(request.getfixturevalue(who))
    assert client.get(reverse("dashboards")).status_code == expected
    assert client.get(reverse("save_rate_csv", args=["week"])).status_code == expected


def test_unknown_breakdown_is_404(client_as_supervisor):
    assert client_as_supervisor.get(reverse("save_rate_csv", args=["shoe-size"])).status_code == 404


def test_dashboard_queries_are_bounded(
    client_as_supervisor, outcomes, django_assert_max_num_queries
):
    with django_assert_max_num_queries(15):
        assert client_as_supervisor.get(reverse("dashboards")).status_code == 200


# ---- why they leave --------------------------------------------------------------------------


def _cancel(agent, reason_code, reason, *, competitor=""):
    request = svc.cancellation_open(contract_id=ContractFactory(monthly_fee=30000).pk, user=agent)
    svc.cancellation_identify_reason(
        request_id=request.pk,
        user=agent,
        reason_id=reason(reason_code).pk,
        competitor_name=competitor,
    )
    svc.cancellation_insist(request_id=request.pk, user=agent)
    svc.cancellation_confirm(request_id=request.pk, user=agent, pickup_date=timezone.localdate())


def test_reason_pareto_counts_shares_and_revenue_lost(agent, reason):
    from retention.analytics import competitor_breakdown, reason_pareto

    for code, times in [("fee_burden", 3), ("competitor_cheaper", 1)]:
        for _ in range(times):
            _cancel(agent, code, reason, competitor="Rival Rentals")
    rows = reason_pareto(Filters.from_query({}))
    assert [(r["key"], r["n"]) for r in rows] == [("fee_burden", 3), ("competitor_cheaper", 1)]
    assert rows[0]["share"] == 0.75 and rows[1]["cumulative"] == 1.0
    assert rows[0]["monthly_revenue"] == 90000
    assert competitor_breakdown(Filters.from_query({})) == [{"key": "Rival Rentals", "n": 1}]


def test_a_reason_whose_share_jumps_this_week_is_flagged(agent, reason):
    import time_machine

    from retention.analytics import reason_spikes

    today = timezone.localdate()
    for weeks_ago in (4, 3, 2, 1):  # before: fee_burden 1 of 4 each week (25%)
        with time_machine.travel(timezone.now() - timedelta(days=7 * weeks_ago)):
            _cancel(agent, "fee_burden", reason)
            for _ in range(3):
                _cancel(agent, "product_quality", reason)
    for _ in range(3):  # this week: fee_burden 3 of 4 (75%)
        _cancel(agent, "fee_burden", reason)
    _cancel(agent, "product_quality", reason)
    spikes = reason_spikes(Filters.from_query({"to": today.isoformat()}))
    assert [s["key"] for s in spikes] == ["fee_burden"]
    assert spikes[0]["share_now"] == 0.75 and spikes[0]["share_before"] == 0.25


def test_no_spike_when_shares_hold_steady(agent, reason):
    import time_machine

    from retention.analytics import reason_spikes

    for weeks_ago in (2, 1, 0):
        with time_machine.travel(timezone.now() - timedelta(days=7 * weeks_ago)):
            _cancel(agent, "fee_burden", reason)
            _cancel(agent, "product_quality", reason)
    assert reason_spikes(Filters.from_query({})) == []


def test_why_they_leave_csvs(client_as_supervisor, agent, reason):
    _cancel(agent, "competitor_cheaper", reason, competitor="=cmd|' /C calc'!A0")
    lost = b"".join(
        client_as_supervisor.get(reverse("save_rate_csv", args=["reasons-lost"])).streaming_content
    ).decode()
    assert "competitor_cheaper,1,1.0000,1.0000,30000" in lost
    rivals = b"".join(
        client_as_supervisor.get(reverse("save_rate_csv", args=["competitors"])).streaming_content
    ).decode()
    assert "'=cmd" in rivals
