"""An endpoint's delivery log (newest first, a page at a time, each attempt with what the
receiver answered and how long it took), and sending again: one delivery, or a time range."""

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from core.errors import ServiceError
from core.steps import form_errors
from webhooks.forms import ReplayRangeForm
from webhooks.models import Delivery
from webhooks.selectors import delivery_log, endpoint_get
from webhooks.services.replay import deliveries_replay, delivery_replay
from webhooks.views.endpoints import manage_required


def _cursor(value: str | None) -> int | None:
    if value and value.isascii() and value.isdigit() and len(value) < 19:
        return int(value)
    return None


@require_GET
@manage_required
def delivery_list(request, pk):
    endpoint = endpoint_get(pk=pk)
    before = _cursor(request.GET.get("before"))
    deliveries, older = delivery_log(endpoint=endpoint, before=before)
    now = timezone.localtime()
    form = ReplayRangeForm(initial={"since": now - timedelta(hours=1), "until": now})
    context = {
        "endpoint": endpoint,
        "deliveries": deliveries,
        "older": older,
        "first_page": before is None,
        "replay_form": form,
    }
    return render(request, "webhooks/deliveries.html", context)


@require_POST
@manage_required
def deliveries_replay_view(request, pk):
    endpoint = endpoint_get(pk=pk)
    form = ReplayRangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("webhook_deliveries", pk=endpoint.pk)
    try:
        count = deliveries_replay(
            endpoint_id=endpoint.pk,
            since=form.cleaned_data["since"],
            until=form.cleaned_data["until"],
            user=request.user,
        )
    except ServiceError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            ngettext(
                "%(n)d delivery is sent again, with its own webhook-id.",
                "%(n)d deliveries are sent again, in order, each with its own webhook-id.",
                count,
            )
            % {"n": count},
        )
    return redirect("webhook_deliveries", pk=endpoint.pk)


@require_POST
@manage_required
def delivery_replay_view(request, pk):
    delivery = get_object_or_404(Delivery, pk=pk)
    try:
        delivery_replay(delivery_id=delivery.pk, user=request.user)
    except ServiceError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("It is sent again, with the same webhook-id."))
    return redirect("webhook_deliveries", pk=delivery.endpoint_id)
