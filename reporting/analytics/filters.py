"""The dashboards' filters: what the query string narrows, over which period, and the
choices the filter bar offers."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from accounts.models import Team, User
from calls.models import Survey
from catalog.choices import ReasonCategory
from catalog.models import Reason
from customers.choices import ProductCategory, ValueTier
from reporting.models import ClaimFact, RequestFact
from winback.models import WinBackCase


@dataclass
class Filters:
    date_from: date
    date_to: date
    product_category: str = ""
    reason_category: str = ""
    reason: int | None = None
    team: int | None = None
    agent: int | None = None
    value_tier: str = ""
    errors: list[str] = field(default_factory=list)
    # Results shared by the tables of one page (one pass over the facts serves several).
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_query(cls, params, *, default_days: int = 90) -> "Filters":
        """Read the filters from a query string; bad values are reported and ignored."""
        today = timezone.localdate()
        errors = []
        date_from = _date(params.get("from"), today - timedelta(days=default_days), errors)
        date_to = _date(params.get("to"), today, errors)
        if date_to < date_from:
            errors.append(
                _("The period ends before it starts; showing the last %(days)d days.")
                % {"days": default_days}
            )
            date_from, date_to = today - timedelta(days=default_days), today
        picked = {}
        choices = {
            "product_category": ProductCategory.values,
            "reason_category": ReasonCategory.values,
            "value_tier": ValueTier.values,
        }
        for name, allowed in choices.items():
            value = params.get(name, "")
            if value and value not in allowed:
                errors.append(_("Unknown filter value ignored: %(value)s") % {"value": value})
                value = ""
            picked[name] = value
        for name in ("reason", "team", "agent"):
            picked[name] = _id(params.get(name), errors)
        return cls(date_from=date_from, date_to=date_to, errors=errors, **picked)

    def with_period(self, date_from: date, date_to: date) -> "Filters":
        fields = {k: v for k, v in self.__dict__.items() if k != "memo"}
        return Filters(**{**fields, "date_from": date_from, "date_to": date_to})

    def _people(self, queryset, agent_field: str = "agent_id", team_field: str = "team_id"):
        if self.agent:
            queryset = queryset.filter(**{agent_field: self.agent})
        if self.team:
            queryset = queryset.filter(**{team_field: self.team})
        return queryset

    def requests(self):
        """Facts of the requests closed in the period, narrowed by every filter."""
        facts = RequestFact.objects.filter(
            closed_on__gte=self.date_from, closed_on__lte=self.date_to
        )
        if self.product_category:
            facts = facts.filter(product_category=self.product_category)
        if self.reason_category:
            facts = facts.filter(reason_category=self.reason_category)
        if self.reason:
            facts = facts.filter(reason_id=self.reason)
        if self.value_tier:
            facts = facts.filter(value_tier=self.value_tier)
        return self._people(facts)

    def claims(self):
        """Facts of the claims closed in the period (a reason filter does not apply)."""
        facts = ClaimFact.objects.filter(closed_on__gte=self.date_from, closed_on__lte=self.date_to)
        if self.product_category:
            facts = facts.filter(product_category=self.product_category)
        if self.value_tier:
            facts = facts.filter(value_tier=self.value_tier)
        return self._people(facts)

    def departed(self):
        """Win-back cases of customers who left in the period (the agent is who called)."""
        cases = WinBackCase.objects.filter(
            departed_on__gte=self.date_from, departed_on__lte=self.date_to
        )
        if self.product_category:
            cases = cases.filter(contract__product__category=self.product_category)
        if self.reason_category:
            cases = cases.filter(original_reason__category=self.reason_category)
        if self.reason:
            cases = cases.filter(original_reason_id=self.reason)
        if self.value_tier:
            cases = cases.filter(customer__value_tier=self.value_tier)
        return self._people(cases, "handled_by_id", "handled_by__team_id")

    def surveys(self):
        """Surveys answered in the period. People filters follow the agent copied onto the
        survey; product and reason filters follow what the survey is about (its request,
        claim or win-back case), so a survey about none of them, or a claim survey under a
        reason filter (a claim has no cancellation reason), is left out."""
        start, end = self.bounds()
        surveys = Survey.objects.filter(answered_at__gte=start, answered_at__lt=end)
        if self.product_category:
            surveys = surveys.filter(
                Q(cancellation_request__contract__product__category=self.product_category)
                | Q(claim__contract__product__category=self.product_category)
                | Q(win_back__contract__product__category=self.product_category)
            )
        if self.reason_category:
            surveys = surveys.filter(
                Q(cancellation_request__reason__category=self.reason_category)
                | Q(win_back__original_reason__category=self.reason_category)
            )
        if self.reason:
            surveys = surveys.filter(
                Q(cancellation_request__reason_id=self.reason)
                | Q(win_back__original_reason_id=self.reason)
            )
        if self.value_tier:
            surveys = surveys.filter(customer__value_tier=self.value_tier)
        return self._people(surveys, "agent_id", "agent__team_id")

    def bounds(self) -> tuple[datetime, datetime]:
        start = timezone.make_aware(datetime.combine(self.date_from, time.min))
        end = timezone.make_aware(datetime.combine(self.date_to + timedelta(days=1), time.min))
        return start, end


def _date(raw, default: date, errors: list[str]) -> date:
    if not raw:
        return default
    try:
        parsed = parse_date(raw)
    except ValueError:
        parsed = None
    if parsed is None:
        errors.append(_("Not a date: %(value)s") % {"value": raw})
        return default
    return parsed


def _id(raw, errors: list[str]) -> int | None:
    if not raw:
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = 0
    if not 0 < value < 2**63:  # an id the database could hold
        errors.append(_("Unknown filter value ignored: %(value)s") % {"value": raw})
        return None
    return value


# Which dimensions a user can pick from in the filter bar.
def filter_choices() -> dict:
    return {
        "product_categories": ProductCategory.choices,
        "reason_categories": ReasonCategory.choices,
        "value_tiers": ValueTier.choices,
        "reasons": [(r.pk, r.label) for r in Reason.objects.all()],
        "teams": list(Team.objects.values_list("pk", "name")),
        "agents": [
            (u.pk, u.display_name)
            for u in User.objects.filter(groups__permissions__codename="handle_calls")
            .distinct()
            .order_by("username")
        ],
    }
