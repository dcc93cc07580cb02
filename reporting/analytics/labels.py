"""Names for the keys the reporting facts hold (ids and codes)."""

from collections.abc import Callable

from django.utils.translation import gettext as _

from accounts.models import Team, User
from cancellations.choices import RequestState
from catalog.models import Offer, Reason
from customers.models import Product


class Labels:
    """Names for the keys the facts hold (ids and codes), one small query each, on demand."""

    def __init__(self):
        self._cache = {}

    def _get(self, kind: str, loader: Callable[[], dict]) -> dict:
        if kind not in self._cache:
            self._cache[kind] = loader()
        return self._cache[kind]

    def reason(self, pk) -> str:
        reasons = self._get("reason", lambda: {r.pk: r.label for r in Reason.objects.all()})
        return reasons.get(pk, "-")

    def product(self, pk) -> str:
        products = self._get("product", lambda: {p.pk: p.name for p in Product.objects.all()})
        return products.get(pk, "-")

    def agent(self, pk) -> str:
        def load():
            users = User.objects.only("username", "first_name", "last_name")
            return {u.pk: u.display_name for u in users}

        return self._get("agent", load).get(pk) or _("(unknown)")

    def team(self, pk) -> str:
        teams = self._get("team", lambda: dict(Team.objects.values_list("pk", "name")))
        return teams.get(pk, _("No team"))

    def offer(self, code) -> str:
        offers = self._get("offer", lambda: {o.code: o.name for o in Offer.objects.all()})
        return offers.get(code, code or "-")

    def path(self, key: str) -> str:
        """ "financial_burden|FIN-FEE:-|FIN-PAUSE:+" → "Financial burden > Fee ✗ > Pause ✓"."""
        branch, *steps = key.split("|")
        parts = [branch_label(branch)]
        for step in steps:
            code, _sep, answer = step.rpartition(":")
            parts.append(f"{self.offer(code)} {'✓' if answer == '+' else '✗'}")
        return " > ".join(parts)


def branch_label(branch: str) -> str:
    if branch == "unavoidable":
        return str(_("Unavoidable"))
    try:
        return str(RequestState(branch).label)
    except ValueError:
        return branch
