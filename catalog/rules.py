"""The catalog's rules, in one place for every way of editing it (the workspace's forms, the
services, a restore, a CSV import):

- the A/B share: an original's variants take at most 99% of its calls together; checked by
  the form for a clear message and again inside the save's transaction with the original's
  row locked, so two admins adding variants at once cannot pass 99% together;
- the code lock: once an offer has been published or used anywhere, its code is its identity
  (A/B draws and stored paths follow it);
- in use: what still refers to an item, found from the models' own relations, so a foreign
  key added later is covered the day it exists.
"""

import pghistory.models
from django.db.models import Sum
from django.utils.translation import gettext as _

from catalog.models import CatalogVersion, Offer, Reason

VARIANT_SHARE_MAX = 99


def variant_shares_taken(original_id: int, *, excluding: int | None = None) -> int:
    """The share of calls the variants of `original_id` in use (drafts included) take."""
    others = Offer.objects.filter(variant_of_id=original_id, is_active=True)
    if excluding:
        others = others.exclude(pk=excluding)
    return others.aggregate(s=Sum("traffic_share"))["s"] or 0


def variant_share_refusal(original_id: int, share: int, *, excluding: int | None = None) -> str:
    """Why `share` more of the original's calls cannot go to a variant ('' when it can)."""
    taken = variant_shares_taken(original_id, excluding=excluding)
    if taken + share <= VARIANT_SHARE_MAX:
        return ""
    return _("The variants of this offer already take %(taken)d%%; at most %(left)d%% is left.") % {
        "taken": taken,
        "left": max(VARIANT_SHARE_MAX - taken, 0),
    }


def variant_original_lock(original_id: int) -> None:
    """Inside a transaction: lock the original's row, so saves that change the share its
    variants take (a new variant, an edit, a reactivation) queue here one after another."""
    Offer.objects.select_for_update().filter(pk=original_id).first()


def variant_share_lock_and_check(offer: Offer) -> str:
    """Inside the save's transaction: lock the original's row and check the share again with
    what is committed by then."""
    if not offer.variant_of_id or not offer.is_active:
        return ""
    variant_original_lock(offer.variant_of_id)
    return variant_share_refusal(offer.variant_of_id, offer.traffic_share or 0, excluding=offer.pk)


def catalog_uses(instance) -> list[str]:
    """What still refers to `instance`, as the names of the kinds of record (empty: nothing).
    Not uses: the item's history kept by pghistory (events copy rows and outlive them by
    design) and rows of its own many-to-many fields (they go with it)."""
    uses = []
    for relation in instance._meta.get_fields(include_hidden=True):
        if not (relation.is_relation and relation.auto_created and not relation.concrete):
            continue
        model = relation.related_model
        if model._meta.auto_created or issubclass(model, pghistory.models.Event):
            continue
        if model._base_manager.filter(**{relation.field.name: instance}).exists():
            uses.append(str(model._meta.verbose_name_plural))
    return list(dict.fromkeys(uses))


def reason_in_use(reason: Reason) -> bool:
    return bool(catalog_uses(reason))


def offer_code_locked(offer: Offer) -> bool:
    """Once an offer has been published, or used by any record outside the catalog (a
    presentation, a win-back), its code cannot change."""
    if not offer.pk:
        return False
    stored = Offer.objects.filter(pk=offer.pk).values_list("is_draft", flat=True).first()
    versions = CatalogVersion.objects.filter(
        subject_type__app_label="catalog", subject_type__model="offer", subject_id=offer.pk
    )
    return (
        stored is False
        # Live once, back in draft since (an import can do that): published all the same.
        or versions.filter(snapshot__is_draft=False).exists()
        or any(
            relation.related_model._meta.app_label != "catalog"
            and relation.related_model._base_manager.filter(**{relation.field.name: offer}).exists()
            for relation in offer._meta.get_fields(include_hidden=True)
            if relation.is_relation
            and relation.auto_created
            and not relation.concrete
            and not issubclass(relation.related_model, pghistory.models.Event)
        )
    )
