"""The webhook endpoints, for whoever may manage them (catalog admins): the list, a new
endpoint (its secret shown on the answer to the form, never again), changing one, rotating
its secret, disabling and enabling it. Everyone else gets 403 at the door."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import ServiceError
from core.steps import form_errors
from webhooks.forms import DisableForm, EndpointCreateForm, EndpointForm
from webhooks.selectors import endpoint_get, endpoints_overview
from webhooks.services.endpoints import (
    endpoint_create,
    endpoint_disable,
    endpoint_enable,
    endpoint_secret_rotate,
    endpoint_update,
)

MANAGE = "webhooks.manage_webhooks"


def manage_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.has_perm(MANAGE):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _shown_once(response):
    """A page with a secret on it: never cached, never kept."""
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@manage_required
def endpoint_list(request):
    return render(request, "webhooks/list.html", {"endpoints": endpoints_overview()})


@require_http_methods(["GET", "POST"])
@manage_required
def endpoint_new(request):
    form = EndpointCreateForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            messages.error(request, _("Correct the errors shown; nothing was saved."))
            return render(request, "webhooks/edit.html", {"form": form}, status=400)
        try:
            made = endpoint_create(
                user=request.user,
                name=form.cleaned_data["name"],
                url=form.cleaned_data["url"],
                description=form.cleaned_data["description"],
                event_types=form.event_types_value,
                submission=form.cleaned_data["submission"],
            )
        except ServiceError as refused:
            messages.error(request, refused.message)
            return render(request, "webhooks/edit.html", {"form": form}, status=400)
        if not made.secret:
            messages.info(
                request,
                _(
                    "This form was already sent: the endpoint exists. If its secret was not "
                    "copied, rotate it."
                ),
            )
            return redirect("webhook_endpoint", pk=made.endpoint.pk)
        messages.success(request, _("The endpoint is made and receives events from now on."))
        return _shown_once(_edit_page(request, endpoint_get(pk=made.endpoint.pk), made.secret))
    return render(request, "webhooks/edit.html", {"form": form})


def _edit_page(request, endpoint, secret: str = "", form=None, status: int = 200):
    form = form or EndpointForm(initial=EndpointForm.initial_for(endpoint))
    context = {
        "endpoint": endpoint,
        "form": form,
        "secret": secret,
        "disable_form": DisableForm(),
    }
    return render(request, "webhooks/edit.html", context, status=status)


@require_http_methods(["GET", "POST"])
@manage_required
def endpoint_edit(request, pk):
    endpoint = endpoint_get(pk=pk)
    if request.method == "GET":
        return _edit_page(request, endpoint)
    form = EndpointForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Correct the errors shown; nothing was saved."))
        return _edit_page(request, endpoint, form=form, status=400)
    try:
        endpoint_update(
            endpoint_id=endpoint.pk,
            user=request.user,
            name=form.cleaned_data["name"],
            url=form.cleaned_data["url"],
            description=form.cleaned_data["description"],
            event_types=form.event_types_value,
        )
    except ServiceError as refused:
        messages.error(request, refused.message)
        return _edit_page(request, endpoint, form=form, status=400)
    messages.success(request, _("Saved."))
    return redirect("webhook_endpoint", pk=endpoint.pk)


@require_POST
@manage_required
def endpoint_rotate(request, pk):
    endpoint = endpoint_get(pk=pk)
    try:
        made = endpoint_secret_rotate(endpoint_id=endpoint.pk, user=request.user)
    except ServiceError as refused:
        messages.error(request, refused.message)
        return redirect("webhook_endpoint", pk=endpoint.pk)
    messages.success(
        request,
        _(
            "A new secret is made. The old one keeps signing for the grace period, so the "
            "receiver can switch to the new one without missing an event."
        ),
    )
    return _shown_once(_edit_page(request, endpoint_get(pk=pk), made.secret))


@require_POST
@manage_required
def endpoint_disable_view(request, pk):
    endpoint = endpoint_get(pk=pk)
    form = DisableForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("webhook_endpoint", pk=endpoint.pk)
    try:
        endpoint_disable(
            endpoint_id=endpoint.pk, user=request.user, reason=form.cleaned_data["reason"]
        )
    except ServiceError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Disabled: nothing is sent to it until it is enabled."))
    return redirect("webhook_endpoint", pk=endpoint.pk)


@require_POST
@manage_required
def endpoint_enable_view(request, pk):
    endpoint = endpoint_get(pk=pk)
    try:
        endpoint_enable(endpoint_id=endpoint.pk, user=request.user)
    except ServiceError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _(
                "Enabled: what was waiting is sent now. Events from while it was disabled "
                "can be sent again from its delivery log."
            ),
        )
    return redirect("webhook_endpoint", pk=endpoint.pk)
