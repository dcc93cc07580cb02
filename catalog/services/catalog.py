"""Writes of the catalog workspace: every change is a new version.

A version stores the item's whole editable state (the form's fields), so any version can be
shown, compared with the one before (a readable diff) and restored; restoring binds the old
state to today's form, so it passes today's checks, and is itself a new version. The first
change of an item that has no history yet records its previous state as version 1.

Two admins editing one item: each form carries the version it started from; the second save
is refused (`Conflict`), never silently merged.
"""

import csv
import io
import json
import logging
from dataclasses import dataclass, field
from datetime import date, datetime

from django import forms
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import Max, ProtectedError, RestrictedError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from catalog import forms as cf
from catalog.choices import ReasonCategory
from catalog.models import (
    Battlecard,
    CatalogVersion,
    CustomerType,
    Offer,
    Reason,
    ScheduledChange,
    StepScript,
)
from catalog.rules import (
    VARIANT_SHARE_MAX,
    catalog_uses,
    variant_share_lock_and_check,
    variant_shares_taken,
)
from core.errors import Conflict, ServiceError
from customers.models import Product

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kind:
    slug: str
    model: type[models.Model]
    form: type[forms.ModelForm]
    title: str


KINDS = {
    k.slug: k
    for k in (
        Kind("offers", Offer, cf.OfferCatalogForm, gettext_lazy("Offers")),
        Kind("reasons", Reason, cf.ReasonCatalogForm, gettext_lazy("Reasons")),
        Kind("products", Product, cf.ProductCatalogForm, gettext_lazy("Products and policies")),
        Kind(
            "customer-types",
            CustomerType,
            cf.CustomerTypeCatalogForm,
            gettext_lazy("Customer-type playbook"),
        ),
        Kind("scripts", StepScript, cf.StepScriptCatalogForm, gettext_lazy("Step scripts")),
        Kind(
            "battlecards",
            Battlecard,
            cf.BattlecardCatalogForm,
            gettext_lazy("Competitor battlecards"),
        ),
    )
}

# State that is not on the form but belongs to a version (retire / publish are changes too).
_EXTRA_STATE = {
    Offer: ["is_active", "is_draft"],
    Reason: ["is_active"],
    CustomerType: ["is_active"],
    Battlecard: ["is_active"],
}


def kind_for(instance) -> Kind:
    return next(k for k in KINDS.values() if isinstance(instance, k.model))


def _json(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | models.QuerySet):
        items = [_json(v) for v in value]
        return sorted(items, key=str)
    return value


def snapshot(instance) -> dict:
    """The item's editable state as JSON (many-to-many as sorted ids)."""
    kind = kind_for(instance)
    names = list(kind.form._meta.fields) + _EXTRA_STATE.get(kind.model, [])
    state = {}
    for name in names:
        model_field = instance._meta.get_field(name)
        if model_field.many_to_many:
            related = getattr(instance, name).values_list("pk", flat=True) if instance.pk else []
            state[name] = sorted(related)
        elif model_field.is_relation:
            state[name] = getattr(instance, model_field.attname)
        else:
            state[name] = _json(getattr(instance, name))
    return state


def _versions(instance):
    return CatalogVersion.objects.filter(
        subject_type=ContentType.objects.get_for_model(instance), subject_id=instance.pk
    )


def version_latest(instance) -> int:
    return _versions(instance).aggregate(v=Max("version"))["v"] or 0


def _version_write(
    instance, *, action: str, user, note: str = "", note_params=None, state=None
) -> CatalogVersion:
    """`note`: the English source text of a message (marked with gettext_noop) and its
    `note_params`, translated for each reader when shown; never text already translated."""
    number = version_latest(instance) + 1
    return CatalogVersion.objects.create(
        subject_type=ContentType.objects.get_for_model(instance),
        subject_id=instance.pk,
        version=number,
        action=action,
        snapshot=state if state is not None else snapshot(instance),
        user=user if user is not None and user.is_authenticated else None,
        note=note[:200],
        note_params=note_params or {},
    )


def _locked(instance, *, base: int | None = None):
    """Lock the item's row and check it is still at version `base` (the one the editor
    started from; None: no check); then write the baseline version if it has no history
    yet, so the state before the first edit can be restored."""
    fresh = type(instance).objects.select_for_update().get(pk=instance.pk)
    latest = version_latest(fresh)
    if base is not None and base != latest:
        raise Conflict(
            _(
                "Someone saved a newer version (%(latest)d) since you opened this one "
                "(%(base)d). Reload, compare, then make your change again."
            )
            % {"latest": latest, "base": base}
        )
    if not latest:
        _version_write(
            fresh, action="initial", user=None, note=gettext_noop("State before the first edit")
        )
    return fresh


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


def _form_problems(form) -> list[str]:
    """Each error once, as "Field label: message" (a form-wide one without a label)."""
    problems = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for message in dict.fromkeys(errors):
            problems.append(f"{label}: {message}" if label else str(message))
    return problems


# The status of an item: restoring an old version brings back its terms, never these.
_STATUS_FIELDS = ("is_active", "is_draft")


def _state_form(fresh, state: dict, *, partial: bool, keep_status: bool):
    """`state` bound to today's form for the item as it is now (`fresh`)."""
    current = snapshot(fresh)
    if partial:
        state = {**current, **state}
    if keep_status:
        state = {**state, **{k: current[k] for k in _STATUS_FIELDS if k in current}}
    data = {k: ("" if v is None else v) for k, v in state.items()}
    data["base_version"] = version_latest(fresh)
    return kind_for(fresh).form(data=data, instance=fresh)


def _apply_state(
    instance,
    state: dict,
    *,
    user,
    action: str,
    note: str = "",
    note_params=None,
    partial: bool = False,
    keep_status: bool = False,
):
    """Bind a stored state to today's form and save it as a new version (`partial`: only
    the fields in `state` change, the rest stay as they are now, read under the lock).

    `keep_status` (a restore): the terms come back, not the status, so publishing, retiring
    and reactivating stay explicit. That includes a product's "on sale" box, which is on its
    form: restoring last month's fees must not quietly put a product taken off sale back in
    front of agents (or take one off sale); Retire and Reactivate do that, as for every other
    item. A scheduled change is different: it sets exactly what its author changed, sale
    status included."""
    with transaction.atomic():
        fresh = _locked(instance)
        form = _state_form(fresh, state, partial=partial, keep_status=keep_status)
        if not form.is_valid():
            raise ServiceError(
                _("This version no longer passes today's checks."), details=_form_problems(form)
            )
        form.save()
        return _version_write(fresh, action=action, user=user, note=note, note_params=note_params)


def catalog_restore(*, instance, version: int, user) -> CatalogVersion:
    """Make an old version's terms current again (as a new version); the status stays."""
    try:
        old = _versions(instance).get(version=version)
    except CatalogVersion.DoesNotExist:
        raise ServiceError(_("There is no version %(v)d.") % {"v": version}) from None
    return _apply_state(
        instance,
        old.snapshot,
        user=user,
        action="restored",
        note=gettext_noop("Restored version %(v)d"),
        note_params={"v": version},
        keep_status=True,
    )


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
    if isinstance(instance, Offer) and instance.variant_of_id:
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
        fresh = Offer.objects.select_for_update().get(pk=offer.pk)
        if fresh.variants.exists():
            raise ServiceError(_("This offer has A/B variants: remove them first."))
        _delete_unused(
            fresh, user=user, refusal=_("This offer is in use (%(uses)s): retire it instead.")
        )


def reason_in_use(reason: Reason) -> bool:
    return bool(catalog_uses(reason))


def reason_delete(*, reason: Reason, user) -> None:
    with transaction.atomic():
        fresh = Reason.objects.select_for_update().get(pk=reason.pk)
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


# ---- products: changes from a date -----------------------------------------------------------


def product_save(*, form: cf.ProductCatalogForm, user):
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
        fresh = ScheduledChange.objects.select_for_update().get(pk=change.pk)
        if fresh.applied_at or fresh.cancelled_at:
            raise ServiceError(_("This change is no longer pending."))
        fresh.cancelled_at = timezone.now()
        fresh.cancelled_by = user if user is not None and user.is_authenticated else None
        fresh.save(update_fields=["cancelled_at", "cancelled_by"])


# ---- diffs ---------------------------------------------------------------------------------


@dataclass
class Change:
    name: str
    label: str
    before: str
    after: str


class RelatedNames(dict):
    """Display names of related catalog items, one query per model however many versions
    are shown (catalog tables are small)."""

    def of(self, model, pk) -> str:
        if model not in self:
            self[model] = {o.pk: str(o) for o in model.objects.all()}
        return self[model].get(pk, f"#{pk}")


def _display(form_field, value, names: RelatedNames) -> str:
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, dict):  # an offer's pitch per branch
        labels = dict(ReasonCategory.choices)
        return " · ".join(f"{labels.get(k, k)}: {v}" for k, v in sorted(value.items()))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(form_field, forms.ModelMultipleChoiceField):
        return ", ".join(names.of(form_field.queryset.model, v) for v in value)
    if isinstance(form_field, forms.ModelChoiceField):
        return names.of(form_field.queryset.model, value)
    choices = dict(getattr(form_field, "choices", []) or [])
    if isinstance(value, list):
        return ", ".join(str(choices.get(v, v)) for v in value)
    if isinstance(value, int) and not choices:
        return f"{value:,}"
    return str(choices.get(value, value))


_EXTRA_LABELS = {"is_active": gettext_lazy("In use"), "is_draft": gettext_lazy("Draft")}


def state_compare(
    kind: Kind, before: dict | None, after: dict, *, all_fields=False, names=None
) -> list[Change]:
    """Field-by-field differences, with labels and values as people read them."""
    before = before or {}
    names = RelatedNames() if names is None else names
    form = kind.form()
    changes = []
    order = [*kind.form._meta.fields, *_EXTRA_STATE.get(kind.model, [])]
    for name in [n for n in order if n in after]:
        if not all_fields and before.get(name) == after.get(name):
            continue
        form_field = form.fields.get(name)
        label = str(form_field.label) if form_field else str(_EXTRA_LABELS.get(name, name))
        changes.append(
            Change(
                name,
                label,
                _display(form_field, before.get(name), names) if name in before else "—",
                _display(form_field, after.get(name), names),
            )
        )
    return changes


@dataclass
class VersionView:
    version: CatalogVersion
    changes: list[Change] = field(default_factory=list)


def history_for(instance, *, names: RelatedNames | None = None) -> list[VersionView]:
    """Every version, newest first, each with what changed from the one before."""
    kind = kind_for(instance)
    versions = list(_versions(instance).select_related("user").order_by("version"))
    views, previous, names = [], None, RelatedNames() if names is None else names
    for version in versions:
        changes = state_compare(kind, previous, version.snapshot, names=names)
        views.append(VersionView(version, changes))
        previous = version.snapshot
    return list(reversed(views))


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


# ---- CSV import / export of the offer catalog ----------------------------------------------

OFFER_CSV_FIELDS = [*cf.OfferCatalogForm._meta.fields, "status"]
# The note of a version whose status the import set (English source texts, see _version_write).
IMPORT_NOTES = {
    "draft": gettext_noop("Status from the file: draft"),
    "live": gettext_noop("Status from the file: live"),
    "retired": gettext_noop("Status from the file: retired"),
}
_LIST_FIELDS = {"reason_categories", "product_categories", "value_tiers", "reasons"}


def offers_export_rows():
    """Header, then one row per offer; lists joined with ';', related items by code."""
    yield OFFER_CSV_FIELDS
    offers = Offer.objects.select_related("target_product", "variant_of").prefetch_related(
        "reasons"
    )
    for offer in offers.order_by("code"):
        row = []
        for name in OFFER_CSV_FIELDS:
            if name == "status":
                value = (
                    "retired" if not offer.is_active else ("draft" if offer.is_draft else "live")
                )
            elif name == "reasons":
                value = ";".join(sorted(r.code for r in offer.reasons.all()))
            elif name in ("target_product", "variant_of"):
                related = getattr(offer, name)
                value = related.code if related else ""
            elif name in _LIST_FIELDS:
                value = ";".join(getattr(offer, name))
            elif name in ("active_from", "active_until"):
                moment = getattr(offer, name)
                value = timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else ""
            else:
                value = getattr(offer, name)
                value = "" if value is None else value
                if isinstance(value, dict):  # pitches per branch, as JSON
                    value = json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""
            row.append(value)
        yield row


@dataclass
class ImportRow:
    line: int
    code: str
    action: str  # created | edited | unchanged
    errors: list[str] = field(default_factory=list)


def _row_data(row: dict, products: dict, reasons: dict, offers: dict) -> tuple[dict, list[str]]:
    data, errors = {}, []
    for name in cf.OfferCatalogForm._meta.fields:
        if name in ("pitch_ko", "pitch_en") and name not in row:
            continue  # a file from before pitches: they stay as they are
        raw = _unescaped((row.get(name) or "").strip())
        if name in _LIST_FIELDS:
            items = [v.strip() for v in raw.split(";") if v.strip()]
            if name == "reasons":
                missing = [c for c in items if c not in reasons]
                if missing:
                    errors.append(
                        _("unknown reason code(s): %(codes)s") % {"codes": ", ".join(missing)}
                    )
                items = [reasons[c] for c in items if c in reasons]
            data[name] = items
        elif name == "target_product":
            if raw and raw not in products:
                errors.append(_("unknown product code: %(code)s") % {"code": raw})
            data[name] = products.get(raw, "")
        elif name == "variant_of":
            if raw and raw not in offers:
                errors.append(_("unknown offer code: %(code)s") % {"code": raw})
            data[name] = offers.get(raw, "")
        else:
            data[name] = raw
    return data, errors


def _unescaped(text: str) -> str:
    """Undo the export's guard against spreadsheet formulas (a leading quote)."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text


def offers_import(*, content: str, user, apply: bool) -> list[ImportRow]:
    """Check every row of an offer CSV (create by new code, edit by existing code) through
    the offer form, all in one transaction that is kept only with `apply` and when no row
    has an error: a bad file changes nothing. The status column (`draft`, `live`, `retired`)
    sets the status; left empty, a new offer is a draft and an existing one keeps its own."""
    # newline=None: files from any system (\r\n, \n, a lone \r) read alike.
    reader = csv.DictReader(io.StringIO(content.removeprefix("\ufeff"), newline=None))
    try:
        fields = reader.fieldnames or []
        rows = list(reader)
    except csv.Error as error:
        raise ServiceError(
            _("The file is not a CSV file this import can read: %(error)s") % {"error": error}
        ) from None
    missing = [c for c in ("code", "kind") if c not in fields]
    if missing:
        raise ServiceError(
            _("The file has no %(columns)s column(s).") % {"columns": ", ".join(missing)}
        )
    if not rows:
        raise ServiceError(_("The file has no rows."))
    products = dict(Product.objects.values_list("code", "pk"))
    reasons = dict(Reason.objects.values_list("code", "pk"))
    existing = {o.code: o for o in Offer.objects.all()}
    offers = {code: o.pk for code, o in existing.items()}
    results, seen = [], set()
    with transaction.atomic():
        for line, row in enumerate(rows, start=2):
            code = _unescaped((row.get("code") or "").strip())
            data, errors = _row_data(row, products, reasons, offers)
            instance = existing.get(code)
            # No status: a new offer is a draft, an existing one keeps its status.
            status = (row.get("status") or "").strip() or ("draft" if instance is None else "")
            if status not in ("", "draft", "live", "retired"):
                errors.append(_("status must be draft, live or retired"))
            if code in seen:
                errors.append(_("the code appears twice in the file"))
            seen.add(code)
            form = cf.OfferCatalogForm(data=data, instance=instance)
            if not form.is_valid():
                errors.extend(_form_problems(form))
            action = "created" if instance is None else "edited"
            result = ImportRow(line, code, action, errors)
            results.append(result)
            if errors:
                continue
            if instance is not None and not form.has_changed():
                result.action, saved = "unchanged", instance
            else:
                saved = catalog_save(form=form, user=user, action="imported")
            offers[saved.code] = saved.pk
            wanted = {"is_draft": status == "draft", "is_active": status != "retired"}
            if status and any(getattr(saved, k) != v for k, v in wanted.items()):
                Offer.objects.filter(pk=saved.pk).update(**wanted)
                saved.refresh_from_db()
                _version_write(saved, action="imported", user=user, note=IMPORT_NOTES[status])
                if result.action == "unchanged":
                    result.action = "edited"
        # A dry run writes everything and rolls back, so it finds exactly what the real
        # import would (a variant whose original is a new row of the same file, say).
        if not apply or any(r.errors for r in results):
            transaction.set_rollback(True)
    return results
