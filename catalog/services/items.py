"""Saving catalog items, and the explicit status changes: publish, retire, reactivate,
delete (only what nothing refers to) and the order of reasons; each is a new version."""

from django import forms
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from catalog.models import Offer, Reason
from catalog.rules import (
    VARIANT_SHARE_MAX,
    catalog_uses,
    variant_original_lock,
    variant_share_lock_and_check,
    variant_shares_taken,
)
from catalog.services.versions import _locked, _version_write, item_lock, version_latest
from core.errors import ServiceError


def catalog_save(*, form: forms.ModelForm, user, action: str = "", note: str = ""):
    """Save a valid catalog form as a new version (a new item starts at version 1).
    Offers are created as drafts: nobody is offered one before it is published."""
    if not form.is_valid():
        raise ServiceError(_("Correct the errors shown."))
    with transaction.atomic():
        if form.instance.pk:
            _locked(form.instance, base=form.cleaned_data.get("base_version"))
            action = action or "edited"
        else:
            action = action or "created"
            if isinstance(form.instance, Offer):
                form.instance.is_draft = True
        instance = form.save(commit=False)
        refusal = variant_share_lock_and_check(instance) if isinstance(instance, Offer) else ""
        if refusal:
            raise ServiceError(refusal, details=[refusal])
        instance.save()
        form.save_m2m()
        _version_write(instance, action=action, user=user, note=note)
    return instance


def _flag(instance, *, user, action: str, **values) -> None:
    with transaction.atomic():
        fresh = _locked(instance)
        for name, value in values.items():
            setattr(fresh, name, value)
        fresh.save()
        _version_write(fresh, action=action, user=user)
        for name, value in values.items():
            setattr(instance, name, value)


def offer_publish(*, offer: Offer, user) -> None:
    if not offer.is_draft:
        raise ServiceError(_("The offer is already published."))
    _flag(offer, user=user, action="published", is_draft=False)


def catalog_retire(*, instance, user) -> None:
    if not instance.is_active:
        raise ServiceError(_("It is already retired."))
    _flag(instance, user=user, action="retired", is_active=False)


def catalog_reactivate(*, instance, user) -> None:
    if instance.is_active:
        raise ServiceError(_("It is already in use."))
    with transaction.atomic():
        if isinstance(instance, Offer) and instance.variant_of_id:
            variant_original_lock(instance.variant_of_id)
            taken = variant_shares_taken(instance.variant_of_id, excluding=instance.pk)
            if taken + (instance.traffic_share or 0) > VARIANT_SHARE_MAX:
                raise ServiceError(
                    _(
                        "The other variants of this offer now take %(taken)d%% of the calls: "
                        "lower this variant's share before bringing it back."
                    )
                    % {"taken": taken}
                )
        _flag(instance, user=user, action="reactivated", is_active=True)


def _delete_unused(fresh, *, user, refusal: str) -> None:
    """Called while holding the item's row lock. `refusal` has a %(uses)s placeholder."""
    uses = catalog_uses(fresh)
    if uses:
        raise ServiceError(refusal % {"uses": ", ".join(uses)})
    try:
        with transaction.atomic():
            _version_write(fresh, action="deleted", user=user)
            if isinstance(fresh, Offer):
                fresh.reasons.clear()
            fresh.delete()
    except (ProtectedError, RestrictedError, IntegrityError):
        # A reference the check did not see (a table the relations do not name, or one
        # committed in between): nothing is deleted either way. A reference still being
        # written by another transaction fails that transaction at its commit instead.
        raise ServiceError(refusal % {"uses": _("other records")}) from None


def offer_delete(*, offer: Offer, user) -> None:
    """Only an offer nothing refers to (never presented, in no win-back case) can be
    deleted; the rest are retired."""
    with transaction.atomic():
        fresh = item_lock(offer)
        if fresh.variants.exists():
            raise ServiceError(_("This offer has A/B variants: remove them first."))
        _delete_unused(
            fresh, user=user, refusal=_("This offer is in use (%(uses)s): retire it instead.")
        )


def reason_delete(*, reason: Reason, user) -> None:
    with transaction.atomic():
        fresh = item_lock(reason)
        _delete_unused(
            fresh, user=user, refusal=_("This reason is in use (%(uses)s): retire it instead.")
        )


def reason_move(*, reason: Reason, user, step: int) -> None:
    """Move a reason up (-1) or down (+1) within its category; the category is renumbered
    0, 1, 2... so the order never depends on ties."""
    with transaction.atomic():
        siblings = list(
            Reason.objects.select_for_update()
            .filter(category=reason.category)
            .order_by("sort_order", "code")
        )
        index = next(i for i, r in enumerate(siblings) if r.pk == reason.pk)
        target = index + step
        if not 0 <= target < len(siblings):
            raise ServiceError(_("It is already at the edge of its category."))
        siblings[index], siblings[target] = siblings[target], siblings[index]
        for order, sibling in enumerate(siblings):
            if sibling.sort_order != order:
                if not version_latest(sibling):
                    _version_write(sibling, action="initial", user=None)
                sibling.sort_order = order
                sibling.save(update_fields=["sort_order"])
                _version_write(sibling, action="reordered", user=user)
