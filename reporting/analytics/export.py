"""The CSV of every closed request (`/desk/dashboards/requests.csv`), one row each."""

from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reporting.analytics.filters import Filters
from reporting.analytics.labels import Labels

REQUEST_EXPORT_HEADER = [
    gettext_lazy("Request"),
    gettext_lazy("Closed"),
    gettext_lazy("Outcome"),
    gettext_lazy("Customer"),
    gettext_lazy("Agent"),
    gettext_lazy("Reason"),
    gettext_lazy("Path"),
    gettext_lazy("Offer"),
    gettext_lazy("Cost"),
    gettext_lazy("Monthly fee"),
]


def request_export_rows(filters: Filters) -> Iterator[list]:
    """Every request closed in the period, one row each, read in chunks from the database
    (a million rows stream through without ever being held at once)."""
    labels = Labels()
    facts = (
        filters.requests()
        .order_by("closed_at")
        .values_list(
            "request_id",
            "closed_at",
            "is_retained",
            "request__customer__name",
            "agent_id",
            "reason_id",
            "path",
            "offer_code",
            "offer_cost",
            "monthly_fee",
        )
    )
    for pk, closed, retained, customer, agent, reason, path, offer, cost, fee in facts.iterator(
        chunk_size=2000
    ):
        yield [
            pk,
            timezone.localtime(closed).isoformat(timespec="minutes"),
            _("retained") if retained else _("cancelled"),
            customer,
            labels.agent(agent),
            labels.reason(reason),
            labels.path(path),
            labels.offer(offer) if offer else "",
            cost,
            fee,
        ]
