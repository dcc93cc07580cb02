"""The live catalog: what a call reads from the catalog (the published offers with their
sub-reasons and target products, the reasons, the admins' step scripts, the customer-type
playbook, the battlecards), loaded once per catalog version and kept in the process.

A live-call page reads the catalog's version from Redis (one round trip, `core.updates`)
and takes what was loaded for that version; only a new version loads it again (6 queries).
Every write to a catalog table or a product bumps the version, from the models' signals
(so the services, the admin, the demo and the tests' factories alike), at once and again
when the transaction commits (`updates_bump(at_once=True)`); the book's bulk upsert of
products, which sends no signals, bumps it itself. With Redis away the catalog is read
from the database on every page, as before it was kept.

What it holds is shared by every request and thread of the process: read it, never change it.
"""

from dataclasses import dataclass

from django.db.models.signals import m2m_changed, post_delete, post_save

from catalog.models import Battlecard, CustomerType, Offer, Reason, StepScript
from core.updates import CATALOG_KEY, KeptByVersion, updates_bump, updates_read
from customers.models import Product


@dataclass(frozen=True)
class LiveCatalog:
    offers: tuple[Offer, ...]  # published and active, by code; reasons and target loaded
    reasons: tuple[Reason, ...]  # in use, by category, place and pk
    scripts: dict[str, StepScript]  # the admins' wordings, by step or call kind
    customer_types: tuple[CustomerType, ...]  # in use, in the playbook's order
    battlecards: tuple[Battlecard, ...]  # in use, in their order

    def offers_for(self, category: str | None) -> list[Offer]:
        """The published offers that answer a reason of this category."""
        return [offer for offer in self.offers if category in offer.reason_categories]


def catalog_load() -> LiveCatalog:
    """The live catalog from the database (6 queries)."""
    offers = (
        Offer.objects.filter(is_active=True, is_draft=False)
        .select_related("target_product")
        .prefetch_related("reasons")
        .order_by("code")
    )
    return LiveCatalog(
        offers=tuple(offers),
        reasons=tuple(
            Reason.objects.filter(is_active=True).order_by("category", "sort_order", "pk")
        ),
        scripts={script.key: script for script in StepScript.objects.all()},
        customer_types=tuple(CustomerType.objects.filter(is_active=True)),
        battlecards=tuple(Battlecard.objects.filter(is_active=True)),
    )


_kept = KeptByVersion()


def catalog_live() -> LiveCatalog:
    """The catalog as of its current version: from the process when loaded for it, else
    from the database."""
    found = updates_read([CATALOG_KEY])
    if found is None:
        return catalog_load()
    return _kept.get(found[CATALOG_KEY], "catalog", catalog_load)


def catalog_changed(**kwargs) -> None:
    updates_bump([CATALOG_KEY], at_once=True)


_DISPATCH = "catalog.live"
for _model in (Offer, Reason, StepScript, CustomerType, Battlecard, Product):
    post_save.connect(catalog_changed, sender=_model, dispatch_uid=f"{_DISPATCH}.save")
    post_delete.connect(catalog_changed, sender=_model, dispatch_uid=f"{_DISPATCH}.delete")
m2m_changed.connect(catalog_changed, sender=Offer.reasons.through, dispatch_uid=_DISPATCH)
