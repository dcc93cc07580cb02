"""Versions of catalog items: every change of the catalog workspace is a new version.

A version stores the item's whole editable state (the form's fields), so any version can be
shown, compared with the one before (a readable diff) and restored; restoring binds the old
state to today's form, so it passes today's checks, and is itself a new version. The first
change of an item that has no history yet records its previous state as version 1.

Two admins editing one item: each form carries the version it started from; the second save
is refused (`Conflict`), never silently merged.

Here: the snapshot of an item, writing a version, the row lock with its baseline, binding a
stored state to today's form (a restore), and the diffs people read (history, preview).
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from catalog.choices import ReasonCategory
from catalog.models import CatalogVersion
from catalog.services.kinds import _EXTRA_STATE, Kind, kind_for
from core.errors import Conflict, ServiceError
from core.fsm import record_lock
from core.updates import CATALOG_KEY, updates_bump


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
    updates_bump([CATALOG_KEY])  # every screen that shows the catalog draws it again
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


def item_lock(instance):
    """Lock a catalog item's row for the transaction; refused, with nothing done, when
    someone deleted it meanwhile."""
    missing = _("Someone deleted this %(thing)s meanwhile.") % {
        "thing": instance._meta.verbose_name
    }
    return record_lock(type(instance).objects, instance.pk, expected_state=None, missing=missing)


def _locked(instance, *, base: int | None = None):
    """Lock the item's row and check it is still at version `base` (the one the editor
    started from; None: no check); then write the baseline version if it has no history
    yet, so the state before the first edit can be restored."""
    fresh = item_lock(instance)
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
