"""The catalog workspace: offers, reasons, products and policies, playbook, scripts and
battlecards, each with its history. Catalog admins (and superusers) edit; supervisors read;
everyone else gets 403 at the door."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Value, When
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from catalog.choices import ReasonCategory
from catalog.extensions import offer_preview_extend
from catalog.forms.items import IMPORT_MAX_CHARS, ImportForm
from catalog.models import Offer, Reason, ScheduledChange
from catalog.scripts import script_default, script_keys
from catalog.services.imports import offers_export_rows
from catalog.services.imports import offers_import as offers_import_service
from catalog.services.items import (
    catalog_reactivate,
    catalog_retire,
    catalog_save,
    offer_delete,
    offer_publish,
    reason_delete,
    reason_move,
)
from catalog.services.kinds import KINDS, Kind
from catalog.services.scheduled import product_save, scheduled_changes_for
from catalog.services.scheduled import (
    scheduled_change_withdraw as scheduled_change_withdraw_service,
)
from catalog.services.versions import (
    RelatedNames,
    _json,
    history_for,
    snapshot,
    state_compare,
    version_latest,
)
from catalog.services.versions import catalog_restore as catalog_restore_service
from core.csv import csv_rows
from core.errors import ServiceError
from core.middleware import accepts_long_input

READ, EDIT = "catalog.view_catalog", "catalog.manage_catalog"


def _require(request, perm: str = READ) -> None:
    if not (request.user.has_perm(perm) or request.user.has_perm(EDIT)):
        raise PermissionDenied


def _kind(slug: str) -> Kind:
    if slug not in KINDS:
        raise Http404
    return KINDS[slug]


def _base(request, kind: Kind | None = None) -> dict:
    return {
        "kinds": KINDS.values(),
        "kind": kind,
        "can_edit": request.user.has_perm(EDIT),
    }


@require_GET
def catalog_list(request, kind="offers"):
    _require(request)
    kind = _kind(kind)
    items = kind.model.objects.all()
    context = {**_base(request, kind), "items": items}
    if kind.model is Offer:
        now = timezone.now()
        context["items"] = (
            items.select_related("variant_of")
            .annotate(
                window=Case(
                    When(active_from__gt=now, then=Value("scheduled")),
                    When(active_until__lte=now, then=Value("ended")),
                    default=Value("open"),
                )
            )
            .order_by("is_draft", "code")
        )
    if kind.model is Reason:
        by_category = {c: [] for c in ReasonCategory.values}
        for reason in items.order_by("category", "sort_order", "code"):
            by_category[reason.category].append(reason)
        context["tree"] = [(ReasonCategory(c).label, rs) for c, rs in by_category.items()]
    if kind.slug == "products":
        changes = ScheduledChange.objects.select_related("product", "created_by")
        context["pending"] = changes.filter(applied_at__isnull=True, cancelled_at__isnull=True)
        context["failed"] = changes.exclude(problem="").filter(
            cancelled_at__gte=timezone.now() - timedelta(days=30)
        )
    if kind.slug == "scripts":
        edited = {s.key: s for s in items}
        context["scripts"] = [
            (key, label, edited.get(key), _default_script(key)) for key, label in script_keys()
        ]
    return render(request, "catalog/list.html", context)


def _default_script(key: str) -> tuple[str, str]:
    """The built-in wording in both languages."""
    text = script_default(key)
    with translation.override("ko"):
        ko = str(text)
    with translation.override("en"):
        en = str(text)
    return ko, en


def catalog_edit(request, kind, pk=None):
    """Create (no pk) or edit. `preview` shows what the change would do without saving."""
    _require(request)
    kind = _kind(kind)
    instance = get_object_or_404(kind.model, pk=pk) if pk else None
    if request.method == "POST":
        _require(request, EDIT)
        form = kind.form(data=request.POST, instance=instance)
        if "preview" not in request.POST and form.is_valid():
            return _save(request, kind, form)
        if not form.is_valid():
            messages.error(request, _("Correct the errors shown; nothing was saved."))
    else:
        initial = {"base_version": version_latest(instance) if instance else 0}
        if instance is None and kind.slug == "scripts" and request.GET.get("key"):
            ko, en = _default_script(request.GET["key"])
            initial.update(key=request.GET["key"], text_ko=ko, text_en=en)
        form = kind.form(instance=instance, initial=initial)
    context = {**_base(request, kind), "form": form, "item": instance}
    if request.method == "POST" and form.is_valid():
        context["preview"] = _preview(request, kind, form, instance)
    return render(request, "catalog/edit.html", context)


def _save(request, kind, form):
    if form.instance.pk and not [f for f in form.changed_data if f != "base_version"]:
        messages.info(request, _("Nothing changed, so no new version was written."))
        return redirect("catalog_edit", kind=kind.slug, pk=form.instance.pk)
    try:
        if kind.slug == "products":
            saved = product_save(form=form, user=request.user)
        else:
            saved = catalog_save(form=form, user=request.user)
    except ServiceError as refused:
        messages.error(request, refused.message)
        return redirect(request.path)
    if isinstance(saved, ScheduledChange):
        messages.success(
            request,
            _("The change is scheduled for %(day)s; until then the current terms apply.")
            % {"day": saved.effective_from},
        )
        return redirect("catalog_list", kind=kind.slug)
    if isinstance(saved, Offer) and saved.is_draft:
        messages.success(request, _("Saved as a draft: preview it, then publish it."))
    else:
        messages.success(request, _("Saved as a new version."))
    return redirect("catalog_edit", kind=kind.slug, pk=saved.pk)


def _preview(request, kind, form, instance) -> dict:
    """What the change would do: the old and new terms side by side, and for an offer who
    it would reach and where it would rank."""
    proposed = form.save(commit=False)
    state = {
        name: _json(value)
        for name, value in form.cleaned_data.items()
        if name in kind.form._meta.fields
    }
    # The form has already written the proposal onto `instance`: read the stored state.
    current = snapshot(kind.model.objects.get(pk=instance.pk)) if instance else None
    preview = {
        "changes": state_compare(kind, current, state, all_fields=True),
        "changed": {c.name for c in state_compare(kind, current, state)} if current else set(),
    }
    if kind.model is Offer:
        reason_ids = {r.pk for r in form.cleaned_data.get("reasons") or []}
        categories = form.cleaned_data.get("reason_categories") or []
        reasons = Reason.objects.filter(is_active=True, category__in=categories)
        if reason_ids:
            reasons = reasons.filter(pk__in=reason_ids)
        preview["reasons"] = list(reasons)
        preview.update(offer_preview_extend(request, form, proposed))
    if kind.slug == "scripts" or kind.slug == "customer-types":
        preview["agent_view"] = True
    return preview


ACTIONS = {
    "publish": (offer_publish, "offer", gettext_lazy("Published: agents can offer it now.")),
    "retire": (
        catalog_retire,
        "instance",
        gettext_lazy("Retired: it is no longer offered or shown."),
    ),
    "reactivate": (catalog_reactivate, "instance", gettext_lazy("In use again.")),
}


@require_POST
def catalog_act(request, kind, pk, action):
    _require(request, EDIT)
    kind = _kind(kind)
    item = get_object_or_404(kind.model, pk=pk)
    try:
        allowed = action in ACTIONS and (
            kind.model is Offer if action == "publish" else hasattr(item, "is_active")
        )
        if allowed:
            service, argument, done = ACTIONS[action]
            service(**{argument: item, "user": request.user})
        elif action == "delete" and kind.model is Offer:
            offer_delete(offer=item, user=request.user)
            messages.success(request, _("Deleted (it was never presented)."))
            return redirect("catalog_list", kind=kind.slug)
        elif action == "delete" and kind.model is Reason:
            reason_delete(reason=item, user=request.user)
            messages.success(request, _("Deleted (it was never used)."))
            return redirect("catalog_list", kind=kind.slug)
        elif action in ("up", "down") and kind.model is Reason:
            reason_move(reason=item, user=request.user, step=-1 if action == "up" else 1)
            return redirect("catalog_list", kind=kind.slug)
        else:
            raise Http404
    except ServiceError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, str(done))
    if request.POST.get("next") == "list":
        return redirect("catalog_list", kind=kind.slug)
    return redirect("catalog_edit", kind=kind.slug, pk=pk)


@require_GET
def catalog_history(request, kind, pk):
    _require(request)
    kind = _kind(kind)
    item = get_object_or_404(kind.model, pk=pk)
    names = RelatedNames()
    versions = history_for(item, names=names)
    shown = None
    if request.GET.get("v"):
        shown = next((v for v in versions if str(v.version.version) == request.GET["v"]), None)
        if shown is None:
            raise Http404
        shown.full = state_compare(kind, None, shown.version.snapshot, all_fields=True, names=names)
    context = {**_base(request, kind), "item": item, "versions": versions, "shown": shown}
    if kind.slug == "products":
        context["scheduled"] = scheduled_changes_for(item, names=names)
    return render(request, "catalog/history.html", context)


@require_POST
def catalog_restore(request, kind, pk, version):
    _require(request, EDIT)
    kind = _kind(kind)
    item = get_object_or_404(kind.model, pk=pk)
    try:
        created = catalog_restore_service(instance=item, version=version, user=request.user)
    except ServiceError as refused:
        messages.error(request, " ".join([str(refused.message), *refused.details]))
    else:
        messages.success(
            request,
            _("Version %(old)d restored as version %(new)d.")
            % {"old": version, "new": created.version},
        )
    return redirect("catalog_history", kind=kind.slug, pk=pk)


@require_POST
def scheduled_change_withdraw(request, pk):
    _require(request, EDIT)
    change = get_object_or_404(ScheduledChange, pk=pk)
    try:
        scheduled_change_withdraw_service(change=change, user=request.user)
    except ServiceError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The scheduled change is withdrawn."))
    return redirect("catalog_list", kind="products")


@require_GET
def offers_export(request):
    _require(request)
    rows = offers_export_rows()
    header = next(rows)
    response = StreamingHttpResponse(csv_rows(header, rows), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="offers.csv"'
    return response


@accepts_long_input(IMPORT_MAX_CHARS)
def offers_import(request):
    """Upload → dry run listing every row's errors → import (all rows or none)."""
    _require(request, EDIT)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {**_base(request, KINDS["offers"]), "form": form}
    if request.method == "POST" and form.is_valid():
        apply = "apply" in request.POST
        try:
            rows = offers_import_service(
                content=form.cleaned_data["content"], user=request.user, apply=apply
            )
        except ServiceError as refused:
            messages.error(request, refused.message)
        else:
            failed = [r for r in rows if r.errors]
            if apply and not failed:
                messages.success(
                    request, _("Imported %(n)d rows as new versions.") % {"n": len(rows)}
                )
                return redirect("catalog_list", kind="offers")
            context.update(rows=rows, failed=failed, content=form.cleaned_data["content"])
    return render(request, "catalog/import.html", context)
