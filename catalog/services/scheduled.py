"""Product changes from a date: scheduled, applied on their day (Celery beat), withdrawn,
and listed with the values they set."""

import logging
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from catalog.forms.items import ProductCatalogForm
from catalog.models import ScheduledChange
from catalog.services.items import catalog_save
from catalog.services.kinds import KINDS
from catalog.services.versions import (
    Change,
    RelatedNames,
    _apply_state,
    _form_problems,
    _json,
    _locked,
    _state_form,
    item_lock,
    state_compare,
)
from core.errors import ServiceError
from customers.models import Product

log = logging.getLogger(__name__)


def product_save(*, form: ProductCatalogForm, user):
    """Apply a product change now, or schedule it for its date (Celery beat applies it)."""
    if not form.is_valid():
        raise ServiceError(_("Correct the errors shown."))
    effective = form.cleaned_data.get("effective_from")
    if not effective or effective <= timezone.localdate() or not form.instance.pk:
        return catalog_save(form=form, user=user)
    # Only what this edit changes: on its day those fields take these values, on top of
    # whatever the product looks like by then (a later edit of other fields survives).
    state = {
        name: _json(form.cleaned_data[name])
        for name in form.changed_data
        if name not in ("effective_from", "base_version")
    }
    if not state:
        raise ServiceError(_("Nothing changed: there is nothing to schedule."))
    with transaction.atomic():
        product = _locked(form.instance, base=form.cleaned_data.get("base_version"))
        return ScheduledChange.objects.create(
            product=product, effective_from=effective, snapshot=state, created_by=user
        )


def scheduled_changes_apply(*, today: date | None = None) -> int:
    """Apply every product change due by `today`, each once (rows are locked and skipped
    when another worker holds them; an applied change is marked in the same transaction)."""
    today = today or timezone.localdate()
    applied = 0
    while True:
        with transaction.atomic():
            change = (
                ScheduledChange.objects.select_for_update(skip_locked=True)
                .filter(
                    applied_at__isnull=True, cancelled_at__isnull=True, effective_from__lte=today
                )
                .order_by("effective_from", "pk")
                .first()
            )
            if change is None:
                return applied
            try:
                with transaction.atomic():
                    _apply_state(
                        change.product,
                        change.snapshot,
                        partial=True,
                        user=change.created_by,
                        action="scheduled",
                        note=gettext_noop("Scheduled for %(day)s"),
                        note_params={"day": change.effective_from.isoformat()},
                    )
            except ServiceError as refused:
                # No longer valid against the product as it is now: kept, marked as failed
                # with the reasons, shown on the products page; never retried blindly.
                change.cancelled_at = timezone.now()
                change.problem = " ".join([str(refused.message), *refused.details])[:1000]
                change.problem_texts = _refusal_texts(change)
                log.warning("scheduled change %s not applied: %s", change.pk, change.problem)
            else:
                change.applied_at = timezone.now()
                applied += 1
            change.save(update_fields=["applied_at", "cancelled_at", "problem", "problem_texts"])


def _refusal_texts(change: ScheduledChange) -> dict[str, str]:
    """Why `change` fails today's checks, in every language of the desk: the checks run
    once more per language (the form's messages are in the worker's language by now)."""
    texts = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            product = Product.objects.get(pk=change.product_id)  # the form writes on it
            form = _state_form(product, change.snapshot, partial=True, keep_status=False)
            form.is_valid()
            problems = [str(_("This version no longer passes today's checks."))]
            texts[language] = " ".join([*problems, *_form_problems(form)])[:1000]
    return texts


def scheduled_change_withdraw(*, change: ScheduledChange, user) -> None:
    """Withdrawn, not deleted: the product's history keeps who scheduled it and who took it
    back, and when."""
    with transaction.atomic():
        fresh = item_lock(change)
        if fresh.applied_at or fresh.cancelled_at:
            raise ServiceError(_("This change is no longer pending."))
        fresh.cancelled_at = timezone.now()
        fresh.cancelled_by = user if user is not None and user.is_authenticated else None
        fresh.save(update_fields=["cancelled_at", "cancelled_by"])


@dataclass
class ScheduledView:
    change: ScheduledChange
    changes: list[Change] = field(default_factory=list)


def scheduled_changes_for(product: Product, *, names: RelatedNames | None = None):
    """Every change scheduled for `product`, newest first, each with the values it sets:
    who scheduled it and when, and what became of it (applied, withdrawn by whom, refused)."""
    kind = KINDS["products"]
    names = RelatedNames() if names is None else names
    changes = product.scheduled_changes.select_related("created_by", "cancelled_by")
    return [
        ScheduledView(change, state_compare(kind, None, change.snapshot, names=names))
        for change in changes.order_by("-created_at", "-pk")
    ]
