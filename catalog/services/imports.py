"""CSV export and import of the offer catalog: every imported row passes the offer form."""

import csv
import io
import json
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from catalog.forms.offers import OfferCatalogForm
from catalog.models import Offer, Reason
from catalog.services.items import catalog_save
from catalog.services.versions import _form_problems, _version_write
from core.errors import ServiceError
from customers.models import Product

OFFER_CSV_FIELDS = [*OfferCatalogForm._meta.fields, "status"]
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
    for name in OfferCatalogForm._meta.fields:
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
            form = OfferCatalogForm(data=data, instance=instance)
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
